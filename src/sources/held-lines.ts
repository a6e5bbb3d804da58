/**
 * Complete lines held as bytes for a text stream's next batch. Each piece is copied into one
 * buffer and checked (newlines counted, UTF-8 validated, line lengths bounded) as it arrives, so
 * taking the batch costs nothing more: the work is spread over the batch interval, while the
 * driver waits for data, instead of delaying the batch (60 MB of text: a copy into fresh memory
 * and a scan take 50-70 ms).
 *
 * The buffer is sized from the previous batch, and is shared memory where workers can read it.
 */

import { sharedMemoryUsable } from "../core/shared-memory.ts";
import { countNewlines, hasLongerLine, type LinesScan } from "./utf8-lines.ts";

/** Batches at least this large are assembled in shared memory where workers can read it. */
const SHARED_BATCH_BYTES = 1 << 16;
const NEWLINE = 0x0a;

export class HeldLines {
  private readonly maxLineLength: number;
  private buffer: Uint8Array | undefined;
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

  constructor(maxLineLength: number) {
    this.maxLineLength = maxLineLength;
  }

  /** Bytes held. */
  get length(): number {
    return this.used;
  }

  /** Holds `piece`, the next bytes of the text. */
  append(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.reserve(piece.length);
    this.buffer!.set(piece, this.used);
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

  /** The held bytes (ending with a newline) and their check; holds nothing after. */
  take(): { bytes: Uint8Array; scan: LinesScan } {
    const bytes = this.buffer?.subarray(0, this.used) ?? new Uint8Array(0);
    if (this.valid && this.validator) {
      try {
        this.validator.decode(); // a sequence cut off at the end is invalid
      } catch {
        this.valid = false;
      }
    }
    const scan: LinesScan = { lines: this.lines, clean: this.valid && !this.long };
    this.expected = this.used;
    this.buffer = undefined;
    this.used = this.lines = this.lineBytes = 0;
    this.valid = true;
    this.long = false;
    this.validator = undefined;
    return { bytes, scan };
  }

  /** Room for `n` more bytes: a new buffer (a quarter larger than the last batch) when full. */
  private reserve(n: number): void {
    const need = this.used + n;
    if (this.buffer && need <= this.buffer.length) return;
    const size = Math.max(need, this.buffer ? this.buffer.length * 2 : Math.ceil(this.expected * 1.25), 4096);
    const next = size >= SHARED_BATCH_BYTES && sharedMemoryUsable() ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
    if (this.buffer) next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
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
