#!/usr/bin/env bash
# TypeScript strict check of every package and app (the console checks itself in `next build`).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for d in packages/* apps/agent apps/coordinator apps/cli e2e bench; do
  [ -f "$d/tsconfig.json" ] || continue
  (cd "$d" && pnpm -s exec tsc -p tsconfig.json --noEmit) || { echo "typecheck failed in $d"; status=1; }
done
exit $status
