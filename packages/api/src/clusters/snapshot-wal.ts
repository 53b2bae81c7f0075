// A cluster's WAL cadence as the CLI and the console send it ("256MB", "1GiB", "off"): parsed
// once, by packages/core, and refused with the core's code and sentence.
import { isTidelineError, parseSnapshotWal } from "@tideline/core";
import { AppError } from "../errors";

export function snapshotWalBytes(text: string): number {
  try {
    return parseSnapshotWal(text);
  } catch (err) {
    if (isTidelineError(err)) throw new AppError(err.code, err.message.replace(/^[A-Z_]+: /, ""));
    throw err;
  }
}
