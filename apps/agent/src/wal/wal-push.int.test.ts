// wal-push as PostgreSQL's archive_command on a real cluster, and its refusals on real files.
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { chownToServiceUser, makeTempDir, resolveServiceUser, startTestCluster } from "@tideline/postgres";
import { REPO_ROOT } from "@tideline/testkit";
import { describe, expect, it } from "vitest";
import { walPush, WalPushError } from "./wal-push";

describe("wal-push", () => {
  it("stores a segment once, accepts the same segment again, refuses different content", async () => {
    const dir = await makeTempDir("tl-walpush-");
    const archive = path.join(dir, "archive");
    await mkdir(archive);
    const seg = path.join(dir, "000000010000000000000003");
    await writeFile(seg, Buffer.alloc(1024, 7));
    expect(await walPush(seg, archive)).toBe("stored");
    expect(await walPush(seg, archive)).toBe("already-archived");
    await writeFile(seg, Buffer.alloc(1024, 8));
    await expect(walPush(seg, archive)).rejects.toSatisfy((e) => e instanceof WalPushError && e.code === "WAL_CONFLICT");
    await expect(walPush(path.join(dir, "not-wal"), archive)).rejects.toSatisfy((e) => e instanceof WalPushError && e.code === "INVALID_WAL_NAME");
    expect((await readdir(archive)).sort()).toEqual(["000000010000000000000003"]);
  });

  it("archives a real cluster's WAL as its archive_command", async () => {
    const dir = await makeTempDir("tl-archive-");
    const archive = path.join(dir, "archive");
    await mkdir(archive);
    await chownToServiceUser(archive, resolveServiceUser());
    const script = path.join(dir, "wal-push.sh");
    await writeFile(script, `#!/bin/sh\nexec ${process.execPath} --import ${path.join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")} ${path.join(REPO_ROOT, "apps/agent/src/main.ts")} wal-push "$1" --archive-dir "$2"\n`);
    await chmod(script, 0o755);
    const pg = await startTestCluster({ dir, settings: { archive_mode: "on", archive_command: `'${script} %p ${archive}'` } });
    try {
      await pg.query("CREATE TABLE t AS SELECT generate_series(1, 1000) AS i");
      const [{ name }] = (await pg.query<{ name: string }>("SELECT pg_walfile_name(pg_current_wal_lsn()) AS name")) as [{ name: string }];
      await pg.query("SELECT pg_switch_wal()");
      for (let i = 0; i < 150 && !existsSync(path.join(archive, name)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(path.join(archive, name))).toBe(true);
      const [stats] = await pg.query<{ failed: string }>("SELECT failed_count::text AS failed FROM pg_stat_archiver");
      expect(stats!.failed).toBe("0");
    } finally {
      await pg.destroy();
    }
  });
});
