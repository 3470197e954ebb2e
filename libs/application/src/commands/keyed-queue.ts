/**
 * Runs tasks one at a time per key. Commands on one bucket from this process queue here instead of
 * racing to the event store and losing on the expected revision; contention between processes is
 * still settled by the expected-revision check and the handler's retries.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The tail never rejects (a failed task is its caller's to handle), so the next task always runs.
    const release = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const tail: Promise<void> = result.then(release, release);
    this.tails.set(key, tail);
    return result;
  }

  get size(): number {
    return this.tails.size;
  }
}
