/**
 * Shared memory between threads: where a `SharedArrayBuffer` can be posted to workers (Node,
 * Deno, cross-origin-isolated pages), data meant for them is built there once, and workers read
 * it in place instead of receiving copies.
 */

/** True where workers can be handed shared memory. */
export function sharedMemoryUsable(): boolean {
  return typeof SharedArrayBuffer === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/** True when `view` is backed by shared memory. */
export function isSharedView(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === "function" && view.buffer instanceof SharedArrayBuffer;
}

let sharedDecodes: boolean | undefined;

/**
 * `bytes`, or a private copy where `TextDecoder` refuses shared memory (browsers do; Node and
 * Deno decode it in place).
 */
export function decodable(bytes: Uint8Array): Uint8Array {
  if (!isSharedView(bytes)) return bytes;
  if (sharedDecodes === undefined) {
    try {
      new TextDecoder().decode(new Uint8Array(new SharedArrayBuffer(1)));
      sharedDecodes = true;
    } catch {
      sharedDecodes = false;
    }
  }
  return sharedDecodes ? bytes : bytes.slice();
}
