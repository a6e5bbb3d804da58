import { describe, expect, it } from "vitest";
import { ManualClock, SystemClock } from "../../src/index.ts";

describe("ManualClock", () => {
  it("starts at 0 by default, or at the given time", () => {
    expect(new ManualClock().now()).toBe(0);
    expect(new ManualClock(1500).now()).toBe(1500);
  });

  it("runs scheduled callbacks in time order (then in scheduling order), each at its own time", async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.schedule(300, () => void seen.push(`c@${clock.now()}`));
    clock.schedule(100, () => void seen.push(`a@${clock.now()}`));
    clock.schedule(200, () => void seen.push(`b1@${clock.now()}`));
    clock.schedule(200, () => void seen.push(`b2@${clock.now()}`));
    clock.schedule(400, () => void seen.push(`d@${clock.now()}`));
    await clock.advance(300);
    expect(seen).toEqual(["a@100", "b1@200", "b2@200", "c@300"]);
    expect(clock.now()).toBe(300);
    await clock.advance(100);
    expect(seen.at(-1)).toBe("d@400");
  });

  it("awaits each callback's promise before running the next one", async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.schedule(100, async () => {
      seen.push("a:start");
      await new Promise((r) => setTimeout(r, 5));
      seen.push("a:end");
    });
    clock.schedule(200, () => void seen.push("b"));
    await clock.advance(200);
    expect(seen).toEqual(["a:start", "a:end", "b"]);
  });

  it("resolves advance only after the callbacks due have finished", async () => {
    const clock = new ManualClock();
    let done = false;
    clock.schedule(1000, async () => {
      await new Promise((r) => setTimeout(r, 5));
      done = true;
    });
    await clock.advance(1000);
    expect(done).toBe(true);
  });

  it("runs in the same advance what a callback schedules within the target, not what falls after it", async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const tick = (t: number): void => {
      clock.schedule(t, () => {
        seen.push(clock.now());
        tick(t + 100);
      });
    };
    tick(100);
    await clock.advance(350);
    expect(seen).toEqual([100, 200, 300]);
    expect(clock.now()).toBe(350);
    await clock.advance(50);
    expect(seen).toEqual([100, 200, 300, 400]);
  });

  it("does not run a cancelled callback", async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const cancel = clock.schedule(100, () => void seen.push("cancelled"));
    clock.schedule(100, () => void seen.push("kept"));
    cancel();
    await clock.advance(1000);
    expect(seen).toEqual(["kept"]);
  });

  it("setTime moves to an absolute time and never backwards", async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.schedule(500, () => void seen.push(clock.now()));
    await clock.setTime(700);
    expect(seen).toEqual([500]);
    expect(clock.now()).toBe(700);
    await clock.setTime(100);
    expect(clock.now()).toBe(700);
  });

  it("queues concurrent advance calls: callbacks never interleave", async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    for (const t of [100, 200]) {
      clock.schedule(t, async () => {
        seen.push(`start ${t}`);
        await new Promise((r) => setTimeout(r, 2));
        seen.push(`end ${t}`);
      });
    }
    const first = clock.setTime(100);
    const second = clock.setTime(200);
    await Promise.all([first, second]);
    expect(seen).toEqual(["start 100", "end 100", "start 200", "end 200"]);
  });

  it("queues concurrent advance calls: the advances add up", async () => {
    // BUG: advance(ms) computes its target (now + ms) when called, not when its turn comes, so two
    // advance(1000) calls made before the first resolves both target 1000.
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.schedule(1000, () => void seen.push(clock.now()));
    clock.schedule(2000, () => void seen.push(clock.now()));
    await Promise.all([clock.advance(1000), clock.advance(1000)]);
    expect(clock.now()).toBe(2000);
    expect(seen).toEqual([1000, 2000]);
  });

  it("a failing callback rejects its advance; the clock keeps working for the next one", async () => {
    const clock = new ManualClock();
    clock.schedule(100, () => {
      throw new Error("boom");
    });
    const seen: number[] = [];
    clock.schedule(200, () => void seen.push(clock.now()));
    await expect(clock.advance(100)).rejects.toThrow("boom");
    await clock.advance(100);
    expect(seen).toEqual([200]);
  });
});

describe("SystemClock", () => {
  it("reads Date.now() and fires a scheduled callback; cancel prevents it", async () => {
    const clock = new SystemClock();
    const before = Date.now();
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    let fired = 0;
    let cancelledFired = 0;
    const done = new Promise<void>((resolve) =>
      clock.schedule(clock.now() + 5, () => {
        fired++;
        resolve();
      }),
    );
    const cancel = clock.schedule(clock.now() + 5, () => void cancelledFired++);
    cancel();
    await done;
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(1);
    expect(cancelledFired).toBe(0);
  });
});
