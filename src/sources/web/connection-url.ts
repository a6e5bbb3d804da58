import { RivuletError } from "../../core/errors.ts";

/**
 * A connection URL checked when the stream is declared rather than when the context starts, so a
 * typo is an error at the call site. Relative URLs resolve against the page (or worker) location.
 */
export function connectionUrl(url: string | URL, what: string, protocols: readonly string[]): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let parsed: URL;
  try {
    parsed = new URL(String(url), base);
  } catch (error) {
    throw new RivuletError("INVALID_ARGUMENT", `${what}: ${JSON.stringify(String(url))} is not a valid URL`, { cause: error });
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new RivuletError("INVALID_ARGUMENT", `${what}: the URL must use ${protocols.join(" or ")}, got ${JSON.stringify(parsed.href)}`);
  }
  return parsed;
}

/** The global constructor a URL needs, or a clear error where the runtime has none (Node 20 has neither). */
export function globalConstructor<C>(name: "WebSocket" | "EventSource", what: string): C {
  const ctor = (globalThis as Record<string, unknown>)[name];
  if (typeof ctor !== "function") {
    throw new RivuletError(
      "UNSUPPORTED",
      `${what}: this runtime has no global ${name} to open a URL with; pass an object implementing the ${name} interface instead`,
    );
  }
  return ctor as C;
}
