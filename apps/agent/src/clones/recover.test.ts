import { describe, expect, it } from "vitest";
import { pgTimestamp } from "./recover";

describe("pgTimestamp", () => {
  it("writes recovery_target_time the way PostgreSQL's check hook accepts", () => {
    expect(pgTimestamp("2026-11-22T01:09:23.614Z")).toBe("2026-11-22 01:09:23.614+00");
    expect(pgTimestamp("2026-11-22T01:09:23.614123Z")).toBe("2026-11-22 01:09:23.614123+00");
    expect(pgTimestamp("2026-11-22 03:09:23+02:00")).toBe("2026-11-22 03:09:23+02:00");
    expect(() => pgTimestamp("yesterday")).toThrow(/INVALID_TARGET|cannot write/);
  });
});
