// The streaming word-count section of `npm run bench` alone (streaming-section.ts), after
// `npm run build`, from the repository root:
//
//   npx esbuild --bundle --platform=node --format=esm --packages=external --log-level=warning \
//     bench/workers/streaming-cli.ts | node --max-old-space-size=4096 --input-type=module - [rounds] [words]
//
// `--json` as the last argument prints the raw results instead (every batch's timings).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { streamingSection } from "./streaming-section.ts";

const json = process.argv.includes("--json");
const args = process.argv.slice(2).filter((a) => a !== "-" && a !== "--json");
const { lines, results } = await streamingSection({
  rounds: args[0] === undefined ? 7 : Number(args[0]),
  words: args[1] === undefined ? undefined : Number(args[1]),
  nodeWorkerUrl: pathToFileURL(resolve("dist/node/kernel-worker.js")),
  webWorkerFile: resolve("dist/web/kernel-worker.js"),
  browserEntry: resolve("bench/workers/streaming.browser.ts"),
  progress: (line) => console.error(line),
});
console.log(json ? JSON.stringify(results) : lines.join("\n"));
