/**
 * `Batch.sample`: Spark's PartitionwiseSampledRDD with its two samplers, Bernoulli (without
 * replacement) and Poisson (with replacement). Each partition draws from its own generator seeded
 * from the seed and the partition's index, so a sample is the same however often it is computed
 * and on every runtime.
 */
import type { Batch } from "./batch.ts";
import { RivuletError } from "./errors.ts";
import { canonicalNumberBytes, murmur3Bytes } from "./hash.ts";

/** The most elements a JavaScript array (a partition) holds: a larger fraction could not hold one record's copies. */
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;
const ROUNDING_EPSILON = 1e-6;

export function sample<T>(batch: Batch<T>, withReplacement: boolean, fraction: number, seed: number): Batch<T> {
  if (!(fraction >= 0) || !Number.isFinite(fraction)) {
    throw new RivuletError("INVALID_ARGUMENT", `the sampling fraction must be a finite number >= 0, got ${fraction}`);
  }
  if (fraction > MAX_ARRAY_LENGTH) {
    throw new RivuletError("INVALID_ARGUMENT", `the sampling fraction must be at most ${MAX_ARRAY_LENGTH} (the copies of one record must fit in a partition), got ${fraction}`);
  }
  // Spark's BernoulliSampler allows a rounding error (RandomSampler.roundingEpsilon) above 1.
  if (!withReplacement && fraction > 1 + ROUNDING_EPSILON) {
    throw new RivuletError("INVALID_ARGUMENT", `without replacement the sampling fraction must be in [0, 1], got ${fraction}`);
  }
  return batch.mapPartitions((records, index) => {
    if (fraction === 0) return [];
    if (!withReplacement && fraction >= 1) return records;
    const random = seededRandom(seed, index);
    return withReplacement ? poissonSample(records, fraction, random) : bernoulliSample(records, fraction, random);
  }, true);
}

/**
 * @internal The random numbers in [0, 1) of `stream` (a partition's index) under `seed`: the same
 * on every runtime, so whatever draws from it (a sample, a split, a shuffle) is reproducible.
 */
export function seededRandom(seed: number, stream: number): () => number {
  return generator(murmur3Bytes(canonicalNumberBytes(seed), stream));
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

/**
 * @internal A Poisson draw of `mean`: Knuth's product of uniforms up to a mean of 16 (where
 * e^-mean is far from underflow and the cost, about `mean` uniforms, is small), Hörmann's
 * transformed rejection (PTRS) above, in constant expected time whatever the mean.
 */
export function poisson(mean: number, random: () => number): number {
  return mean <= 16 ? knuthPoisson(mean, random) : ptrsPoisson(mean, random);
}

function knuthPoisson(mean: number, random: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/**
 * W. Hörmann, "The transformed rejection method for generating Poisson random variables",
 * Insurance: Mathematics and Economics 12 (1993), algorithm PTRS (valid for a mean >= 10), with
 * the constants numpy uses. The acceptance test compares against the log-probability without
 * cancellation (see `logPoissonPmf`), so it stays accurate up to the largest fraction taken.
 */
function ptrsPoisson(mean: number, random: () => number): number {
  const slam = Math.sqrt(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= logPoissonPmf(k, mean)) return k;
  }
}

/**
 * log(e^-mean mean^k / k!) in Loader's saddle-point form, -stirlerr(k) - bd0(k, mean) -
 * log(2 pi k) / 2: the naive -mean + k log(mean) - log(k!) subtracts terms of size k log k, so
 * its error grows with the mean, where this form's stays at rounding level.
 */
function logPoissonPmf(k: number, mean: number): number {
  if (k === 0) return -mean;
  return -stirlingError(k) - bd0(k, mean) - 0.5 * Math.log(2 * Math.PI * k);
}

/** x log(x / m) + m - x, by its series where x is near m (C. Loader, "Fast and accurate computation of binomial probabilities", 2000). */
function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(n!) - log(sqrt(2 pi n) (n/e)^n) for a positive integer n: Stirling's series above 15, a sum of logs below. */
function stirlingError(n: number): number {
  if (n > 15) {
    const nn = n * n;
    const S0 = 1 / 12;
    const S1 = 1 / 360;
    const S2 = 1 / 1260;
    const S3 = 1 / 1680;
    const S4 = 1 / 1188;
    if (n > 500) return (S0 - S1 / nn) / n;
    if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
    if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
    return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
  }
  let logFactorial = 0;
  for (let i = 2; i <= n; i++) logFactorial += Math.log(i);
  return logFactorial - (n + 0.5) * Math.log(n) + n - HALF_LOG_2PI;
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
