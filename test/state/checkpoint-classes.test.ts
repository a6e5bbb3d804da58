// Instances of registered classes in checkpoints (src/state/checkpoint-classes.ts), as Spark's Kryo
// registration: saved as their own properties under the registered name, restored with the
// class's prototype without running the constructor; nothing else changes for other values.
import { afterEach, describe, expect, it } from "vitest";
import { MemoryCheckpointStore, ManualClock, registerCheckpointClass, Seconds, StreamingContext } from "../../src/index.ts";
import { decodeValue, encodeValue } from "../../src/state/codec.ts";

class Session {
  constructor(
    public count: number,
    public pages: Set<string>,
    public last?: Session,
  ) {}
  visit(page: string): Session {
    return new Session(this.count + 1, new Set([...this.pages, page]));
  }
}
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  get norm(): number {
    return Math.hypot(this.x, this.y);
  }
}
class Unregistered {
  constructor(readonly v: number) {}
}
class SubPoint extends Point {}

registerCheckpointClass(Session);
registerCheckpointClass(Point, "geometry.Point");

const roundTrip = <T>(value: T): T => decodeValue(encodeValue(value)) as T;

describe("registerCheckpointClass", () => {
  it("restores instances with their class's prototype and own properties, nested anywhere", () => {
    const inner = new Session(1, new Set(["/"]));
    const value = new Map<string, unknown>([
      ["s", new Session(2, new Set(["/a", "/b"]), inner)],
      ["points", [new Point(3, 4), { p: new Point(0, 1) }]],
    ]);
    const back = roundTrip(value);
    const s = back.get("s") as Session;
    expect(s).toBeInstanceOf(Session);
    expect(s.last).toBeInstanceOf(Session);
    expect(s).toEqual(value.get("s"));
    expect(s.visit("/c").pages).toEqual(new Set(["/a", "/b", "/c"]));
    const [p, { p: q }] = back.get("points") as [Point, { p: Point }];
    expect(p).toBeInstanceOf(Point);
    expect(p.norm).toBe(5);
    expect(q.norm).toBe(1);
  });

  it("names a class in the checkpoint by the name it was registered under", () => {
    const text = new TextDecoder().decode(encodeValue(new Point(1, 2)));
    expect(text).toBe('{"$":"c","n":"geometry.Point","v":["x",1,"y",2]}');
  });

  it("still refuses an instance of a class not registered, a subclass of a registered one too, naming the fix", () => {
    expect(() => encodeValue([new Unregistered(1)])).toThrow(
      expect.objectContaining({ code: "CHECKPOINT_FAILED", message: expect.stringMatching(/an instance of Unregistered at value\[0\].*registerCheckpointClass$/) }),
    );
    expect(() => encodeValue(new SubPoint(1, 1))).toThrow(/an instance of SubPoint/);
  });

  it("refuses a checkpoint naming a class this run did not register, as a mismatch and not as damage", () => {
    const bytes = new TextEncoder().encode('{"$":"c","n":"Gone","v":["a",1]}');
    expect(() => decodeValue(bytes)).toThrow(expect.objectContaining({ code: "CHECKPOINT_MISMATCH", message: expect.stringContaining("registerCheckpointClass(Gone)") }));
  });

  it("refuses an empty name and a name or class registered with another; the same registration again is harmless", () => {
    expect(() => registerCheckpointClass(class {})).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => registerCheckpointClass(Unregistered, "Session")).toThrow(/the name "Session" is taken/);
    expect(() => registerCheckpointClass(Point, "Point")).toThrow(/registered as "geometry.Point" already/);
    expect(() => registerCheckpointClass(Session)).not.toThrow();
  });
});

describe("checkpointed state of a registered class", () => {
  const contexts: StreamingContext[] = [];
  afterEach(async () => {
    for (const ssc of contexts.splice(0)) await ssc.stop();
  });

  function build(store: MemoryCheckpointStore, clock: ManualClock, out: Map<string, Session>[], queue: [string, string][][]): StreamingContext {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    contexts.push(ssc);
    ssc.checkpoint(store);
    const visits = ssc.queueStream(queue);
    visits
      .updateStateByKey<string, string, Session>((pages, s) => pages.reduce((acc, p) => acc.visit(p), s ?? new Session(0, new Set())))
      .checkpoint(Seconds(1))
      .foreachRDD(async (b) => void out.push(new Map(await b.collect())));
    // A window over instances: its parent's batches are checkpointed too.
    visits
      .map(([user, page]) => new Point(user.length, page.length))
      .window(Seconds(3))
      .count()
      .foreachRDD(() => {});
    return ssc;
  }

  it("survives a restart from the checkpoint, instances and all", async () => {
    const store = new MemoryCheckpointStore();
    const batches: [string, string][][] = [[["ann", "/a"], ["bob", "/b"]], [["ann", "/c"]]];
    const first: Map<string, Session>[] = [];
    const clock = new ManualClock();
    const ssc = build(store, clock, first, [...batches]);
    ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(first[1]!.get("ann")!.count).toBe(2);

    // The factory queues the same batches again (those applied are skipped), then one more.
    const second: Map<string, Session>[] = [];
    const clock2 = new ManualClock(2000);
    const restored = await StreamingContext.getOrCreate(store, () => build(store, clock2, second, [...batches, [["ann", "/d"]]]));
    restored.start();
    await clock2.advance(1000);
    const ann = second[0]!.get("ann")!;
    expect(ann).toBeInstanceOf(Session);
    expect(ann.count).toBe(3);
    expect(ann.pages).toEqual(new Set(["/a", "/c", "/d"]));
    expect(second[0]!.get("bob")!.visit("/x").count).toBe(2);
  });
});
