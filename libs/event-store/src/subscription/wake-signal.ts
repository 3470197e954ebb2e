/** A pending wait that the owner can end early (stop() must not sit out a poll interval). */
export interface Wait {
  readonly done: Promise<void>;
  cancel(): void;
}

/**
 * Tells waiting subscriptions that something may have been appended. `version` lets a reader
 * notice a signal that arrived while it was reading, so no wake-up is ever lost between a read
 * that came back empty and the wait that follows it.
 */
export class WakeSignal {
  private current = 0;
  private waiters = new Set<() => void>();

  get version(): number {
    return this.current;
  }

  notify(): void {
    this.current++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Ends on the next notify, after `timeoutMs`, or on cancel, whichever is first. */
  wait(timeoutMs: number): Wait {
    const wait = delay(timeoutMs);
    this.waiters.add(wait.cancel);
    const forget = () => this.waiters.delete(wait.cancel);
    wait.done.then(forget, forget);
    return wait;
  }
}

export function delay(ms: number): Wait {
  let cancel = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancel = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, cancel };
}
