#!/usr/bin/env bash
# The fair throughput ratio (issue 11, point 4): pre-loads the input topics of a real broker with
# synthetic cameras (nothing feeds them while measuring), then measures in one JVM (a) the raw
# engine's pairs/s on the due pairs, preprocessed once, and (b) `avloc streams` in catch-up mode
# with exactly-once over the pre-loaded topics, timed by a read-committed consumer; (a) again
# after (b). Progress lines start with "catch-up:"; the last line is a docs/benchmarks.md row.
#   benchmarks/catchup-throughput.sh [preset=lite] [cameras=8] [seconds=30] [batch=8] [model=DIR]
#                                    [jfr=FILE.jfr] [warmup=N] [set.KEY=VALUE ...] [variant.KEY=VALUE ...]
# warmup=N runs the pipeline N times first, unreported (a fresh JVM compiles while it runs).
# variant.KEY=VALUE runs the pipeline a second time, first, with that setting, e.g.
# variant.avloc.batch.threads=1 (the stream thread alone) against the default (one per core).
# Environment: JAVA_OPTS (default -Xmx3g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" || -n "$(find "$root"/*/src/main "$root"/benchmarks/pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  echo "catch-up: building the benchmarks..." >&2
  (cd "$root" && mvn -B -q -o -DskipTests -Dspotless.check.skip=true -pl benchmarks -am package)
fi
echo "catch-up: $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec java ${JAVA_OPTS:--Xmx3g} -Dai.djl.offline=true \
  -cp "$jar:$root/benchmarks/target/lib/*" io.avloc.benchmarks.CatchUpThroughput "$@"
