import { RivuletError } from "../core/errors.ts";
import { decodable } from "../core/shared-memory.ts";
import { LineSplitter, type LineSplitterOptions } from "./lines.ts";

/** How a file stream makes records of a file's bytes, and what it counts on the way. */
export interface FileRecords<T> {
  /** Appends the records of the file `name` to `out`; `report` tells listeners of a problem. */
  decode(name: string, bytes: Uint8Array, out: T[], report: (message: string, error: unknown) => void): void;
  /** Totals since start, reported with every batch. */
  counters(): Readonly<Record<string, number>>;
}

/** `textFileStream`: a file's lines, with `textStream`'s rules (invalid UTF-8 replaced, over-long lines dropped). */
export function fileLines(options: LineSplitterOptions): FileRecords<string> {
  const splitter = new LineSplitter(options);
  return {
    decode(_name, bytes, out) {
      splitter.push(decodable(bytes), out);
      // Each file ends its last line, with or without a newline.
      splitter.end(out);
    },
    counters: () => ({ invalidUtf8: splitter.invalidUtf8, overlongLines: splitter.overlongLines }),
  };
}

/**
 * `binaryRecordsStream`: a file cut into records of `recordLength` bytes (views of the file's
 * bytes). Spark fails the job on a file whose length is not a multiple; here its trailing bytes
 * are dropped, counted (`partialRecords`) and reported, and the job goes on.
 */
export function fixedLengthRecords(recordLength: number): FileRecords<Uint8Array> {
  if (!Number.isSafeInteger(recordLength) || recordLength <= 0) {
    throw new RivuletError("INVALID_ARGUMENT", `binaryRecordsStream: recordLength must be a positive integer, got ${String(recordLength)}`);
  }
  let partial = 0;
  return {
    decode(name, bytes, out, report) {
      const whole = bytes.length - (bytes.length % recordLength);
      for (let at = 0; at < whole; at += recordLength) out.push(bytes.subarray(at, at + recordLength));
      if (whole === bytes.length) return;
      partial++;
      report(
        `binaryRecordsStream: ${name} has ${bytes.length} bytes, not a multiple of the record length ${recordLength}; ` +
          `its last ${bytes.length - whole} bytes are dropped and counted in partialRecords`,
        new RivuletError("INVALID_INPUT", `${name}: ${bytes.length - whole} bytes after the last whole record`),
      );
    },
    counters: () => ({ partialRecords: partial }),
  };
}

/**
 * `fileStream`: a file's records as `read` makes them of its bytes (Spark's `InputFormat`). A
 * file that `read` throws on (or that gives no iterable) has its records dropped, counted
 * (`unreadableRecords`) and reported with the error, and the job goes on.
 */
export function recordsOf<T>(read: (bytes: Uint8Array, name: string) => Iterable<T>): FileRecords<T> {
  if (typeof read !== "function") throw new RivuletError("INVALID_ARGUMENT", "fileStream: read must be a function (bytes, name) => records");
  let failed = 0;
  return {
    decode(name, bytes, out, report) {
      let records: T[];
      try {
        const made = read(bytes, name);
        // Array.from would take a number or a plain object for an empty list: say so instead.
        if (typeof (made as Partial<Iterable<T>> | null | undefined)?.[Symbol.iterator] !== "function") {
          throw new TypeError(`read gave ${made === null ? "null" : typeof made}, which is not iterable`);
        }
        records = Array.isArray(made) ? made : Array.from(made);
      } catch (error) {
        failed++;
        const message = error instanceof Error ? error.message : String(error);
        report(`fileStream: reading ${name} failed (${message}); its records are dropped and counted in unreadableRecords`, error);
        return;
      }
      for (let i = 0; i < records.length; i++) out.push(records[i]!);
    },
    counters: () => ({ unreadableRecords: failed }),
  };
}
