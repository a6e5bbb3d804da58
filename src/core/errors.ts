/**
 * Every error Rivulet raises on purpose is a `RivuletError` with a `code`, so callers can tell a
 * misuse of the API from a failure of user code (which is passed through unchanged).
 */
export type RivuletErrorCode =
  | "ILLEGAL_STATE"
  | "INVALID_ARGUMENT"
  | "NO_OUTPUT_OPERATIONS"
  | "ANOTHER_CONTEXT_ACTIVE"
  | "SOURCE_FAILED"
  /** Received data that cannot be made into records (invalid JSON, an unreadable message); dropped and counted. */
  | "INVALID_INPUT"
  /** A source that cannot pause its producer received more than it may buffer; the excess is dropped and counted. */
  | "BUFFER_OVERFLOW"
  | "MEMORY_LIMIT"
  | "TASK_FAILED"
  | "JOB_MISMATCH"
  | "CHECKPOINT_REQUIRED"
  | "CHECKPOINT_FAILED"
  | "CHECKPOINT_CORRUPT"
  | "CHECKPOINT_MISMATCH"
  /** Something this runtime does not have (the Web Locks API for `originLock`, say). */
  | "UNSUPPORTED";

export class RivuletError extends Error {
  readonly code: RivuletErrorCode;

  constructor(code: RivuletErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RivuletError";
    this.code = code;
  }
}
