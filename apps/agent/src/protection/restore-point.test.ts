import { describe, expect, it } from "vitest";
import { labelStartLsn } from "./restore-point";

describe("labelStartLsn", () => {
  it("reads the redo pointer a backup_label starts replay at", () => {
    const label = [
      "START WAL LOCATION: 0/A000028 (file 00000001000000000000000A)",
      "CHECKPOINT LOCATION: 0/A000060",
      "BACKUP METHOD: streamed",
      "BACKUP FROM: primary",
      "START TIME: 2026-12-02 11:53:16 UTC",
      "LABEL: tideline seed rp-0123456789abcdef",
      "START TIMELINE: 1",
      "",
    ].join("\n");
    expect(labelStartLsn(label)).toBe("0/A000028");
  });

  it("says nothing for a label without one", () => {
    expect(labelStartLsn("LABEL: x\n")).toBeNull();
  });
});
