import type { Batch } from "../core/batch.ts";
import { RivuletError } from "../core/errors.ts";
import type { Pair } from "../core/executor.ts";
import { checkPartitions, HashPartitioner, type Partitioner } from "../core/partitioner.ts";

// How the key-value operators of a stream partition what they output. Spark's overloads take a
// number of partitions (a HashPartitioner of that many) or any Partitioner. The engine's shuffles
// hash keys only, so a partitioner of another kind places the keys after the shuffle, in one more
// pass on the driver; its batches are not known to be partitioned, so the next shuffle hashes them
// again (where Spark would read a side partitioned by an equal partitioner in place).

/** A number of partitions (hash partitioned), or a `Partitioner`: what Spark's overloads take. */
export type Partitioning = number | Partitioner;

/** True for an object of the `Partitioner` shape, told apart from options objects by `getPartition`. */
export function isPartitioner(value: unknown): value is Partitioner {
  return typeof value === "object" && value !== null && typeof (value as Partitioner).getPartition === "function";
}

/**
 * Throws `INVALID_ARGUMENT` unless `p` is undefined, a positive integer or a partitioner with a
 * positive integer `numPartitions`: checked when the stream is made, rather than failing every
 * batch after `start()`.
 */
export function checkPartitioning(p: Partitioning | undefined, what: string): void {
  if (p === undefined) return;
  if (typeof p === "number") return checkPartitions(p);
  if (!isPartitioner(p)) {
    throw new RivuletError("INVALID_ARGUMENT", `${what}: expected a number of partitions or a Partitioner ({ numPartitions, getPartition(key) }), got ${describe(p)}`);
  }
  checkPartitions(p.numPartitions);
}

/** The partitions of the hash shuffle behind `p`; without one, the engine's parallelism (Spark's default for streams). */
export const partitionsOf = (batch: Batch<unknown>, p: Partitioning | undefined): number =>
  p === undefined ? batch.engineParallelism : typeof p === "number" ? p : p.numPartitions;

/** True when the engine's hash shuffle already places keys where `p` would. */
const followsHash = (p: Partitioning | undefined): boolean =>
  typeof p !== "object" || Object.getPrototypeOf(p) === HashPartitioner.prototype;

/**
 * `batch`, the output of a hash shuffle into `partitionsOf(batch, p)` partitions, with its
 * records placed where `p` says: unchanged for a number or a `HashPartitioner` (the shuffle's own
 * placement), moved by `p.getPartition(key)` for any other partitioner. Records keep their order
 * within each target partition, taken from the source partitions in order.
 */
export function laidOut<R extends Pair<unknown, unknown>>(batch: Batch<R>, p: Partitioning | undefined): Batch<R> {
  if (followsHash(p)) return batch;
  const partitioner = p as Partitioner;
  const n = partitioner.numPartitions;
  return batch.derive<R>(n, async () => {
    const out: R[][] = Array.from({ length: n }, () => []);
    for (const records of await batch.partitions()) {
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        const target = partitioner.getPartition(record[0]);
        if (!Number.isInteger(target) || target < 0 || target >= n) {
          throw new RivuletError(
            "INVALID_ARGUMENT",
            `the partitioner placed key ${describe(record[0])} in partition ${String(target)}; getPartition must return an integer in [0, ${n})`,
          );
        }
        out[target]!.push(record);
      }
    }
    return out;
  });
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol" || typeof value === "function") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
