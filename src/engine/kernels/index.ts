/** The kernel binding: columnar encoding, the kernels (WASM and reference), loading. */
export type {
  Aggregate,
  KernelOp,
  Kernels,
  KernelsOptions,
  KeyColumn,
  NumberKeyColumn,
  PartitionAssignment,
  PartitionedAggregate,
  StringKeyColumn,
} from "./types.ts";
export { KernelError, KernelMemoryError } from "./errors.ts";
export {
  aggregateEntries,
  decodeKeys,
  decodeStrings,
  encodeKeys,
  encodeNumbers,
  encodePairs,
  encodeStrings,
  encodeValues,
  keyCount,
  utf8Length,
} from "./columnar.ts";
export { referenceKernels } from "./reference.ts";
export { DEFAULT_MAX_MEMORY_BYTES, WasmKernels, instantiateKernels } from "./wasm.ts";
export { compileKernels, kernelsWasmBytes, loadKernels, type LoadKernelsOptions } from "./load.ts";
