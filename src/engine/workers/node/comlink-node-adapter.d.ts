// comlink 4 ships the Node adapter as dist/esm/node-adapter.mjs with a `.d.ts` (not `.d.mts`)
// beside it, which TypeScript does not pick up for an `.mjs` specifier.
declare module "comlink/dist/esm/node-adapter.mjs" {
  import type { Endpoint } from "comlink";
  export interface NodeEndpoint {
    postMessage(message: unknown, transfer?: readonly unknown[]): void;
    on(type: string, listener: (value: unknown) => void): void;
    off(type: string, listener: (value: unknown) => void): void;
    start?: () => void;
  }
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
