/**
 * The typed arrays the codec accepts, and their bytes in one fixed byte order (little-endian), so
 * that a checkpoint written on one machine reads the same on any other.
 */

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

interface TypedArrayConstructor {
  readonly prototype: TypedArray;
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBuffer): TypedArray;
}

const CONSTRUCTORS: Record<string, TypedArrayConstructor> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

const KIND_BY_PROTOTYPE = new Map<object, string>(
  Object.entries(CONSTRUCTORS).map(([kind, ctor]) => [ctor.prototype, kind]),
);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The kind name of a typed array whose prototype is exactly one of the standard ones (subclasses
 * such as Node's `Buffer` are not, since decoding could not give them back); otherwise undefined.
 */
export function typedArrayKind(prototype: object | null): string | undefined {
  return prototype === null ? undefined : KIND_BY_PROTOTYPE.get(prototype);
}

/** A copy of the elements' bytes, little-endian. */
export function typedArrayBytes(array: TypedArray): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
  if (!LITTLE_ENDIAN) swapBytes(bytes, array.BYTES_PER_ELEMENT);
  return bytes;
}

/**
 * The typed array of `kind` whose little-endian bytes are `bytes` (taken over, not copied), or
 * undefined when the kind is unknown or the length is not a whole number of elements.
 */
export function typedArrayFromBytes(kind: string, bytes: Uint8Array): TypedArray | undefined {
  const ctor = Object.hasOwn(CONSTRUCTORS, kind) ? CONSTRUCTORS[kind] : undefined;
  if (ctor === undefined || bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) return undefined;
  if (!LITTLE_ENDIAN) swapBytes(bytes, ctor.BYTES_PER_ELEMENT);
  // A fresh, exactly sized buffer: the view must start at offset 0 to be aligned for any kind.
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
      ? bytes.buffer
      : bytes.slice().buffer;
  return new ctor(buffer);
}

/** Reverses the byte order of each `size`-byte element in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
