// The request side of a client- or bidi-streaming RPC with an idle limit: a client that opens a stream and
// then goes quiet gets OUT_OF_RANGE after `idleMs` (Google Cloud Speech's "Audio Timeout Error") instead of
// holding the server's per-stream state forever; a cancelled call ends the wait at once.
import { Code, ConnectError } from '@connectrpc/connect';

/** The requests of `requests`, failing with OUT_OF_RANGE when none arrives within `idleMs` of the last. */
export async function* withIdleTimeout<T>(requests: AsyncIterable<T>, idleMs: number, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const iterator = requests[Symbol.asyncIterator]();
  for (;;) {
    const next = await nextWithin(iterator, idleMs, signal);
    if (next.done) return;
    yield next.value;
  }
}

async function nextWithin<T>(iterator: AsyncIterator<T>, idleMs: number, signal: AbortSignal): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ConnectError(`audio_content: no request for ${idleMs} ms (idle stream timeout)`, Code.OutOfRange)), idleMs);
      }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new ConnectError('stream cancelled', Code.Canceled));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
