import { RivuletError } from "../core/errors.ts";

/**
 * One active context per origin: a Web Lock (`navigator.locks`) held for the context's whole
 * active life. Tabs and workers of one origin share the lock manager, so a second context running
 * the same job (and writing to the same checkpoint store) sees the lock taken; the browser releases
 * it when the holder's tab or worker closes or crashes, so a dead holder never blocks the origin.
 */

/** The lock a context takes when no name is given. */
export const DEFAULT_ORIGIN_LOCK_NAME = "rivulet:streaming-context";

/** A granted lock, as the Web Locks API hands it to the request's callback. */
export interface OriginLockGrant {
  readonly name: string;
}

/** The options of the requests a context makes (a subset of the Web Locks API's `LockOptions`). */
export interface OriginLockRequestOptions {
  /** Answer at once: the callback gets `null` when the lock is held elsewhere. */
  readonly ifAvailable?: boolean;
  /** Aborts a request still waiting for the lock. */
  readonly signal?: AbortSignal;
}

/**
 * The part of the Web Locks API's `LockManager` a context uses; `navigator.locks` is one. Pass
 * another where there is none, or to coordinate contexts some other way.
 */
export interface OriginLockManager {
  /**
   * Requests the exclusive lock `name`; `callback` runs once it is granted (or, with
   * `ifAvailable`, with `null` when it is not), and the lock is held until the promise the
   * callback returns settles. The returned promise settles after that, or rejects when the
   * request fails or is aborted.
   */
  request(name: string, options: OriginLockRequestOptions, callback: (lock: OriginLockGrant | null) => Promise<void>): Promise<void>;
}

/** How a context takes the origin's lock (`StreamingContextOptions.originLock`). */
export interface OriginLockOptions {
  /**
   * The lock's name (default `"rivulet:streaming-context"`). Contexts of the origin that run
   * independent jobs, each with its own checkpoint store, give each job its own name.
   */
  readonly name?: string;
  /**
   * Wait for the lock instead of failing when it is held (default false): the context stands by
   * and begins when the holder stops or its tab or worker goes away.
   */
  readonly wait?: boolean;
  /** The lock manager; default `navigator.locks`, required where there is none (Node, workerd). */
  readonly locks?: OriginLockManager;
}

/** How a request ended: held, held elsewhere (without waiting), or cancelled before it was granted. */
export type OriginLockOutcome = "granted" | "unavailable" | "cancelled";

/** One request for the origin's lock, made once and released once. */
export class OriginLock {
  readonly name: string;
  readonly wait: boolean;
  private readonly locks: OriginLockManager;
  private readonly abort = new AbortController();
  private readonly held: Promise<void>;
  private releaseHeld!: () => void;
  private request: Promise<void> | undefined;
  private outcome: Promise<OriginLockOutcome> | undefined;
  private isGranted = false;

  /** Throws `UNSUPPORTED` when no lock manager is given and the runtime has none. */
  constructor(options: true | OriginLockOptions) {
    const { name = DEFAULT_ORIGIN_LOCK_NAME, wait = false, locks = runtimeLockManager() } = options === true ? {} : options;
    // The Web Locks API reserves names starting with "-" and rejects requests for them.
    if (typeof name !== "string" || name === "" || name.startsWith("-")) {
      throw new RivuletError("INVALID_ARGUMENT", `originLock.name must be a non-empty string not starting with "-", got ${JSON.stringify(name)}`);
    }
    if (!locks) {
      throw new RivuletError(
        "UNSUPPORTED",
        "originLock needs the Web Locks API (navigator.locks), which this runtime does not have; " +
          "pass a lock manager as originLock.locks, or leave originLock off",
      );
    }
    this.name = name;
    this.wait = wait;
    this.locks = locks;
    this.held = new Promise((resolve) => (this.releaseHeld = resolve));
  }

  /** Whether the lock is held (granted and not yet released). */
  get granted(): boolean {
    return this.isGranted;
  }

  /**
   * Requests the lock, waiting for it with `wait`, otherwise only if it is free now. Rejects with
   * `UNSUPPORTED` when the lock manager refuses the request (an opaque origin, say). The request
   * is made once: later calls get the first one's outcome (`getOrCreate` takes the lock, then the
   * context it built begins under it).
   */
  acquire(): Promise<OriginLockOutcome> {
    this.outcome ??= this.requestLock();
    return this.outcome;
  }

  private requestLock(): Promise<OriginLockOutcome> {
    return new Promise<OriginLockOutcome>((resolve, reject) => {
      // The Web Locks API refuses `signal` together with `ifAvailable`; an answer without waiting
      // needs no cancelling anyway.
      const options: OriginLockRequestOptions = this.wait ? { signal: this.abort.signal } : { ifAvailable: true };
      const failed = (error: unknown) => {
        if (this.abort.signal.aborted) return resolve("cancelled");
        const message = error instanceof Error ? error.message : String(error);
        reject(new RivuletError("UNSUPPORTED", `the Web Lock "${this.name}" could not be requested: ${message}`, { cause: error }));
      };
      try {
        this.request = this.locks.request(this.name, options, (lock) => {
          this.isGranted = lock !== null && !this.abort.signal.aborted;
          resolve(lock ? "granted" : "unavailable");
          return lock ? this.held : Promise.resolve();
        });
        this.request.catch(failed);
      } catch (error) {
        this.request = Promise.resolve();
        failed(error);
      }
    });
  }

  /**
   * Gives the lock back, or cancels the request if it is still waiting; resolves once the lock
   * manager has let go of it, so that a request made after that finds it free.
   */
  release(): Promise<void> {
    this.isGranted = false;
    this.abort.abort();
    this.releaseHeld();
    return (this.request ?? Promise.resolve()).catch(() => undefined);
  }
}

/** The error of a context (or `getOrCreate`) that finds the lock held elsewhere and does not wait. */
export function heldElsewhere(name: string): RivuletError {
  return new RivuletError(
    "ANOTHER_CONTEXT_ACTIVE",
    `another StreamingContext is active in this origin: another tab, window or worker holds the Web Lock "${name}"; ` +
      "stop it first, wait for it (originLock: { wait: true }), or give independent jobs lock names of their own (originLock: { name })",
  );
}

/**
 * Takes the lock before there is a context to hold it (`getOrCreate`, so that the store is read
 * under it): resolves with the held lock, rejects with `ANOTHER_CONTEXT_ACTIVE` when it is held
 * elsewhere and `wait` is off, or with `signal`'s reason once that aborts the wait.
 */
export async function acquireOriginLock(options: true | OriginLockOptions, signal?: AbortSignal): Promise<OriginLock> {
  signal?.throwIfAborted();
  const lock = new OriginLock(options);
  const withdraw = () => void lock.release();
  signal?.addEventListener("abort", withdraw, { once: true });
  try {
    const outcome = await lock.acquire();
    signal?.throwIfAborted();
    if (outcome !== "granted") throw heldElsewhere(lock.name);
    return lock;
  } catch (error) {
    await lock.release();
    throw error;
  } finally {
    signal?.removeEventListener("abort", withdraw);
  }
}

/** `navigator.locks` where the runtime has it (browsers, their workers); undefined elsewhere. */
function runtimeLockManager(): OriginLockManager | undefined {
  return (globalThis as { navigator?: { locks?: OriginLockManager } }).navigator?.locks;
}
