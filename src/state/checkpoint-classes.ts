import { RivuletError } from "../core/errors.ts";

/** A class whose instances checkpoints may hold. */
export type CheckpointClass = abstract new (...args: never[]) => object;

const byName = new Map<string, CheckpointClass>();
const byPrototype = new Map<object, string>();

/**
 * Lets checkpoints (state, windows' batches, the write-ahead log) hold instances of `cls`, as
 * Spark's Kryo registration does for a class: an instance is saved as its own enumerable
 * properties under `name`, and restored with the class's prototype and those properties, without
 * running the constructor (as Java deserialization does). So the class must keep its data in
 * ordinary properties (not `#private` fields). Register before `getOrCreate`, in every run, under
 * the same name: a restored checkpoint naming an unregistered class is refused.
 * @param name How checkpoints name the class; by default `cls.name`. Give one where a minifier may
 *   rename classes between builds.
 * @throws RivuletError `INVALID_ARGUMENT` for an empty name, or a name or class already registered
 *   with another.
 */
export function registerCheckpointClass(cls: CheckpointClass, name: string = cls.name): void {
  if (typeof cls !== "function" || typeof cls.prototype !== "object" || cls.prototype === null) {
    throw new RivuletError("INVALID_ARGUMENT", "registerCheckpointClass takes a class");
  }
  if (typeof name !== "string" || name === "") {
    throw new RivuletError("INVALID_ARGUMENT", "registerCheckpointClass: the class needs a name (an anonymous class: pass one)");
  }
  const known = byName.get(name);
  const knownName = byPrototype.get(cls.prototype);
  if (known === cls && knownName === name) return;
  if (known !== undefined) throw new RivuletError("INVALID_ARGUMENT", `registerCheckpointClass: the name "${name}" is taken by another class`);
  if (knownName !== undefined) throw new RivuletError("INVALID_ARGUMENT", `registerCheckpointClass: the class is registered as "${knownName}" already`);
  byName.set(name, cls);
  byPrototype.set(cls.prototype, name);
}

/** The name instances with this exact prototype are checkpointed under, if their class is registered. */
export function registeredName(prototype: object): string | undefined {
  return byPrototype.get(prototype);
}

/** The prototype of the class registered under `name`. */
export function registeredPrototype(name: string): object {
  const cls = byName.get(name);
  if (cls === undefined) {
    throw new RivuletError(
      "CHECKPOINT_MISMATCH",
      `the checkpoint holds instances of the class "${name}", which is not registered in this run: call registerCheckpointClass(${name}${/^[A-Za-z_$][\w$]*$/.test(name) ? "" : ', "name"'}) before getOrCreate`,
    );
  }
  return cls.prototype as object;
}
