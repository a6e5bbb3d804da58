// Hash partitioning (Spark's HashPartitioner: nonNegativeMod(hash, n); our hash is unsigned, so
// hash % n) and a stable counting sort of record indices by partition.

import { alloc, fail, ERR_ARGUMENT } from "./arena";

/** hash % n without a division when n is a power of two. */
// @ts-ignore: decorator
@inline export function partitionOf(hash: u32, n: u32): u32 {
  return (n & (n - 1)) == 0 ? hash & (n - 1) : hash % n;
}

/**
 * For `n` hashes at `hashes` (u32): writes each record's partition to `outPart` (u32[n]), the
 * record indices grouped by partition (stable, so input order within a partition) to `outOrder`
 * (u32[n]), and partition p's slice of `outOrder` as [outStarts[p], outStarts[p+1]) (u32[P+1]).
 */
export function partitionHashes(
  hashes: usize,
  n: u32,
  numPartitions: u32,
  outPart: usize,
  outOrder: usize,
  outStarts: usize,
): void {
  if (numPartitions == 0) fail(ERR_ARGUMENT, 0);
  const P = numPartitions;
  memory.fill(outStarts, 0, (<usize>P + 1) << 2);
  for (let i: u32 = 0; i < n; i++) {
    const p = partitionOf(load<u32>(hashes + (<usize>i << 2)), P);
    store<u32>(outPart + (<usize>i << 2), p);
    const c = outStarts + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  for (let p: u32 = 0; p < P; p++) {
    const c = outStarts + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + load<u32>(c - 4));
  }
  const cursor = alloc(<usize>P << 2);
  memory.copy(cursor, outStarts, <usize>P << 2);
  for (let i: u32 = 0; i < n; i++) {
    const c = cursor + (<usize>load<u32>(outPart + (<usize>i << 2)) << 2);
    const pos = load<u32>(c);
    store<u32>(c, pos + 1);
    store<u32>(outOrder + (<usize>pos << 2), i);
  }
}
