import { describe, expect, it } from "vitest";
import { isTidelineError, TidelineError } from "./errors";

describe("TidelineError", () => {
  it("carries a stable code and a sentence prefixed by it", () => {
    const e = new TidelineError("INVALID_LSN", "nope is not an LSN", { input: "nope" });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe("INVALID_LSN");
    expect(e.message).toBe("INVALID_LSN: nope is not an LSN");
    expect(e.sentence).toBe("nope is not an LSN");
    expect(e.details).toEqual({ input: "nope" });
    expect(isTidelineError(e)).toBe(true);
    expect(isTidelineError(e, "INVALID_LSN")).toBe(true);
    expect(isTidelineError(e, "OTHER")).toBe(false);
    expect(isTidelineError(new Error("x"))).toBe(false);
  });
});
