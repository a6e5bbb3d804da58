/**
 * Complete lines held as bytes for a text stream's next batch. Each piece is copied into one
 * buffer and checked (newlines counted, UTF-8 validated, line lengths bounded) as it arrives, so
 * taking the batch costs nothing more: the work is spread over the batch interval, while the
 * driver waits for data, instead of delaying the batch (60 MB of text: a copy into fresh memory
 * and a scan take 50-70 ms).
 *
 * The buffer is sized from the previous batch, and is shared memory where workers read it in place.
 */

import { isSharedView as isShared, sharedMemoryUsable } from "../core/shared-memory.ts";
import { countNewlines, hasLongerLine, type LinesScan } from "./utf8-lines.ts";

/** Batches at least this large are assembled in shared memory where workers can read it. */
const SHARED_BATCH_BYTES = 1 << 16;
const NEWLINE = 0x0a;
/** Buffers of released batches kept for the next ones. */
const SPARE_BUFFERS = 2;
/** Segments are at least this large (a first batch, of unknown size, is cut this fine). */
const MIN_SEGMENT_BYTES = 1 << 14;

export class HeldLines {
  private readonly maxLineLength: number;
  /** When set, the bytes are also kept as segments of at most about this size, each ending at a line end. */
  private readonly segmentBytes: number | undefined;
  /** Large batches go into shared memory, for workers that read them in place. */
  private readonly shared: boolean;
  /** This batch's segment size: a 32nd of the previous batch, within bounds, so slices balance. */
  private segmentSize = MIN_SEGMENT_BYTES;
  private segments: Uint8Array[] = [];
  private segment: Uint8Array | undefined;
  private segmentUsed = 0;
  /** Where the open segment starts in the batch. */
  private segmentStart = 0;
  private buffer: Uint8Array | undefined;
  /**
   * Whole buffers of batches their stream has forgotten: the first writes to fresh memory cost
   * page faults (about 3 ms per MB on a small VM, as much as the kernels' work on a batch), and
   * a buffer written before costs none.
   */
  private readonly spare: Uint8Array[] = [];
  private used = 0;
  /** The previous batch's size: the next buffer starts a little larger. */
  private expected = 0;
  private lines = 0;
  private valid = true;
  private long = false;
  /** Bytes of the line in progress (pieces may end mid-line). */
  private lineBytes = 0;
  /** Fed once a non-ASCII byte has been seen: validates what follows, sequences split across pieces included. */
  private validator: TextDecoder | undefined;

  /**
   * `segmentBytes`: also keep the batch as separate buffers of about that many bytes, cut at
   * line ends, copied as pieces arrive: where workers get their slices by transfer, whole
   * segments are transferred, so the batch's own bytes stay for retries and nothing is copied
   * when the batch runs. Unused when the batch itself is in shared memory.
   */
  constructor(maxLineLength: number, segmentBytes?: number, shared = false) {
    this.maxLineLength = maxLineLength;
    this.segmentBytes = segmentBytes;
    this.shared = shared;
    if (segmentBytes !== undefined) this.segmentSize = Math.min(segmentBytes, MIN_SEGMENT_BYTES);
  }

  /** Bytes held. */
  get length(): number {
    return this.used;
  }

  /** Complete lines held. */
  get lineCount(): number {
    return this.lines;
  }

  /** Holds `piece`, the next bytes of the text. */
  append(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.reserve(piece.length);
    this.buffer!.set(piece, this.used);
    if (this.segmentBytes !== undefined && !isShared(this.buffer!)) this.segmentPiece(piece);
    this.used += piece.length;
    const { newlines, ascii } = countNewlines(piece);
    this.lines += newlines;
    if (this.valid && (!ascii || this.validator)) {
      this.validator ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
      try {
        this.validator.decode(piece, { stream: true });
      } catch {
        this.valid = false;
      }
    }
    if (!this.long) this.long = this.longLineIn(piece, newlines);
  }

  /**
   * The held bytes (ending with a newline), their check, and the same bytes as segments when
   * kept; holds nothing after.
   */
  take(): { bytes: Uint8Array; scan: LinesScan; segments: Uint8Array[] | undefined } {
    const bytes = this.buffer?.subarray(0, this.used) ?? new Uint8Array(0);
    if (this.segment && this.segmentUsed > 0) this.closeSegment();
    // A batch that ended up in shared memory needs none (and may have only its first pieces).
    const segments = this.segments.length > 0 && !isShared(bytes) ? this.segments : undefined;
    this.segments = [];
    this.segment = undefined;
    this.segmentUsed = this.segmentStart = 0;
    if (this.valid && this.validator) {
      try {
        this.validator.decode(); // a sequence cut off at the end is invalid
      } catch {
        this.valid = false;
      }
    }
    const scan: LinesScan = { lines: this.lines, clean: this.valid && !this.long };
    this.expected = this.used;
    if (this.segmentBytes !== undefined) this.segmentSize = Math.min(this.segmentBytes, Math.max(MIN_SEGMENT_BYTES, Math.floor(this.used / 32)));
    this.buffer = undefined;
    this.used = this.lines = this.lineBytes = 0;
    this.valid = true;
    this.long = false;
    this.validator = undefined;
    return { bytes, scan, segments };
  }

  /**
   * `piece` (at `this.used` in the batch) into the open segment, closing it at the first line end
   * past the segment size. A segment's bytes start at its batch offset modulo 8 in its buffer,
   * so copies of consecutive segments into one place stay aligned with the source.
   */
  private segmentPiece(piece: Uint8Array): void {
    // A 32nd of the batch so far (or of the previous batch) keeps slices balanced to a few percent
    // with few segments, whatever the batch's size.
    const size = Math.max(this.segmentSize, Math.min(this.segmentBytes!, Math.floor(this.used / 32)));
    let rest = piece;
    while (rest.length > 0) {
      const room = size - this.segmentUsed;
      // Close at the first line end at or past the segment size (a long line makes a long segment).
      const cut = rest.length >= room ? rest.indexOf(NEWLINE, Math.max(0, room - 1)) : -1;
      const take = cut < 0 ? rest : rest.subarray(0, cut + 1);
      this.segmentAppend(take);
      if (cut >= 0) this.closeSegment();
      rest = rest.subarray(take.length);
    }
  }

  private segmentAppend(bytes: Uint8Array): void {
    const skew = this.segmentStart & 7;
    const need = skew + this.segmentUsed + bytes.length;
    if (!this.segment || need > this.segment.length) {
      const next = new Uint8Array(Math.max(need, (this.segmentSize + 8) * (this.segment ? 2 : 1)));
      if (this.segment) next.set(this.segment.subarray(skew, skew + this.segmentUsed), skew);
      this.segment = next;
    }
    this.segment.set(bytes, skew + this.segmentUsed);
    this.segmentUsed += bytes.length;
  }

  private closeSegment(): void {
    const skew = this.segmentStart & 7;
    this.segments.push(this.segment!.subarray(skew, skew + this.segmentUsed));
    this.segmentStart += this.segmentUsed;
    this.segment = undefined;
    this.segmentUsed = 0;
  }

  /**
   * Takes back the buffer of `bytes` (what `take` gave out) once nothing reads it any more: the
   * batch that held it was forgotten, or its lines were decoded. Only large buffers are kept.
   */
  recycle(bytes: Uint8Array): void {
    const whole = new Uint8Array(bytes.buffer);
    if (whole.length < SHARED_BATCH_BYTES || whole.buffer === this.buffer?.buffer || this.spare.some((b) => b.buffer === whole.buffer)) return;
    this.spare.push(whole);
    if (this.spare.length > SPARE_BUFFERS) this.spare.shift();
  }

  /** Room for `n` more bytes: a new buffer (a quarter larger than the last batch) when full. */
  private reserve(n: number): void {
    const need = this.used + n;
    if (this.buffer && need <= this.buffer.length) return;
    const size = Math.max(need, this.buffer ? this.buffer.length * 2 : Math.ceil(this.expected * 1.25), 4096);
    const shared = this.shared && size >= SHARED_BATCH_BYTES && sharedMemoryUsable();
    const next = this.spareOf(size, shared) ?? (shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size));
    if (this.buffer) next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }

  /** A kept buffer of at least `size` bytes, of the kind asked for, taken out of the spares. */
  private spareOf(size: number, shared: boolean): Uint8Array | undefined {
    const i = this.spare.findIndex((b) => b.length >= size && isShared(b) === shared);
    return i < 0 ? undefined : this.spare.splice(i, 1)[0];
  }

  /** True when a line reaching into `piece` has more bytes than `maxLineLength` (as `scanLines`). */
  private longLineIn(piece: Uint8Array, newlines: number): boolean {
    const max = this.maxLineLength;
    if (newlines === 0) {
      this.lineBytes += piece.length;
      return this.lineBytes > max;
    }
    const first = piece.indexOf(NEWLINE);
    const last = newlines === 1 ? first : piece.lastIndexOf(NEWLINE);
    if (this.lineBytes + first > max) return true;
    this.lineBytes = piece.length - last - 1;
    return this.lineBytes > max || (last > first && hasLongerLine(piece.subarray(first + 1, last + 1), max));
  }
}
