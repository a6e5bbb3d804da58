/**
 * CRC-32/ISO-HDLC (the zlib/PNG/Ethernet CRC: reflected polynomial 0xEDB88320, init and final XOR
 * 0xFFFFFFFF). It detects every error burst up to 32 bits, so any single flipped byte of a
 * checkpoint is caught.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes`, unsigned. Pass the result of a previous call as `previous` to continue over
 * data that arrives in pieces: `crc32(b, crc32(a))` equals the CRC of `a` followed by `b`.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
