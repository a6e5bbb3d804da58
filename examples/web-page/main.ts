/**
 * A web page's streaming job: the words of a file the user picks, counted as it is read, a batch
 * a second, with the ten most frequent so far on the page — Spark's StatefulNetworkWordCount with
 * a file for the socket and the page for the console. The running totals are `updateStateByKey`
 * state, checkpointed to IndexedDB; once the file is read, a graceful stop counts what was left.
 *
 * Served by a bundler (Vite: `npm create vite`, then this file as `src/main.ts`), import from
 * "rivulet" instead of the sources; the kernel workers come with the application.
 */
import { IndexedDBCheckpointStore, Seconds, StreamingContext, words } from "../../src/index.ts";

const picker = document.querySelector<HTMLInputElement>("#file")!;
const rows = document.querySelector<HTMLTableSectionElement>("#top tbody")!;
const status = document.querySelector<HTMLElement>("#status")!;

picker.addEventListener("change", () => {
  const file = picker.files?.[0];
  if (file) count(file).catch((error: unknown) => void (status.textContent = `Failed: ${String(error)}`));
});

async function count(file: File): Promise<void> {
  picker.disabled = true;
  let read!: () => void;
  const fileRead = new Promise<void>((resolve) => (read = resolve));
  // The file's bytes, pulled as the job reads them, and a signal once it has read the last.
  const reader = file.stream().getReader();
  const bytes = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await reader.read();
        if (!chunk.done) return controller.enqueue(chunk.value);
        controller.close();
        read();
      },
    },
    { highWaterMark: 0 },
  );

  const ssc = new StreamingContext({ batchInterval: Seconds(1) });
  ssc.checkpoint(new IndexedDBCheckpointStore("word-count-page"));
  let counted = 0;
  const totals = ssc
    .textStream(bytes)
    .flatMap(words)
    .map((w) => [w, 1] as const)
    .updateStateByKey((counts: number[], total: number | undefined) => (total ?? 0) + counts.length);
  totals.foreachRDD(async (batch, time) => {
    const [top, all] = await Promise.all([batch.top(10, ([a, x], [b, y]) => x - y || (a < b ? 1 : a > b ? -1 : 0)), batch.values().sum()]);
    counted = all;
    show(top);
    status.textContent = `${counted.toLocaleString("en")} words counted by the batch of ${time} ms`;
  });
  ssc.start();
  await fileRead;
  await ssc.stop({ graceful: true });
  status.textContent = `Done: ${counted.toLocaleString("en")} words`;
  picker.disabled = false;
}

function show(top: readonly (readonly [string, number])[]): void {
  rows.replaceChildren(
    ...top.map(([word, n]) => {
      const row = document.createElement("tr");
      for (const text of [word, String(n)]) row.appendChild(document.createElement("td")).textContent = text;
      return row;
    }),
  );
}
