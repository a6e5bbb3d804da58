// eventStream (src/sources/web/dom-event.ts): the events an EventTarget dispatches, made into
// records by a select function as they fire. dispatchEvent is synchronous, so the manual clock
// decides every batch.
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../../src/index.ts";
import { run, tick } from "./harness.ts";

class PointerLike extends Event {
  constructor(
    type: string,
    readonly x: number,
  ) {
    super(type);
  }
}

describe("eventStream", () => {
  it("makes each event of the given types a record with select, when it fires, in the batch of its interval", async () => {
    const target = new EventTarget();
    const { clock, out, infos, events } = run((ssc) => ssc.eventStream(target, ["down", "up"], (e: PointerLike) => `${e.type}@${e.x}`));
    await tick();
    target.dispatchEvent(new PointerLike("down", 1));
    target.dispatchEvent(new PointerLike("move", 2)); // not listened to
    target.dispatchEvent(new PointerLike("up", 3));
    await clock.advance(1000);
    target.dispatchEvent(new PointerLike("down", 4));
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["down@1", "up@3"]],
      [2000, ["down@4"]],
    ]);
    expect(infos.map((i) => [i.name, i.numRecords, i.metadata["selectErrors"]])).toEqual([
      ["eventStream", 2, 0],
      ["eventStream", 1, 0],
    ]);
    expect(events).toEqual(["started"]);
  });

  it("runs select while the event is dispatched: its currentTarget is still set (null afterwards)", async () => {
    const target = new EventTarget();
    const seen: Event[] = [];
    const { clock, out } = run((ssc) =>
      ssc.eventStream(target, "tick", (e: Event) => {
        seen.push(e);
        return e.currentTarget === target;
      }),
    );
    await tick();
    target.dispatchEvent(new Event("tick"));
    await clock.advance(1000);
    expect(out).toEqual([[1000, [true]]]);
    expect(seen[0]!.currentTarget).toBeNull();
  });

  it("skips events select maps to undefined, and drops, counts and reports once those it throws on", async () => {
    const target = new EventTarget();
    const { clock, out, infos, errors } = run((ssc) =>
      ssc.eventStream(target, "n", (e: PointerLike) => {
        if (e.x < 0) throw new Error(`negative ${e.x}`);
        return e.x % 2 === 0 ? e.x : undefined;
      }),
    );
    await tick();
    for (const x of [1, 2, -1, 4, -3]) target.dispatchEvent(new PointerLike("n", x));
    await clock.advance(1000);
    expect(out).toEqual([[1000, [2, 4]]]);
    expect(infos[0]!.metadata["selectErrors"]).toBe(2);
    expect(errors.map((e) => e.lastErrorMessage)).toEqual([
      "eventStream: select failed on a n event (negative -1); such events are dropped and counted in selectErrors",
    ]);
    expect(errors[0]!.lastError).toEqual(new Error("negative -1"));
  });

  it("removes its listeners when the context stops", async () => {
    const target = new EventTarget();
    let selected = 0;
    const { ssc } = run((s) => s.eventStream(target, "e", () => ++selected));
    await tick();
    target.dispatchEvent(new Event("e"));
    await ssc.stop();
    target.dispatchEvent(new Event("e"));
    expect(selected).toBe(1);
  });

  it("refuses what is not an event target, empty types, and a select that is not a function", () => {
    const { ssc } = run((s) => s.queueStream<number>([]), { start: false });
    const select = (e: Event) => e.type;
    expect(() => ssc.eventStream({} as EventTarget, "click", select)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => ssc.eventStream(new EventTarget(), [], select)).toThrow(RivuletError);
    expect(() => ssc.eventStream(new EventTarget(), "", select)).toThrow(RivuletError);
    expect(() => ssc.eventStream(new EventTarget(), "click", "type" as unknown as typeof select)).toThrow(RivuletError);
  });
});
