#!/usr/bin/env bash
# Runs every benchmark (never part of `pnpm test`) and prints their figures. Loopback only; bounded.
#   pnpm bench [--quick] [--scenario S1[,S2…]]
# --quick: fewer rounds everywhere; --scenario: only those server scenarios (packages/adapter-http/bench).
# Every bench runs even when an earlier one misses its target; the exit code is 1 if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
server_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; server_args+=(--quick) ;;
    --scenario) server_args+=(--scenario "${2:?--scenario needs a value, e.g. S1,S5}"); shift ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
pnpm run build >/dev/null || { echo "bench: pnpm build failed" >&2; exit 1; }
echo "# promfetcher benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), node $(node --version), $(nproc) cores, $(uname -m)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: figures move with it)"
failed=()
for f in packages/core/bench/*.bench.ts packages/adapter-gorouter/bench/*.bench.ts packages/adapter-http/bench/*.bench.ts; do
  [ -f "$f" ] || continue
  args=()
  env_vars=()
  case "$f" in
    */parse.bench.ts) [ $quick = 1 ] && args=(50) ;;
    */lookup.bench.ts) [ $quick = 1 ] && args=(--runs 2000) ;;
    */pipeline.bench.ts) [ $quick = 1 ] && args=(--runs 10) ;;
    */routes-load.bench.ts) [ $quick = 1 ] && env_vars=(ROUNDS=1) ;;
    */server.bench.ts) args=("${server_args[@]}") ;;
  esac
  echo
  echo "## $f ${args[*]}"
  echo
  if ! env "${env_vars[@]}" pnpm exec tsx --tsconfig tsconfig.typecheck.json "$f" "${args[@]}"; then
    failed+=("$f")
  fi
done
echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: missed a target or failed: ${failed[*]}"
  exit 1
fi
echo "bench: every benchmark ran and met its target"
