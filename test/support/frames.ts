// A binary protocol for the socketStream tests: frames of one length byte and that many bytes of
// UTF-8. `frames` is a converter as a user would write one: an async generator over a
// connection's bytes, cut anywhere by the chunks.

const encoder = new TextEncoder();

/** The frames of `texts`, one after the other. */
export function frame(...texts: string[]): Uint8Array {
  const parts = texts.map((t) => encoder.encode(t));
  const out = new Uint8Array(parts.reduce((n, p) => n + 1 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out[at] = p.length;
    out.set(p, at + 1);
    at += 1 + p.length;
  }
  return out;
}

/** The texts of the frames in `bytes`; an empty frame (length 0) is a protocol error. */
export async function* frames(bytes: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let held = new Uint8Array(0);
  for await (const chunk of bytes) {
    const all = new Uint8Array(held.length + chunk.length);
    all.set(held);
    all.set(chunk, held.length);
    let at = 0;
    while (at < all.length && at + 1 + all[at]! <= all.length) {
      if (all[at] === 0) throw new Error(`empty frame at byte ${at}`);
      yield decoder.decode(all.subarray(at + 1, at + 1 + all[at]!));
      at += 1 + all[at]!;
    }
    held = all.slice(at);
  }
}
