// The fixture behind the runtime tests (Deno, workerd), checked here in Node: its plain-JS
// reference gives the counts written out by hand below, and the job gives the same in Node. A
// runtime test that fails while this one passes points at that runtime, not at the fixture.
import { expect, it } from "vitest";
import { expectedWordCount, runWordCount } from "../fixtures/runtime/wordcount-job.ts";

const BY_HAND = [
  {
    time: 1000,
    counts: [
      ["Größe", 1], ["and", 1], ["be", 2], ["café", 2], ["déjà", 1], ["emoji", 1], ["größe", 2], ["here", 1],
      ["ideographic", 1], ["naïve", 1], ["nbsp", 1], ["not", 1], ["or", 1], ["straße", 1], ["tab", 1], ["to", 2],
      ["vu", 1], ["🐍", 1], ["🦀", 2],
    ],
  },
  {
    time: 2000,
    counts: [
      ["be", 2], ["café", 1], ["continued", 1], ["last", 1], ["line", 1], ["newline", 1], ["to", 2], ["without", 1],
      ["—", 1], ["テキスト", 1], ["日本語", 2],
    ],
  },
];

it("the fixture's reference gives the hand-counted words of each batch", () => {
  expect(expectedWordCount()).toEqual(BY_HAND);
});

it("the fixture job gives the reference's counts in Node", async () => {
  expect(await runWordCount()).toEqual(expectedWordCount());
});
