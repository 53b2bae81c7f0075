// `tideline-agent wal-push %p --archive-dir DIR`: the archive_command helper for clusters that
// cannot stream. It never overwrites: the segment is written to a temporary file, fsynced, and
// linked into place (link(2) fails if the name exists). Pushing the same segment twice succeeds
// (PostgreSQL retries after a crash); a different segment under an existing name is refused.
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { link, open, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";

export class WalPushError extends Error {
  constructor(
    readonly code: "WAL_CONFLICT" | "WAL_SOURCE_MISSING" | "WAL_PUSH_FAILED" | "INVALID_WAL_NAME",
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const NAME = /^([0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?|[0-9A-F]{8}\.history)$/;

async function digest(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

async function fsyncPath(p: string, flags = constants.O_RDONLY): Promise<void> {
  const fh = await open(p, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function walPush(source: string, archiveDir: string): Promise<"stored" | "already-archived"> {
  const name = path.basename(source);
  if (!NAME.test(name)) throw new WalPushError("INVALID_WAL_NAME", `${name} is not a WAL segment, history or backup file name`);
  try {
    await stat(source);
  } catch {
    throw new WalPushError("WAL_SOURCE_MISSING", `${source} does not exist`);
  }
  const target = path.join(archiveDir, name);
  const exists = await stat(target).then(() => true, () => false);
  if (exists) {
    if ((await digest(target)) === (await digest(source))) return "already-archived";
    throw new WalPushError("WAL_CONFLICT", `${target} exists with different content; refusing to overwrite archived WAL. Two clusters may be archiving into the same place, or the cluster was restored without a new timeline. Investigate before archiving continues.`);
  }
  const tmp = path.join(archiveDir, `.${name}.${process.pid}.tmp`);
  try {
    const src = await readFile(source);
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await fh.writeFile(src);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, target); // atomic, and never replaces an existing file
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        // another pusher won the race: same content is fine, anything else is a conflict
        if ((await digest(target)) === createHash("sha256").update(src).digest("hex")) return "already-archived";
        throw new WalPushError("WAL_CONFLICT", `${target} appeared with different content while pushing`);
      }
      throw err;
    }
    await fsyncPath(archiveDir);
    return "stored";
  } catch (err) {
    if (err instanceof WalPushError) throw err;
    throw new WalPushError("WAL_PUSH_FAILED", `could not archive ${name}: ${(err as Error).message}`);
  } finally {
    await rm(tmp, { force: true });
  }
}
