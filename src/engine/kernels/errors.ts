/** Errors raised by the kernel binding. */

import { RivuletError } from "../../core/errors.ts";

/**
 * A kernel needed more linear memory than the configured limit (or the engine would give).
 * A `RivuletError` with code `"MEMORY_LIMIT"`; the instance stays usable for smaller batches.
 */
export class KernelMemoryError extends RivuletError {
  override readonly name = "KernelMemoryError";
  /** The configured maximum of linear memory, in bytes. */
  readonly limitBytes: number;
  /** The linear memory size, in bytes, that the failed call needed. */
  readonly requestedBytes: number;
  /** The kernel that failed, e.g. "wordCount". */
  readonly kernel: string;

  constructor(kernel: string, limitBytes: number, requestedBytes: number) {
    const refused = requestedBytes <= limitBytes;
    super(
      "MEMORY_LIMIT",
      refused
        ? `WASM kernel ${kernel}: the engine refused to grow linear memory to ${requestedBytes} bytes ` +
            `(below the limit of ${limitBytes} bytes, maxMemoryBytes)`
        : `WASM kernel ${kernel} needs ${requestedBytes} bytes of linear memory, over the limit of ` +
            `${limitBytes} bytes (maxMemoryBytes); use smaller batches or raise the limit`,
    );
    this.limitBytes = limitBytes;
    this.requestedBytes = requestedBytes;
    this.kernel = kernel;
  }
}

/** A kernel failed for another reason (an internal assertion); a bug, never expected. */
export class KernelError extends Error {
  override readonly name = "KernelError";
  readonly kernel: string;

  constructor(kernel: string, message: string, options?: { cause?: unknown }) {
    super(`WASM kernel ${kernel}: ${message}`, options);
    this.kernel = kernel;
  }
}
