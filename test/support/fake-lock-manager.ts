import type { OriginLockGrant, OriginLockManager, OriginLockRequestOptions } from "../../src/index.ts";

/**
 * The Web Locks API's exclusive locks, in memory, for Node (which has no `navigator.locks`): one
 * instance stands for an origin, shared by the "tabs" of a test. It follows the spec where a
 * context could get it wrong: requests are answered asynchronously, in order; `ifAvailable`
 * answers `null` when the lock is held or requested; `signal` with `ifAvailable` is refused; an
 * aborted request that is still waiting rejects with the signal's reason; a lock is released when
 * the callback's promise settles, before the request's promise settles.
 */
export class FakeLockManager implements OriginLockManager {
  private readonly held = new Set<string>();
  private readonly waiting: Waiting[] = [];
  private gate: Promise<void> = Promise.resolve();

  /** Holds every answer back until the returned function is called: a slow lock manager. */
  delayAnswers(): () => void {
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    return () => open();
  }

  request(name: string, options: OriginLockRequestOptions, callback: (lock: OriginLockGrant | null) => Promise<void>): Promise<void> {
    if (name.startsWith("-")) return Promise.reject(new DOMException("reserved lock name", "NotSupportedError"));
    if (options.signal && options.ifAvailable) {
      return Promise.reject(new DOMException("signal cannot be used with ifAvailable", "NotSupportedError"));
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = { name, grant: () => this.run(name, callback).then(resolve, reject) };
      void this.gate.then(() => {
        if (options.ifAvailable && (this.held.has(name) || this.waiting.some((w) => w.name === name))) {
          void Promise.resolve()
            .then(() => callback(null))
            .then(resolve, reject);
          return;
        }
        const signal = options.signal;
        if (signal) {
          signal.addEventListener("abort", () => {
            const i = this.waiting.indexOf(entry);
            if (i < 0) return;
            this.waiting.splice(i, 1);
            reject(signal.reason);
          });
        }
        this.waiting.push(entry);
        this.grantNext(name);
      });
    });
  }

  /** What `navigator.locks.query()` tells: the names held and waited for. */
  query(): { held: string[]; pending: string[] } {
    return { held: [...this.held], pending: this.waiting.map((w) => w.name) };
  }

  private grantNext(name: string): void {
    if (this.held.has(name)) return;
    const i = this.waiting.findIndex((w) => w.name === name);
    if (i < 0) return;
    const [next] = this.waiting.splice(i, 1);
    this.held.add(name);
    next!.grant();
  }

  private async run(name: string, callback: (lock: OriginLockGrant | null) => Promise<void>): Promise<void> {
    try {
      await Promise.resolve();
      await callback({ name });
    } finally {
      this.held.delete(name);
      this.grantNext(name);
    }
  }
}

interface Waiting {
  readonly name: string;
  readonly grant: () => void;
}

/**
 * Holds the lock `name` the way another tab's own code would (through `locks.request`, this fake
 * or `navigator.locks`) until the returned function is called, which resolves once it is let go.
 */
export async function holdLock(locks: OriginLockManager, name: string): Promise<() => Promise<void>> {
  return new Promise((granted) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const done: Promise<void> = locks.request(name, {}, async () => {
      granted(async () => {
        release();
        await done;
      });
      await held;
    });
  });
}
