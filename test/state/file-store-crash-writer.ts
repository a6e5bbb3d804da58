/**
 * Child program of file-store-crash.test.ts (bundled by the test, then killed by it at random
 * moments): overwrites one entry forever with two framed payloads of different sizes.
 */
import { FileCheckpointStore } from "../../src/state/file-store.ts";
import { frame } from "../../src/state/format.ts";

const store = new FileCheckpointStore(process.argv[2]!);
const payloads = [frame(new Uint8Array(3 << 20).fill(0x61)), frame(new Uint8Array(2 << 20).fill(0x62))];
for (let n = 0; ; n++) {
  await store.put("entry", payloads[n % 2]!);
  if (n === 0) process.stdout.write("ready\n");
}
