import { RivuletError } from "../core/errors.ts";
import { crc32 } from "./crc32.ts";

/**
 * The bytes of one checkpoint: a fixed 16-byte header, then the payload.
 *
 *   offset 0  "RVCK"              magic, so a foreign file is refused instead of misread
 *   offset 4  u32 LE version      1; a newer writer's format is refused, not guessed at
 *   offset 8  u32 LE length       payload bytes, which catches truncation and trailing garbage
 *   offset 12 u32 LE CRC-32       of the payload, which catches flipped bytes
 *   offset 16 payload
 *
 * The checksum covers only the payload: every header field is checked on its own, and a flip in
 * the header makes one of those checks fail.
 */
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
const MAGIC = [0x52, 0x56, 0x43, 0x4b]; // "RVCK"
const MAX_PAYLOAD = 0xffffffff;

export function frame(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_PAYLOAD) {
    throw new RivuletError(
      "CHECKPOINT_FAILED",
      `Checkpoint payload of ${payload.length} bytes is too large: the format holds at most ${MAX_PAYLOAD} bytes`,
    );
  }
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, payload.length, true);
  view.setUint32(12, crc32(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** The payload of a framed checkpoint, as a view into `bytes` (not a copy). */
export function unframe(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_BYTES) {
    throw corrupt(`Checkpoint is truncated: ${bytes.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw corrupt(`Not a Rivulet checkpoint: the first bytes are ${hex(bytes.subarray(0, 4))}, expected "RVCK"`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw corrupt(`Unsupported checkpoint format version ${version}: this Rivulet reads version ${FORMAT_VERSION}`);
  }
  const length = view.getUint32(8, true);
  const actual = bytes.length - HEADER_BYTES;
  if (actual < length) {
    throw corrupt(`Checkpoint is truncated: the header announces ${length} payload bytes, only ${actual} are present`);
  }
  if (actual > length) {
    throw corrupt(`Checkpoint has ${actual - length} bytes of trailing garbage after its ${length}-byte payload`);
  }
  const payload = bytes.subarray(HEADER_BYTES);
  const expected = view.getUint32(12, true);
  const computed = crc32(payload);
  if (computed !== expected) {
    throw corrupt(`Checkpoint checksum mismatch: the header says CRC-32 ${hex32(expected)}, the payload has ${hex32(computed)}`);
  }
  return payload;
}

function corrupt(message: string): RivuletError {
  return new RivuletError("CHECKPOINT_CORRUPT", message);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
