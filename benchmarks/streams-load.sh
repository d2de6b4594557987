#!/usr/bin/env bash
# Load runs of the whole pipeline on one machine: real broker, streams app (embedded ONNX Runtime
# inference), synthetic cameras at 25 fps with 100 ms audio chunks, inference capped at 5 Hz per
# camera, real-time mode. Prints each run's final summary (heatmaps, per-camera end-to-end p50/p99
# measured at a read-committed consumer, drops).
#   benchmarks/streams-load.sh [seconds] [cameras...]      e.g. benchmarks/streams-load.sh 45 1 4 16
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-45}"; shift || true
cameras=("${@:-1 4 16}")
[[ $# -eq 0 ]] && cameras=(1 4 16)
"$root/avloc" --version >/dev/null   # builds the CLI when needed
for n in "${cameras[@]}"; do
  echo "### cameras=$n duration=${seconds}s $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  AVLOC_SKIP_BUILD=1 "$root/avloc" demo --cameras "$n" --duration "${seconds}s" --report-every 10s 2>/dev/null \
    | grep -E "^t=|^demo: [0-9]+ heatmaps|^  cam-" | tail -n $((n + 3))
done
