#!/usr/bin/env bash
# The test suite on a busy machine: every core kept busy by another process
# (stress-ng when it is installed, else a shell busy loop per core) while
# jest runs the suite, RUNS times in a row (default 3), stopping at the first
# run that fails. Prints each run's passed/failed/skipped counts and how long
# it took; each run's whole output is kept in a log file.
#
#   npm run test:loaded                      # the whole suite, 3 runs
#   npm run test:loaded -- -n 5              # 5 runs
#   npm run test:loaded -- tests/worker      # jest arguments after the options
#   LOAD_CPUS=1 npm run test:loaded          # busy loops (default: one per core)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    -n | --runs) runs="$2"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
case "$runs" in '' | *[!0-9]* | 0) echo "runs must be a positive number, got '$runs'" >&2; exit 2 ;; esac
cpus="${LOAD_CPUS:-$(nproc)}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/keepr-loaded-XXXXXX")"

load_pids=()
stop_load() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  load_pids=()
}
trap stop_load EXIT
trap 'exit 130' INT TERM

if command -v stress-ng >/dev/null; then
  stress-ng --cpu "$cpus" --quiet &
  load_pids+=($!)
  echo "load: stress-ng --cpu $cpus (pid ${load_pids[*]})"
else
  for _ in $(seq "$cpus"); do
    (while :; do :; done) &
    load_pids+=($!)
  done
  echo "load: $cpus busy loop(s) (pids ${load_pids[*]})"
fi

export PATH="$PWD/node_modules/.bin:$PATH"
echo "jest arguments: --runInBand ${*:-(the whole suite)}; logs in $logs"
for run in $(seq "$runs"); do
  log="$logs/run-$run.log"
  results="$logs/run-$run.json"
  started=$(date +%s)
  status=0
  node --experimental-vm-modules node_modules/jest/bin/jest.js --runInBand --json --outputFile="$results" "$@" >"$log" 2>&1 || status=$?
  seconds=$(($(date +%s) - started))
  counts=$(node -e '
    try {
      const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
      console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped of ${r.numTotalTests} tests in ${r.numTotalTestSuites} files`);
    } catch { console.log("no results (jest did not finish)"); }' "$results")
  if [ "$status" -eq 0 ]; then
    echo "run $run/$runs: pass  $counts, ${seconds} s"
  else
    echo "run $run/$runs: FAIL  $counts, ${seconds} s (exit $status); log: $log"
    grep -E "^(FAIL|  ●) " "$log" | head -40 || true
    exit 1
  fi
done
echo "all $runs run(s) passed with $cpus core(s) kept busy"
