// Page side of the checkpoint cost benchmark: the IndexedDB store, strict durability.
import { IndexedDBCheckpointStore } from "../src/index.ts";
import { checkpointMs } from "./checkpoint-cost.ts";

export default async function run(): Promise<number> {
  const name = `rivulet-bench-${Date.now()}`;
  try {
    return await checkpointMs(new IndexedDBCheckpointStore(name));
  } finally {
    indexedDB.deleteDatabase(name);
  }
}
