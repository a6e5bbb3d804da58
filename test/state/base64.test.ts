import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../../src/state/base64.ts";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("base64", () => {
  it("gives the RFC 4648 test vectors", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(ascii(plain))).toBe(encoded);
      expect(decodeBase64(encoded)).toEqual(ascii(plain));
    }
  });

  it("agrees with Node's Buffer and round-trips (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it("refuses anything that is not canonical padded base64", () => {
    for (const bad of ["Z", "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zm9v!A==", "=Zm9", "Zm=v", "Zm9v\u00e9A==", " Zm9", "Zm9v\n"]) {
      expect(decodeBase64(bad), bad).toBeUndefined();
    }
  });
});
