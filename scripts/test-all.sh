#!/usr/bin/env bash
# The whole test suite, in the order that fails fastest: types, the dependency rule
# (.dependency-cruiser.cjs), unit tests, the console build, integration tests (real PostgreSQL,
# zfs-fuse, coordinators, agents), then the browser tests (real Chromium against the real stack).
# Prints one closing summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || true)}"
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .tmp
failed=0
passed=0
step() {
  local name=$1; shift
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then echo "=== $name: ok ($((SECONDS - start)) s)"; passed=$((passed + 1)); else echo "=== $name: FAILED ($((SECONDS - start)) s)"; failed=$((failed + 1)); fi
}
# zfs-fuse must be running for the storage tests
if command -v zfs-fuse >/dev/null && ! pgrep -x zfs-fuse >/dev/null; then
  zfs-fuse && for _ in $(seq 1 50); do zpool list >/dev/null 2>&1 && break; sleep 0.2; done
fi
step typecheck pnpm -s typecheck
step dependency-rule pnpm -s deps
step unit pnpm -s exec vitest run --project unit
step console-build pnpm -s --filter @tideline/console build
step integration pnpm -s exec vitest run --project integration
step e2e pnpm -s test:e2e
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
