import { hashKey, murmur3String } from "./hash.ts";
import { canonicalKey } from "./keys.ts";
import { RivuletError } from "./errors.ts";

/** Decides which partition of a shuffle output a key belongs to. */
export interface Partitioner {
  readonly numPartitions: number;
  getPartition(key: unknown): number;
}

/**
 * Spark's `HashPartitioner`: the non-negative remainder of the key's hash. The hash is the system
 * MurmurHash3 over canonical key bytes, so the assignment is the same on every runtime.
 */
export class HashPartitioner implements Partitioner {
  readonly numPartitions: number;

  constructor(numPartitions: number) {
    checkPartitions(numPartitions);
    this.numPartitions = numPartitions;
  }

  getPartition(key: unknown): number {
    if (this.numPartitions === 1) return 0;
    const h = typeof key === "object" && key !== null ? murmur3String(canonicalKey(key)) : hashKey(key);
    return h % this.numPartitions;
  }
}

/** Throws `INVALID_ARGUMENT` unless `n` is a valid number of partitions. */
export function checkPartitions(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `number of partitions must be a positive integer, got ${n}`);
  }
}
