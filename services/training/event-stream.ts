// Turns a listener subscription into an async iterable for server-streaming handlers. It subscribes at once
// (so a snapshot read right after misses nothing), queues events until the handler reads them, and ends when
// the call is cancelled; the handler calls `close()` in `finally` to unsubscribe.
export interface EventStream<T> extends AsyncIterable<T> {
  close(): void;
}

export function eventStream<T>(subscribe: (push: (event: T) => void) => () => void, signal: AbortSignal): EventStream<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = subscribe((event) => {
    queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  const close = () => {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
  };
  return {
    close,
    async *[Symbol.asyncIterator]() {
      while (!signal.aborted) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        while (queue.length && !signal.aborted) yield queue.shift()!;
      }
    },
  };
}
