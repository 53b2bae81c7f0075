// Strict validation of every identifier a storage driver puts on a command line or turns into a
// path: dataset, snapshot and property names and property values. Checked before anything runs.
import { StorageError } from "./driver";

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const SEGMENT_RULE = "start with a letter or digit and contain only letters, digits, _ . : -";
const PROPERTY = /^[a-z][a-z0-9_.:-]*$/;
const PROPERTY_RULE = "start with a lowercase letter and contain only a-z, 0-9, _ . : -";
const MAX_DATASET = 200;
const MAX_SNAPSHOT = 54; // a 200-character dataset, "@" and this stay within ZFS's 255
const MAX_PROPERTY = 256;
const MAX_VALUE = 8191; // ZFS's limit for user property values

function invalid(what: string, value: unknown, why: string): never {
  throw new StorageError("INVALID_NAME", `${what} ${JSON.stringify(value)} is not valid: ${why}`);
}

function checkString(what: string, value: unknown, max: number): asserts value is string {
  if (typeof value !== "string" || value === "") invalid(what, value, "it must be a non-empty string");
  if (value.length > max) invalid(what, value, `it is longer than ${max} characters`);
}

/** `pool/child/child`: each segment starts with a letter or digit, then letters, digits, `_ . : -`. */
export function assertDatasetName(name: unknown): asserts name is string {
  checkString("dataset name", name, MAX_DATASET);
  if (name.includes("..")) invalid("dataset name", name, 'it contains ".."');
  if (!name.split("/").every((segment) => SEGMENT.test(segment)))
    invalid("dataset name", name, `each /-separated part must ${SEGMENT_RULE}`);
}

export function assertSnapshotName(name: unknown): asserts name is string {
  checkString("snapshot name", name, MAX_SNAPSHOT);
  if (!SEGMENT.test(name)) invalid("snapshot name", name, `it must ${SEGMENT_RULE}`);
}

/** Native (`compression`) or user (`tideline:lsn`) property names, lowercase as ZFS requires. */
export function assertPropertyName(name: unknown): asserts name is string {
  checkString("property name", name, MAX_PROPERTY);
  if (!PROPERTY.test(name)) invalid("property name", name, `it must ${PROPERTY_RULE}`);
}

/** User properties are the ones with a namespace (`tideline:lsn`). */
export function assertUserPropertyName(name: unknown): asserts name is string {
  assertPropertyName(name);
  if (!name.includes(":")) invalid("user property name", name, 'it needs a namespace such as "tideline:"');
}

export function assertPropertyValue(value: unknown): asserts value is string {
  if (typeof value !== "string") invalid("property value", value, "it must be a string");
  if (value.length > MAX_VALUE) invalid("property value", value, `it is longer than ${MAX_VALUE} characters`);
  // Tabs and newlines would also corrupt the tab-separated output we parse back.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    invalid("property value", value, "it contains a control character");
}

export function assertProperties(props: Record<string, string>, opts: { user?: boolean } = {}): void {
  for (const [name, value] of Object.entries(props)) {
    if (opts.user) assertUserPropertyName(name);
    else assertPropertyName(name);
    assertPropertyValue(value);
  }
}

/** The dataset is the pool itself or lies below it. */
export function assertInPool(dataset: string, pool: string): void {
  assertDatasetName(dataset);
  if (dataset !== pool && !dataset.startsWith(`${pool}/`)) {
    throw new StorageError("INVALID_NAME", `dataset ${JSON.stringify(dataset)} is not in pool "${pool}"`);
  }
}
