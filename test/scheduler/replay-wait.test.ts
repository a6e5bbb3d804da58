import { describe, expect, it } from "vitest";
import type { InputSource } from "../../src/dstream/input.ts";
import { awaitReplayInputs } from "../../src/scheduler/replay-wait.ts";

/** A source whose `reach` answers with `answer(position)`. */
function source(name: string, answer: (position: unknown) => Promise<boolean>): InputSource<unknown> {
  return { name, take: () => ({ records: [] }), reach: answer };
}

describe("awaitReplayInputs", () => {
  it("asks each input for the positions of its batches, and names the batches it cannot give", async () => {
    const asked: unknown[] = [];
    const positions = new Map([
      [4000, new Map<number, unknown>([[0, 10], [1, 3]])],
      [5000, new Map<number, unknown>([[0, 20], [1, 4]])],
    ]);
    const wait = awaitReplayInputs(
      [
        { streamId: 0, source: source("full", async (p) => {
          asked.push(p);
          return true;
        }) },
        { streamId: 1, source: source("short", async (p) => p === 3) },
      ],
      positions,
    );
    expect(await wait!.done).toEqual([{ streamId: 1, name: "short", times: [5000], reason: "ended" }]);
    expect(asked).toEqual([10, 20]);
  });

  it("gives up after its bound, and at once when cancelled", async () => {
    const never = source("silent", () => new Promise<boolean>(() => undefined));
    const positions = new Map([[4000, new Map<number, unknown>([[0, 1]])]]);
    expect(await awaitReplayInputs([{ streamId: 0, source: never }], positions, 20)!.done).toEqual([{ streamId: 0, name: "silent", times: [4000], reason: "timeout" }]);
    const wait = awaitReplayInputs([{ streamId: 0, source: never }], positions, 60_000)!;
    wait.cancel();
    expect((await wait.done).map((s) => s.reason)).toEqual(["timeout"]);
  });

  it("has nothing to wait for without inputs that answer", () => {
    const plain: InputSource<unknown> = { name: "queueStream", take: () => ({ records: [] }) };
    expect(awaitReplayInputs([{ streamId: 0, source: plain }], new Map([[4000, new Map<number, unknown>([[0, 1]])]]))).toBeUndefined();
  });
});
