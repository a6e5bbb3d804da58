import { it, expect } from "vitest";
it("z", () => { let r = "eq"; try { expect([-0]).toEqual([0]); } catch { r = "neq"; } console.log("RESULT", r); expect(1).toBe(1); });
