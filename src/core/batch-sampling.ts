/**
 * Random subsets of a batch beyond `sample`: Spark's `takeSample` (an action) and `randomSplit`.
 * Both draw from `seededRandom`, so the same seed gives the same result on every runtime.
 */
import type { Batch } from "./batch.ts";
import { checkCount } from "./batch-actions.ts";
import { RivuletError } from "./errors.ts";
import type { Partitions } from "./executor.ts";
import { sample, seededRandom } from "./sample.ts";

/**
 * Spark's `takeSample`: the whole batch shuffled when it has no more than `num` records (without
 * replacement), else a `sample` whose fraction makes `num` records all but certain (Spark's
 * `SamplingUtils.computeFractionForSampleSize`), drawn again in the rare case it falls short,
 * shuffled, and cut to `num`. The batch is computed once; each draw samples those partitions.
 */
export async function takeSample<T>(batch: Batch<T>, withReplacement: boolean, num: number, seed: number): Promise<T[]> {
  checkCount(num);
  if (num === 0) return [];
  const parts = await batch.partitions();
  let total = 0;
  for (const p of parts) total += p.length;
  if (total === 0) return [];
  const random = seededRandom(seed, 0);
  if (!withReplacement && num >= total) return shuffleInPlace(([] as T[]).concat(...parts), random);
  const fraction = fractionForSampleSize(num, total, withReplacement);
  const computed = batch.derive<T>(parts.length, () => Promise.resolve(parts as Partitions<T>));
  const draw = (): Promise<T[]> => sample(computed, withReplacement, fraction, Math.floor(random() * 2 ** 32)).collect();
  let samples = await draw();
  while (samples.length < num) samples = await draw();
  return shuffleInPlace(samples, random).slice(0, num);
}

/**
 * Spark's `randomSplit`: one batch per weight, each record in exactly one of them, with a share
 * of the records near its weight's share of the total. Every split draws the same number per
 * record (a partition's generator from the seed) and keeps the records whose number falls in its
 * range of [0, 1), as Spark's `BernoulliCellSampler`; so the splits are disjoint and recomputing
 * one gives the same records.
 */
export function randomSplit<T>(batch: Batch<T>, weights: readonly number[], seed: number): Batch<T>[] {
  const shown = `[${weights.join(",")}]`;
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new RivuletError("INVALID_ARGUMENT", `randomSplit: weights must be finite and nonnegative, but got ${shown}`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RivuletError("INVALID_ARGUMENT", `randomSplit: the sum of weights must be positive, but got ${shown}`);
  const bounds = [0];
  for (const w of weights) bounds.push(bounds[bounds.length - 1]! + w / total);
  // The sum of the shares may round to just below 1; Spark's would then drop the records drawn
  // above it, so the last range ends at 1 exactly.
  bounds[bounds.length - 1] = 1;
  return weights.map((_, i) => {
    const lower = bounds[i]!;
    const upper = bounds[i + 1]!;
    return batch.mapPartitions((records, index) => {
      if (upper <= lower) return [];
      const random = seededRandom(seed, index);
      const out: T[] = [];
      for (let j = 0; j < records.length; j++) {
        const x = random();
        if (x >= lower && x < upper) out.push(records[j]!);
      }
      return out;
    }, true);
  });
}

/**
 * Spark's `SamplingUtils.computeFractionForSampleSize`: a fraction whose sample has fewer than
 * `num` records with a probability of about 1e-4 (Poisson bounds with replacement, binomial
 * without).
 */
export function fractionForSampleSize(num: number, total: number, withReplacement: boolean): number {
  if (withReplacement) {
    const sds = num < 6 ? 12 : num < 16 ? 9 : 6;
    return Math.max(num + sds * Math.sqrt(num), 1e-10) / total;
  }
  const fraction = num / total;
  const gamma = -Math.log(1e-4) / total;
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
}

/** Fisher–Yates from the end, as Spark's `Utils.randomizeInPlace`. */
function shuffleInPlace<T>(records: T[], random: () => number): T[] {
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = records[i]!;
    records[i] = records[j]!;
    records[j] = t;
  }
  return records;
}
