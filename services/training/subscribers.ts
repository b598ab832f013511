// Listeners keyed by resource id (a job, a study), for watch streams and the study controller.
export class Subscribers<T> {
  private readonly byKey = new Map<string, Set<(event: T) => void>>();

  /** Returns the unsubscribe function. */
  subscribe(key: string, listener: (event: T) => void): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byKey.delete(key);
    };
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Call every listener of `key`; one that throws is reported and does not stop the others. */
  emit(key: string, event: T, onError: (error: unknown) => void): void {
    for (const listener of this.byKey.get(key) ?? []) {
      try {
        listener(event);
      } catch (error) {
        onError(error);
      }
    }
  }
}
