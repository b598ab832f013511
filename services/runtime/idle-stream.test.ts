import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';
import { withIdleTimeout } from './idle-stream.js';

/** Requests that arrive on demand: `send` delivers one, `end` finishes the stream. */
function requestQueue<T>() {
  const waiting: ((r: IteratorResult<T>) => void)[] = [];
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve)) }),
  };
  return { iterable, send: (value: T) => waiting.shift()!({ value, done: false }), end: () => waiting.shift()!({ value: undefined, done: true }) };
}

const tick = () => new Promise((r) => setImmediate(r));

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return error as ConnectError;
  }
  throw new Error('expected a failure');
}

describe('withIdleTimeout (request streams with an idle limit)', () => {
  it('passes requests through and ends with the stream', async () => {
    const q = requestQueue<number>();
    const seen: number[] = [];
    const done = (async () => {
      for await (const r of withIdleTimeout(q.iterable, 60_000, new AbortController().signal)) seen.push(r);
    })();
    for (const n of [1, 2, 3]) {
      await tick();
      q.send(n);
    }
    await tick();
    q.end();
    await done;
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('fails with OUT_OF_RANGE naming the idle limit when no request comes', async () => {
    const q = requestQueue<number>();
    const iterator = withIdleTimeout(q.iterable, 20, new AbortController().signal);
    const error = await failure(iterator.next());
    assert.equal(error.code, Code.OutOfRange);
    assert.match(error.rawMessage, /no request for 20 ms \(idle stream timeout\)/);
  });

  it('fails with CANCELLED at once when the call is cancelled', async () => {
    const q = requestQueue<number>();
    const abort = new AbortController();
    const next = withIdleTimeout(q.iterable, 60_000, abort.signal).next();
    abort.abort();
    const error = await failure(next);
    assert.equal(error.code, Code.Canceled);
  });
});
