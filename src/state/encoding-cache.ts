/**
 * Encodings kept from one checkpoint to the next for values that never change once made: the
 * partitions of a stream's remembered batches. An incremental window of 30 batches checkpointed
 * every 10 holds about 20 batches the previous checkpoint wrote already; with this cache each
 * batch is encoded once, and every checkpoint still has exactly the bytes of encoding its whole
 * value (Spark writes each RDD's checkpoint once, too).
 *
 * A value is offered to the cache wrapped in a `Piece`; the cache keeps its UTF-8 JSON by the
 * value's identity, for as long as the value lives.
 */
export class EncodingCache {
  /**
   * What stands for a piece in the JSON of the value around it, with a number after it: random
   * per cache, so no string of a user's can be taken for one.
   */
  readonly marker: string;
  private readonly encoded = new WeakMap<object, Uint8Array>();
  /** Pieces encoded, and pieces whose kept encoding was used (tests and benchmarks). */
  made = 0;
  reused = 0;

  constructor() {
    const nonce = new Uint32Array(4);
    crypto.getRandomValues(nonce);
    this.marker = `rivulet-piece-${Array.from(nonce, (n) => n.toString(16).padStart(8, "0")).join("")}-`;
  }

  /** The kept encoding of `piece`, made with `encode` the first time. */
  bytesOf(piece: Piece, encode: (value: object) => Uint8Array): Uint8Array {
    let bytes = this.encoded.get(piece.value);
    if (bytes === undefined) {
      bytes = encode(piece.value);
      this.encoded.set(piece.value, bytes);
      this.made++;
    } else {
      this.reused++;
    }
    return bytes;
  }
}

/**
 * A value inside a checkpoint whose encoding may be kept for the next one: the caller promises
 * that the value (and everything in it) no longer changes. Without a cache it encodes as the
 * value itself.
 */
export class Piece {
  readonly value: object;

  constructor(value: object) {
    this.value = value;
  }
}
