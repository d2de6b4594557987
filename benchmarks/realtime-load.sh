#!/usr/bin/env bash
# Real-time mode under CPU contention (issue 11, point 3): the whole pipeline on one machine (real
# Kafka broker, the streams app with embedded ONNX Runtime inference, synthetic cameras at 25 fps
# with 100 ms audio chunks, inference capped at 5 Hz per camera, real-time mode, exactly-once, a
# read-committed consumer for end-to-end latency: `avloc demo`), each camera count run once on the
# machine as it is ("quiet") and once with busy-loop processes competing for the cores ("busy").
#
#   benchmarks/realtime-load.sh [seconds] [cameras...]     default: 60 s, cameras 1 4 8 16 32
#   benchmarks/realtime-load.sh 20 1 8                     a quick check
#
# Environment: LOADS="quiet busy" (which contention runs, in that order), BUSY_LOOPS=2,
# RAW=DIR (keep each run's demo output there; default a new temporary folder), DEMO_ARGS (extra
# `avloc demo` options, e.g. DEMO_ARGS="--model DIR" for another model than the bundled one).
#
# Progress goes to stderr (one line per run start, every 10 s the demo's latest status line with
# the load average); each run's table row (docs/benchmarks.md, "Real time under CPU contention")
# goes to stdout and to $RAW/table.md:
#   cameras | load | heatmaps/s | second half /s (all cameras, then least..most camera; from the
#   demo's status lines and --report-cameras) |
#   per camera min..max /s | cameras served | least/most |
#   e2e p50 | e2e p99 (worst camera, at a read-committed consumer) | shed (stale) | rate-cap |
#   other drops | load avg (1-min, at the run's start → end)
# The script starts and stops its own busy loops and demo, and kills whatever is left of them when
# it exits, also on Ctrl-C or kill.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"; shift || true
cameras=("$@")
[[ ${#cameras[@]} -eq 0 ]] && cameras=(1 4 8 16 32)
read -r -a loads <<<"${LOADS:-quiet busy}"
busy_loops="${BUSY_LOOPS:-2}"
raw="${RAW:-$(mktemp -d -t avloc-realtime-load.XXXXXX)}"
mkdir -p "$raw"
for load in "${loads[@]}"; do
  [[ "$load" == quiet || "$load" == busy ]] || { echo "LOADS: quiet or busy, not '$load'" >&2; exit 2; }
done

loop_pids=()
demo_pid=""
stop_loops() {
  local pid
  for pid in "${loop_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${loop_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  loop_pids=()
}
cleanup() {
  stop_loops
  if [[ -n "$demo_pid" ]]; then
    # SIGTERM: the demo's shutdown hook stops the feed, the app and the broker.
    kill "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
    demo_pid=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadavg() { cut -d' ' -f1 /proc/loadavg; }
log() { echo "realtime-load: $*" >&2; }

"$root/avloc" --version >/dev/null   # builds the CLI when needed

table="$raw/table.md"
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, ${seconds} s per run, busy = ${busy_loops} busy loops, raw output in $raw"
  echo "| cameras | load | heatmaps/s | second half /s (per camera) | per camera min..max /s | cameras served | least/most | e2e p50 | e2e p99 | shed (stale) | rate-cap | other drops | load avg |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$table"

runs=$((${#cameras[@]} * ${#loads[@]}))
run=0
for n in "${cameras[@]}"; do
  for load in "${loads[@]}"; do
    run=$((run + 1))
    if [[ "$load" == busy ]]; then
      for ((i = 0; i < busy_loops; i++)); do
        bash -c 'while :; do :; done' &
        loop_pids+=("$!")
      done
    fi
    out="$raw/cameras-$n-$load.txt"
    err="$raw/cameras-$n-$load.err"
    load_start="$(loadavg)"
    log "run $run/$runs: $n cameras, $load, ${seconds} s, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T) UTC"
    echo "# cameras=$n load=$load start $(date -u +%FT%TZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >"$out"
    # shellcheck disable=SC2086 # DEMO_ARGS is a list of options
    AVLOC_SKIP_BUILD=1 "$root/avloc" demo --cameras "$n" --duration "${seconds}s" --report-every 5s --report-cameras \
      ${DEMO_ARGS:-} >>"$out" 2>"$err" &
    demo_pid=$!
    next=$((SECONDS + 10))
    while kill -0 "$demo_pid" 2>/dev/null; do
      sleep 1
      if ((SECONDS >= next)); then
        last="$(grep -E '^t=' "$out" | tail -n 1 || true)"
        log "  ${last:-starting...}  [load $(loadavg)]"
        next=$((SECONDS + 10))
      fi
    done
    rc=0
    wait "$demo_pid" || rc=$?
    demo_pid=""
    stop_loops
    load_end="$(loadavg)"
    echo "# end $(date -u +%FT%TZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg) exit $rc" >>"$out"
    [[ $rc -eq 0 ]] || log "  demo exited with status $rc (see $err)"
    # The demo's summary: "demo: N heatmaps from C cameras in S s; ... dropped {rate-cap=X, stale=Y}"
    # (or "dropped none"), then one "  <camera> <events> events  e2e p50 Xms p99 Yms ..." line per
    # camera that got a heatmap.
    awk -v n="$n" -v load="$load" -v secs="$seconds" -v la="$load_start → $load_end" '
      function dur(ms) { return ms >= 10000 ? sprintf("%.1f s", ms / 1000) : sprintf("%d ms", ms) }
      # Status lines "t=  60s ... (1234 total) ...": the rate over the run'"'"'s second half, once the
      # JIT and the first windows are behind it (from the first line at t >= secs/2 to the last one
      # while the cameras still send).
      # The status line after "demo: stopping" counts the drain, when no camera sends: left out.
      /^demo: stopping/ { stopping = 1; next }
      !stopping && /^t= *[0-9]+s / && match($0, /\([0-9]+ total\)/) {
        t = substr($0, 3) + 0; c = substr($0, RSTART + 1) + 0
        if (t >= secs / 2 && half_t == "") { half_t = t; half_c = c; at_half = 1 } else at_half = 0
        last_t = t; last_c = c
        next
      }
      # --report-cameras: "demo: heatmaps per camera cam-1=57 cam-2=55 ..." after each status line
      !stopping && /^demo: heatmaps per camera/ {
        for (i = 5; i <= NF; i++) {
          split($i, kv, "="); cam_last[kv[1]] = kv[2] + 0
          if (at_half) cam_half[kv[1]] = kv[2] + 0
        }
        next
      }
      /^demo: [0-9]+ heatmaps from/ {
        total = $2; stale = 0; cap = 0; other = ""
        if (match($0, /dropped \{[^}]*\}/)) {
          k = split(substr($0, RSTART + 9, RLENGTH - 10), kv, /, /)
          for (i = 1; i <= k; i++) {
            split(kv[i], p, "=")
            if (p[1] == "stale") stale = p[2]
            else if (p[1] == "rate-cap") cap = p[2]
            else other = other (other == "" ? "" : ", ") p[1] "=" p[2]
          }
        }
        summary = 1; next
      }
      summary && /^  [^ ]+ +[0-9]+ events/ {
        ev = $2; served++
        if (min == "" || ev < min) min = ev
        if (max == "" || ev > max) max = ev
        if (match($0, /p50 [0-9]+ms/)) { v = substr($0, RSTART + 4, RLENGTH - 6) + 0; if (v > p50) p50 = v; lat = 1 }
        if (match($0, /p99 [0-9]+ms/)) { v = substr($0, RSTART + 4, RLENGTH - 6) + 0; if (v > p99) p99 = v }
      }
      END {
        if (!summary) { printf "| %d | %s | no summary (see raw output) | | | | | | | | | | %s |\n", n, load, la; exit }
        if (served < n) min = 0
        half = "–"
        if (half_t != "" && last_t > half_t) {
          half = sprintf("%.1f", (last_c - half_c) / (last_t - half_t)); hmin = ""; hmax = ""; k = 0
          for (cam in cam_last) {
            r = (cam_last[cam] - cam_half[cam]) / (last_t - half_t); k++
            if (hmin == "" || r < hmin) hmin = r
            if (hmax == "" || r > hmax) hmax = r
          }
          if (k < n) hmin = 0
          if (k > 0) half = half sprintf(" (%.2f..%.2f)", hmin, hmax)
        }
        printf "| %d | %s | %.1f | %s | %.2f..%.2f | %d/%d | %s | %s | %s | %d | %d | %s | %s |\n",
          n, load, total / secs, half, min / secs, max / secs, served, n,
          (max > 0 ? sprintf("%.2f", min / max) : "–"),
          (lat ? dur(p50) : "–"), (lat ? dur(p99) : "–"), stale, cap,
          (other == "" ? "–" : other), la
      }' "$out" | tee -a "$table"
  done
done
log "done; table in $table"
