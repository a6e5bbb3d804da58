/**
 * Recycled transfer buffers. Moving a slice to a worker costs a copy into a buffer of its own;
 * into fresh memory that copy is dominated by page faults (Node 20, 60 MiB: ~30 ms, against ~5
 * ms into memory touched before; the transfer itself is ~0.1 ms). So the workers hand their input
 * buffers back with their replies (transferred, free) and the next batch copies into those.
 *
 * The same for `SharedArrayBuffer`s (a second cache): the `"shared"` transport copies inputs that
 * are not in shared memory into a recycled one.
 *
 * Bounded: at most `maxBytes` are kept (the largest buffers are the ones worth keeping).
 */

/** Buffers below this are not worth keeping: allocating them costs little. */
const MIN_RECYCLED_BYTES = 1 << 16;

export class BufferCache<B extends ArrayBuffer | SharedArrayBuffer = ArrayBuffer> {
  readonly maxBytes: number;
  /** Which buffers this cache keeps: transferable ones, or shared ones. */
  readonly shared: boolean;
  #free: B[] = [];
  #bytes = 0;

  constructor(maxBytes: number, shared = false) {
    this.maxBytes = maxBytes;
    this.shared = shared;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The smallest kept buffer of at least `byteLength` bytes and at most twice that (removed from
   * the cache), if any: a small array never takes (and carries off) a big buffer.
   */
  take(byteLength: number): B | undefined {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength;
      if (size >= byteLength && size <= 2 * byteLength && (best < 0 || size < this.#free[best]!.byteLength)) best = i;
    }
    if (best < 0) return undefined;
    const [buffer] = this.#free.splice(best, 1);
    this.#bytes -= buffer!.byteLength;
    return buffer;
  }

  /** Keeps `buffers` (detached, small ones or of the other kind are ignored), dropping the smallest beyond the budget. */
  give(buffers: readonly (ArrayBuffer | SharedArrayBuffer)[]): void {
    for (const b of buffers) {
      const shared = typeof SharedArrayBuffer !== "undefined" && b instanceof SharedArrayBuffer;
      if (shared !== this.shared || b.byteLength < MIN_RECYCLED_BYTES) continue;
      this.#free.push(b as B);
      this.#bytes += b.byteLength;
    }
    if (this.#bytes <= this.maxBytes) return;
    this.#free.sort((a, b) => b.byteLength - a.byteLength);
    while (this.#bytes > this.maxBytes && this.#free.length > 0) this.#bytes -= this.#free.pop()!.byteLength;
  }

  /** Drops everything. */
  clear(): void {
    this.#free = [];
    this.#bytes = 0;
  }

  /**
   * A copy of `view` in a buffer of its own (a recycled one when one is big enough), to be
   * transferred. Not `view.slice()`: V8's `slice` of a large typed array is several times slower
   * than allocating and `set` (Node 20, 30 MiB: 17 ms against 4.6 ms).
   */
  copy<T extends Uint8Array | Uint32Array | Float64Array>(view: T): T {
    if (view instanceof Uint8Array) {
      // At the source's offset modulo 8: V8 copies between differently aligned ranges about 3x
      // slower, and a slice of a batch starts anywhere.
      const skew = view.byteOffset & 7;
      const room = this.allocate(new Uint8Array(0), view.byteLength + skew);
      const out = new Uint8Array(room.buffer, skew, view.byteLength);
      out.set(view);
      return out as T;
    }
    const out = this.allocate(view);
    out.set(view as never);
    return out;
  }

  /**
   * An array of the type and length of `like`, in a recycled buffer when one is big enough,
   * else in a new one (a `SharedArrayBuffer` for a shared cache). Its contents are unspecified.
   */
  allocate<T extends Uint8Array | Uint32Array | Float64Array>(like: T, length = like.length): T {
    const Ctor = like.constructor as { new (length: number): T; new (buffer: ArrayBuffer | SharedArrayBuffer, byteOffset: number, length: number): T };
    const byteLength = length * like.BYTES_PER_ELEMENT;
    const buffer = byteLength >= MIN_RECYCLED_BYTES ? this.take(byteLength) : undefined;
    if (buffer !== undefined) return new Ctor(buffer, 0, length);
    return this.shared ? new Ctor(new SharedArrayBuffer(byteLength), 0, length) : new Ctor(length);
  }
}
