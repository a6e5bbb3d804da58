// Measures the candidate strategies for columnar string-key encoding and decoding (the choice
// made in src/engine/kernels/columnar.ts). Run:
//   npx esbuild --bundle --platform=node --format=esm bench/kernels/encoding-strategies.ts | node --expose-gc --input-type=module
import { decodeStrings, encodeStrings, encodeStringsJoined, encodeStringsLoop } from "../../src/engine/kernels/columnar.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function perKeyEncodeInto(keys: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  let chars = 0;
  for (const k of keys) chars += k.length;
  const bytes = new Uint8Array(chars * 3);
  const offsets = new Uint32Array(keys.length + 1);
  let pos = 0;
  for (let i = 0; i < keys.length; i++) {
    pos += encoder.encodeInto(keys[i]!, bytes.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  return { bytes: bytes.subarray(0, pos), offsets };
}

function manualEncode(keys: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  let chars = 0;
  for (const k of keys) chars += k.length;
  const bytes = new Uint8Array(chars * 3);
  const offsets = new Uint32Array(keys.length + 1);
  let pos = 0;
  for (let i = 0; i < keys.length; i++) {
    const s = keys[i]!;
    for (let j = 0; j < s.length; j++) {
      let c = s.charCodeAt(j);
      if (c < 0x80) bytes[pos++] = c;
      else if (c < 0x800) {
        bytes[pos++] = 0xc0 | (c >> 6);
        bytes[pos++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdbff && j + 1 < s.length) {
          const d = s.charCodeAt(j + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            j++;
            bytes[pos++] = 0xf0 | (c >> 18);
            bytes[pos++] = 0x80 | ((c >> 12) & 63);
            bytes[pos++] = 0x80 | ((c >> 6) & 63);
            bytes[pos++] = 0x80 | (c & 63);
            continue;
          }
        }
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        bytes[pos++] = 0xe0 | (c >> 12);
        bytes[pos++] = 0x80 | ((c >> 6) & 63);
        bytes[pos++] = 0x80 | (c & 63);
      }
    }
    offsets[i + 1] = pos;
  }
  return { bytes: bytes.subarray(0, pos), offsets };
}

function perKeyDecode(bytes: Uint8Array, offsets: Uint32Array): string[] {
  const out = new Array<string>(offsets.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
  return out;
}

function fromCharCodeDecode(bytes: Uint8Array, offsets: Uint32Array): string[] {
  const out = new Array<string>(offsets.length - 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = String.fromCharCode.apply(null, bytes.subarray(offsets[i]!, offsets[i + 1]!) as unknown as number[]);
  }
  return out;
}

function time(label: string, n: number, fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn();
  const runs: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 11; i++) {
    gc?.();
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  const ms = runs[5]!;
  console.log(`  ${label.padEnd(34)} ${ms.toFixed(2).padStart(8)} ms  ${((n / ms) * 1e3 / 1e6).toFixed(1).padStart(6)} M keys/s`);
  return ms;
}

function rnd(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const N = 500_000;
const sets: Record<string, string[]> = {};
{
  const r = rnd(1);
  const word = (alphabet: string, min: number, max: number): string => {
    const len = min + Math.floor(r() * (max - min + 1));
    let s = "";
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
    return s;
  };
  const ascii = "abcdefghijklmnopqrstuvwxyz";
  sets["ascii 3-10 chars"] = Array.from({ length: N }, () => word(ascii, 3, 10));
  sets["ascii 10-20 chars"] = Array.from({ length: N }, () => word(ascii, 10, 20));
  sets["ascii 16-32 chars"] = Array.from({ length: N }, () => word(ascii, 16, 32));
  sets["ascii 40-80 chars"] = Array.from({ length: N }, () => word(ascii, 40, 80));
  sets["mixed (10% non-ASCII)"] = Array.from({ length: N }, (_, i) => (i % 10 === 0 ? word("äöüßéπλ日本", 3, 8) : word(ascii, 3, 10)));
  sets["all non-ASCII 3-8 chars"] = Array.from({ length: N }, () => word("äöüßéπλ日本語😀", 3, 8));
}

for (const [name, keys] of Object.entries(sets)) {
  console.log(`encode ${N} keys, ${name}`);
  time("per-key encodeInto(subarray)", N, () => perKeyEncodeInto(keys));
  time("manual charCodeAt loop", N, () => manualEncode(keys));
  const units = keys.reduce((a, k) => a + k.length, 0);
  time("columnar.encodeStringsLoop", N, () => encodeStringsLoop(keys, units));
  time("columnar.encodeStringsJoined", N, () => encodeStringsJoined(keys, units));
  time("columnar.encodeStrings (chosen)", N, () => encodeStrings(keys));
  const { bytes, offsets } = encodeStrings(keys);
  console.log(`decode ${N} keys, ${name}`);
  time("per-key TextDecoder.decode", N, () => perKeyDecode(bytes, offsets));
  time("per-key String.fromCharCode.apply", N, () => fromCharCodeDecode(bytes, offsets));
  time("columnar.decodeStrings (chosen)", N, () => decodeStrings(bytes, offsets));
}
