import { describe, expect, it } from "vitest";
import { archiveHead, assertSnapshotWalBytes, parseSnapshotWal, walVolumeDue } from "./wal-volume";

const MiB = 2 ** 20;
const base = {
  thresholdBytes: 16 * MiB,
  lastRestorePoint: { lsn: "0/3000028", timeline: 1 },
  archive: { lsn: "0/4000028", timeline: 1 },
  inFlight: false,
};

describe("walVolumeDue", () => {
  it("is due once the archive is the threshold past the newest restore point", () => {
    expect(walVolumeDue(base)).toEqual({ due: true, walBytes: 16n * BigInt(MiB) });
    expect(walVolumeDue({ ...base, archive: { lsn: "1/0", timeline: 1 } })).toMatchObject({ due: true });
  });

  it("is not due one byte short of the threshold", () => {
    expect(walVolumeDue({ ...base, archive: { lsn: "0/4000027", timeline: 1 } })).toEqual({
      due: false,
      reason: "BELOW_THRESHOLD",
      walBytes: 16n * BigInt(MiB) - 1n,
    });
  });

  it("does nothing while a restore-point job is queued or running", () => {
    expect(walVolumeDue({ ...base, inFlight: true })).toMatchObject({ due: false, reason: "IN_FLIGHT" });
  });

  it("is off at 0 or without a setting", () => {
    expect(walVolumeDue({ ...base, thresholdBytes: 0 })).toMatchObject({ due: false, reason: "DISABLED" });
    expect(walVolumeDue({ ...base, thresholdBytes: null })).toMatchObject({ due: false, reason: "DISABLED" });
  });

  it("waits for a first restore point and a reported archive", () => {
    expect(walVolumeDue({ ...base, lastRestorePoint: null })).toMatchObject({
      due: false,
      reason: "NO_RESTORE_POINT",
    });
    expect(walVolumeDue({ ...base, archive: null })).toMatchObject({ due: false, reason: "NO_ARCHIVE" });
  });

  it("never measures across a timeline fork", () => {
    expect(walVolumeDue({ ...base, archive: { lsn: "5/0", timeline: 2 } })).toMatchObject({
      due: false,
      reason: "OTHER_TIMELINE",
    });
  });

  it("counts an archive behind the restore point (a stale report) as no WAL", () => {
    expect(walVolumeDue({ ...base, archive: { lsn: "0/2000000", timeline: 1 } })).toEqual({
      due: false,
      reason: "BELOW_THRESHOLD",
      walBytes: 0n,
    });
  });
});

describe("archiveHead", () => {
  it("is the end of the highest timeline", () => {
    expect(
      archiveHead([
        { timeline: 1, endLsn: "0/9000000" },
        { timeline: 2, endLsn: "0/5000000" },
      ]),
    ).toEqual({ lsn: "0/5000000", timeline: 2 });
    expect(archiveHead([])).toBeNull();
  });
});

describe("assertSnapshotWalBytes", () => {
  it("takes 0 (off) or at least one WAL segment", () => {
    expect(() => assertSnapshotWalBytes(0)).not.toThrow();
    expect(() => assertSnapshotWalBytes(16 * MiB)).not.toThrow();
    expect(() => assertSnapshotWalBytes(16 * MiB - 1)).toThrow(/INVALID_SNAPSHOT_WAL/);
    expect(() => assertSnapshotWalBytes(-1)).toThrow(/INVALID_SNAPSHOT_WAL/);
  });
  it("reads what a DBA types", () => {
    expect(parseSnapshotWal("256MB")).toBe(256 * MiB);
    expect(parseSnapshotWal("off")).toBe(0);
    expect(() => parseSnapshotWal("1MB")).toThrow(/INVALID_SNAPSHOT_WAL/);
    expect(() => parseSnapshotWal("lots")).toThrow(/INVALID_SIZE/);
  });
});
