// Helpers shared by the kernel benchmarks: a seeded PRNG, Zipf text, timing.

/** A seeded 32-bit LCG in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** `count` distinct lowercase words, 2–12 letters (mean ~6.5), deterministic. */
export function vocabulary(count: number, seed = 1): string[] {
  const rand = random(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const len = 2 + Math.floor(rand() * 6) + Math.floor(rand() * 6);
    let w = "";
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(rand() * 26));
    if (!seen.has(w)) {
      seen.add(w);
      out.push(w);
    }
  }
  return out;
}

/**
 * A sampler of ranks 0..n-1 with Zipf's law (exponent `s`): rank r with weight 1 / (r + 1)^s,
 * by bisection over the cumulative weights.
 */
export function zipfRank(n: number, rand: () => number, s = 1): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cdf[r] = total += 1 / Math.pow(r + 1, s);
  return () => {
    const u = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * UTF-8 text of `words` words drawn from `vocab` with Zipf's law (exponent `s`), `perLine` words
 * a line joined by spaces, lines ending in "\n".
 */
export function zipfText(vocab: readonly string[], words: number, perLine = 12, s = 1, seed = 2): { bytes: Uint8Array; distinct: number } {
  const n = vocab.length;
  const pick = zipfRank(n, random(seed), s);
  const used = new Uint8Array(n);
  let distinct = 0;
  const lines: string[] = [];
  let line: string[] = [];
  for (let i = 0; i < words; i++) {
    const lo = pick();
    if (used[lo] === 0) {
      used[lo] = 1;
      distinct++;
    }
    line.push(vocab[lo]!);
    if (line.length === perLine) {
      lines.push(line.join(" "));
      line = [];
    }
  }
  if (line.length > 0) lines.push(line.join(" "));
  return { bytes: new TextEncoder().encode(lines.join("\n") + "\n"), distinct };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Median wall time in ms of `runs` calls of `fn` after `warmup` calls (gc between, if exposed). */
export function measure(fn: () => unknown, runs = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

export const fmt = (x: number, digits = 1): string => x.toFixed(digits);

/**
 * Interleaved timing of several functions: round r runs each once, in turn, so load that comes
 * and goes (a shared machine) hits them alike. Returns each one's median ms.
 */
export function measureInterleaved(fns: readonly (() => unknown)[], rounds = 7, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, k) => {
      gc?.();
      const t = performance.now();
      fn();
      times[k]!.push(performance.now() - t);
    });
  }
  return times.map((ts) => ts.sort((a, b) => a - b)[ts.length >> 1]!);
}
