/**
 * `Batch.sample`: Spark's PartitionwiseSampledRDD with its two samplers, Bernoulli (without
 * replacement) and Poisson (with replacement). Each partition draws from its own generator seeded
 * from the seed and the partition's index, so a sample is the same however often it is computed
 * and on every runtime.
 */
import type { Batch } from "./batch.ts";
import { RivuletError } from "./errors.ts";
import { canonicalNumberBytes, murmur3Bytes } from "./hash.ts";

export function sample<T>(batch: Batch<T>, withReplacement: boolean, fraction: number, seed: number): Batch<T> {
  if (!(fraction >= 0) || !Number.isFinite(fraction)) {
    throw new RivuletError("INVALID_ARGUMENT", `the sampling fraction must be a finite number >= 0, got ${fraction}`);
  }
  if (!withReplacement && fraction > 1) {
    throw new RivuletError("INVALID_ARGUMENT", `without replacement the sampling fraction must be in [0, 1], got ${fraction}`);
  }
  return batch.mapPartitions((records, index) => {
    if (fraction === 0) return [];
    if (!withReplacement && fraction === 1) return records;
    const random = generator(murmur3Bytes(canonicalNumberBytes(seed), index));
    return withReplacement ? poissonSample(records, fraction, random) : bernoulliSample(records, fraction, random);
  }, true);
}

/** A seed for a sample asked without one: drawn once, so recomputing the batch gives the same sample. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

function bernoulliSample<T>(records: readonly T[], fraction: number, random: () => number): T[] {
  const out: T[] = [];
  for (let i = 0; i < records.length; i++) if (random() < fraction) out.push(records[i]!);
  return out;
}

function poissonSample<T>(records: readonly T[], mean: number, random: () => number): T[] {
  const out: T[] = [];
  for (let i = 0; i < records.length; i++) {
    for (let k = poisson(mean, random); k > 0; k--) out.push(records[i]!);
  }
  return out;
}

/** Knuth's Poisson draw; a large mean as a sum of draws of at most 16, where e^-mean stays far from underflow. */
function poisson(mean: number, random: () => number): number {
  let k = 0;
  for (let rest = mean; rest > 0; rest -= 16) {
    const limit = Math.exp(-Math.min(rest, 16));
    let p = random();
    while (p > limit) {
      k++;
      p *= random();
    }
  }
  return k;
}

/**
 * Mulberry32 from a 32-bit state, two outputs per double so fractions below 2^-32 still sample:
 * small, fast and the same on every runtime (Math.random can be neither seeded nor replayed).
 */
function generator(state: number): () => number {
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}
