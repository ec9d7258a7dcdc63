#!/usr/bin/env bash
# Runs every benchmark (never part of `pnpm test`) and prints their figures. Loopback only; bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm run build >/dev/null
echo "# promfetcher benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), node $(node --version), $(nproc) cores, $(uname -m)"
for f in packages/core/bench/*.bench.ts packages/adapter-gorouter/bench/*.bench.ts packages/adapter-http/bench/*.bench.ts; do
  [ -f "$f" ] || continue
  echo
  echo "## $f"
  pnpm exec tsx "$f"
done
