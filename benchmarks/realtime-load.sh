#!/usr/bin/env bash
# Real-time mode under CPU contention: the whole pipeline on one machine (real Kafka broker, the
# streams app with embedded ONNX Runtime inference, synthetic cameras at 25 fps with 100 ms audio
# chunks, inference capped at 5 Hz per camera, real-time mode, exactly-once), each camera count run
# once on the machine as it is ("quiet") and once with two busy-loop processes competing for the
# cores ("busy"). Prints one table row per run:
#   cameras | load | heatmaps/s | per camera min..max /s | cameras served | least/most |
#   e2e p50 / p99 (worst camera, at a read-committed consumer) | shed (stale) | rate-cap
#
#   benchmarks/realtime-load.sh [seconds] [cameras...]     e.g. benchmarks/realtime-load.sh 60 1 4 16 32
# Environment: LOADS="quiet busy" (which contention runs), BUSY_LOOPS=2, RAW=DIR (keep each run's
# demo output there).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"; shift || true
cameras=("$@")
[[ ${#cameras[@]} -eq 0 ]] && cameras=(1 4 16 32)
loads=(${LOADS:-quiet busy})
busy_loops="${BUSY_LOOPS:-2}"
raw="${RAW:-$(mktemp -d -t avloc-realtime-load.XXXXXX)}"
mkdir -p "$raw"
"$root/avloc" --version >/dev/null   # builds the CLI when needed

loop_pids=()
stop_loops() {
  for pid in "${loop_pids[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  loop_pids=()
}
trap stop_loops EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores, ${seconds}s per run, raw output in $raw"
echo "| cameras | load | heatmaps/s | per camera min..max /s | cameras served | least/most | e2e p50 | e2e p99 | shed (stale) | rate-cap |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${cameras[@]}"; do
  for load in "${loads[@]}"; do
    if [[ "$load" == busy ]]; then
      for ((i = 0; i < busy_loops; i++)); do
        bash -c 'while :; do :; done' &
        loop_pids+=("$!")
      done
    fi
    out="$raw/cameras-$n-$load.txt"
    echo "# cameras=$n load=$load start $(date -u +%FT%TZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >"$out"
    AVLOC_SKIP_BUILD=1 "$root/avloc" demo --cameras "$n" --duration "${seconds}s" --report-every 5s \
      >>"$out" 2>"$raw/cameras-$n-$load.err" || echo "# demo exited $?" >>"$out"
    stop_loops
    # The summary: "demo: N heatmaps from C cameras in S s; ... dropped {rate-cap=X, stale=Y}" and
    # one "  <camera> <events> events  e2e p50 Xms p99 Yms ..." line per camera.
    awk -v n="$n" -v load="$load" -v secs="$seconds" '
      /^demo: [0-9]+ heatmaps from/ {
        total = $2
        stale = 0; cap = 0
        if (match($0, /stale=[0-9]+/)) stale = substr($0, RSTART + 6, RLENGTH - 6)
        if (match($0, /rate-cap=[0-9]+/)) cap = substr($0, RSTART + 9, RLENGTH - 9)
        summary = 1; next
      }
      summary && /^  [^ ]+ +[0-9]+ events/ {
        ev = $2; served++
        if (min == "" || ev < min) min = ev
        if (max == "" || ev > max) max = ev
        if (match($0, /p50 [0-9]+ms/)) { v = substr($0, RSTART + 4, RLENGTH - 6) + 0; if (v > p50) p50 = v }
        if (match($0, /p99 [0-9]+ms/)) { v = substr($0, RSTART + 4, RLENGTH - 6) + 0; if (v > p99) p99 = v }
      }
      END {
        if (!summary) { printf "| %d | %s | no summary (see raw output) |\n", n, load; exit }
        if (served < n) min = 0
        printf "| %d | %s | %.1f | %.2f..%.2f | %d/%d | %.2f | %d ms | %d ms | %d | %d |\n",
          n, load, total / secs, min / secs, max / secs, served, n,
          (max > 0 ? min / max : 0), p50, p99, stale, cap
      }' "$out"
  done
done
