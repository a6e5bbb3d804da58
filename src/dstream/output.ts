import { RivuletError } from "../core/errors.ts";
import type { Batch } from "../core/batch.ts";

// The output family: what turns a lazy batch into an effect. Each output operation becomes one
// job per batch, run in declaration order.

/** Where `saveAsTextFiles` writes: a file system, or any store that takes whole text files. */
export interface TextFileSink {
  writeText(path: string, text: string): Promise<void>;
}

/** Spark's `print`: a header with the batch time, then the first `num` records, `...` if more. */
export function printer<T>(num: number, log: (line: string) => void): (batch: Batch<T>, time: number) => Promise<void> {
  // Checked here, once, rather than failing every batch's output.
  if (!Number.isSafeInteger(num) || num < 0) throw new RivuletError("INVALID_ARGUMENT", `print(num): num must be a non-negative integer, got ${num}`);
  return async (batch, time) => {
    const first = await batch.take(num + 1);
    const lines = ["-------------------------------------------", `Time: ${time} ms`, "-------------------------------------------"];
    for (let i = 0; i < Math.min(num, first.length); i++) lines.push(formatRecord(first[i]));
    if (first.length > num) lines.push("...");
    lines.push("");
    log(lines.join("\n"));
  };
}

/** Spark's `saveAsTextFiles`: each batch as one text file `prefix-<time>[.suffix]`, a record a line. */
export function textFileWriter<T>(prefix: string, suffix: string | undefined, sink: TextFileSink): (batch: Batch<T>, time: number) => Promise<void> {
  return async (batch, time) => {
    const records = await batch.collect();
    let text = "";
    for (const r of records) text += formatRecord(r) + "\n";
    await sink.writeText(fileName(prefix, suffix, time), text);
  };
}

/**
 * Spark's `saveAsObjectFiles`, with JSON for Java serialization: each batch as one file
 * `prefix-<time>[.suffix]` of newline-delimited JSON, one record a line, which
 * `jsonLinesStream` reads back. A record JSON cannot hold (a bigint, a cycle, `undefined`, a
 * function) fails the batch's output with an error naming it, rather than being written wrong.
 */
export function jsonLinesWriter<T>(prefix: string, suffix: string | undefined, sink: TextFileSink): (batch: Batch<T>, time: number) => Promise<void> {
  return async (batch, time) => {
    const records = await batch.collect();
    let text = "";
    for (let i = 0; i < records.length; i++) {
      let line: string | undefined;
      try {
        line = JSON.stringify(records[i]);
      } catch (error) {
        throw new RivuletError("INVALID_INPUT", `saveAsObjectFiles: record ${i} of batch ${time} cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (line === undefined) throw new RivuletError("INVALID_INPUT", `saveAsObjectFiles: record ${i} of batch ${time} (${typeof records[i]}) has no JSON form`);
      text += line + "\n";
    }
    await sink.writeText(fileName(prefix, suffix, time), text);
  };
}

/**
 * A record as Spark would print it: tuples (arrays) as `(a,b)`, strings bare, maps and sets as
 * Scala's, an object with its own `toString` by it (Spark writes `toString`), other objects as
 * JSON (which would write a set, a typed array or a class instance with state elsewhere as `{}`).
 */
export function formatRecord(record: unknown): string {
  if (Array.isArray(record)) return `(${record.map(formatRecord).join(",")})`;
  if (record === null || typeof record !== "object") return String(record);
  if (record instanceof Map) return `Map(${[...record].map(([k, v]) => `${formatRecord(k)} -> ${formatRecord(v)}`).join(", ")})`;
  if (record instanceof Set) return `Set(${[...record].map(formatRecord).join(", ")})`;
  if (ArrayBuffer.isView(record) && !(record instanceof DataView)) return `(${Array.from(record as unknown as ArrayLike<unknown>, formatRecord).join(",")})`;
  if (typeof record.toString === "function" && record.toString !== Object.prototype.toString) return String(record);
  try {
    return JSON.stringify(record);
  } catch {
    return String(record);
  }
}

/** Spark's `rddToFileName`: `prefix-<time>.suffix`, without the dash when there is no prefix and without the dot when there is no suffix. */
export function fileName(prefix: string, suffix: string | undefined, time: number): string {
  const base = prefix ? `${prefix}-${time}` : `${time}`;
  return suffix ? `${base}.${suffix}` : base;
}
