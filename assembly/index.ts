// The Rivulet WASM kernels: every export takes and returns numbers (pointers into this module's
// linear memory, counts, codes). See src/engine/kernels/wasm.ts for the host side.
export {
  alloc,
  reset,
  setMemoryLimit,
  memoryLimit,
  errorCode,
  errorBytes,
  arenaUsed,
  arenaHighWater,
  copyBytes,
} from "./arena";
export { murmur3Range, hashStrings, hashNumbers } from "./hash";
export { partitionHashes } from "./partition";
export { reduceStrings, reduceNumbers, mergeStrings, mergeNumbers, setTableSeed, tableProbes } from "./aggregate";
export { wordCount } from "./wordcount";
