#!/bin/sh
# The benchmark suite, peers side by side (benchmarks/README.md).
#   benchmarks/run.sh short   # ~10 minutes: all benchmarks in one JVM (-f 0), 1 s iterations; indicative only
#   benchmarks/run.sh full    # the recorded run (~145 minutes): a JVM fork per benchmark, the annotations'
#                             # warm-up/measurement, the steady part and the warm-up timeline
#   benchmarks/run.sh full -e Threads   # extra arguments go to JMH
# Writes benchmarks/results/<profile>-<UTC time>/: jmh.json (+ jmh.log), jmh-steady.json (+ log),
# native.json, footprint.json, report.md (the tables for docs/BENCHMARKS.md).
# PARTS picks parts: "jmh steady native footprint timeline" (full's default; short leaves out steady and timeline);
#   "timeline" (~90 minutes) is the warm-up timeline per JVM configuration (WarmupTimeline, issue 16);
#   "service" (not in either default: ~30 minutes) the execution service under load (ServiceThroughputBenchmarks);
#   "lines" (not in either default: ~10 minutes) Chicory's runtime line against Endive's (RuntimeLineTimeline).
#   steady: Wasmbox alone, a fork per benchmark, 60 s of warm-up before measuring: the interpreters' huge
#   methods take that long to be compiled by C2 (docs/BENCHMARKS.md, "Warm-up"), so this is the steady
#   state of a long-running JVM (a service, a plugin host).
set -euf  # -f: the JMH patterns below are not file globs
cd "$(dirname "$0")/.."
. ./.mvn/jdk.sh
PROFILE=${1:-short}
[ $# -gt 0 ] && shift
JAR=benchmarks/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ -n "$(find engine-*/src benchmarks/src benchmarks/pom.xml pom.xml -newer "$JAR" -type f -print -quit 2>/dev/null)" ]; then
  echo "run.sh: building the benchmarks jar..." >&2
  ./mvnw -q -B -DskipTests install -pl benchmarks -am >&2
fi
JAVA="$JAVA_HOME/bin/java"
# The same flags as the JMH forks of the Peer* benchmarks (JvmArgs.java): the Wasmbox launchers' JIT flags.
FLAGS="-Xss16m -XX:-DontCompileHugeMethods -XX:MaxNodeLimit=240000 -XX:NodeLimitFudgeFactor=8000 \
-Dpolyglot.engine.WarnInterpreterOnly=false --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
case "$PROFILE" in
  short) JMH="-f 0 -wi 1 -w 1s -i 2 -r 1s Peer"; COUNT=10; DEFAULT_PARTS="jmh native footprint" ;;
  full)  JMH="Peer"; COUNT=50; DEFAULT_PARTS="jmh steady native footprint timeline" ;;
  *) echo "usage: benchmarks/run.sh short|full [JMH arguments...]" >&2; exit 2 ;;
esac
PARTS=${PARTS:-$DEFAULT_PARTS}
STEADY="-p engine=wasmbox -f 1 -wi 12 -w 5s -i 5 -r 2s Peer(Js|Python)(Benchmarks|Workloads)[.](warmOnePlusOne|hostCallRoundTrip|invokeFunction|run)$"
OUT=benchmarks/results/$PROFILE-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
echo "run.sh: $PROFILE profile -> $OUT" >&2
for part in $PARTS; do
  case "$part" in
    # -f 0 runs the benchmarks in this JVM, so it gets the fork flags itself
    jmh) "$JAVA" $FLAGS -jar "$JAR" $JMH -rf json -rff "$OUT/jmh.json" "$@" 2>&1 | tee "$OUT/jmh.log" ;;
    steady) "$JAVA" -jar "$JAR" $STEADY -rf json -rff "$OUT/jmh-steady.json" "$@" 2>&1 | tee "$OUT/jmh-steady.log" ;;
    native) "$JAVA" $FLAGS -cp "$JAR" io.wasmbox.benchmarks.NativeReference --profile "$PROFILE" --out "$OUT/native.json" ;;
    footprint) "$JAVA" $FLAGS -cp "$JAR" io.wasmbox.benchmarks.IdleFootprint --count "$COUNT" --out "$OUT/footprint.json" ;;
    # the first minute of a JVM per configuration (WarmupTimeline): the AOT cache's training run first (same class
    # path as the forks), then a fork per configuration and benchmark, then the tables and SVG charts
    timeline)
      "$JAVA" -XX:AOTCacheOutput=benchmarks/target/timeline.aot $FLAGS -cp "$JAR" io.wasmbox.benchmarks.TimelineTraining 20
      "$JAVA" -jar "$JAR" WarmupTimeline -rf json -rff "$OUT/timeline.json" "$@" 2>&1 | tee "$OUT/timeline.log"
      "$JAVA" -cp "$JAR" io.wasmbox.benchmarks.TimelineReport "$OUT" ;;
    # the runtime line (RuntimeLineTimeline, issue 16): Chicory 1.7 against Endive 1.0, the same engines driven bare,
    # a fork per line and workload, then the tables and SVG charts (~10 minutes)
    lines)
      "$JAVA" -jar "$JAR" RuntimeLineTimeline -rf json -rff "$OUT/lines.json" "$@" 2>&1 | tee "$OUT/lines.log"
      "$JAVA" -cp "$JAR" io.wasmbox.benchmarks.TimelineReport "$OUT" lines ;;
    # the execution service under 8 closed-loop clients (ServiceThroughputBenchmarks, issue 16): the shipped service
    # jar against a process per execution; under this load C2 needs ~4 minutes to compile CPython's eval loop,
    # hence Python's longer warm-up (JavaScript is steady after ~1 minute, a process per execution at once)
    service)
      SERVICE_JAR=samples/execution-service/target/wasmbox-execution-service.jar
      if [ ! -f "$SERVICE_JAR" ] || [ -n "$(find engine-*/src wasmbox*/src samples/execution-service/src pom.xml \
          -newer "$SERVICE_JAR" -type f -print -quit 2>/dev/null)" ]; then
        ./mvnw -q -B -DskipTests package -pl samples/execution-service -am >&2
      fi
      "$JAVA" -jar "$JAR" ServiceThroughputBenchmarks -p server=process-per-execution -wi 2 \
        -rf json -rff "$OUT/service-process.json" "$@" 2>&1 | tee "$OUT/service-process.log"
      "$JAVA" -jar "$JAR" ServiceThroughputBenchmarks -p server=wasmbox-service -p language=javascript -wi 10 \
        -rf json -rff "$OUT/service-javascript.json" "$@" 2>&1 | tee "$OUT/service-javascript.log"
      "$JAVA" -jar "$JAR" ServiceThroughputBenchmarks -p server=wasmbox-service -p language=python -wi 40 \
        -rf json -rff "$OUT/service-python.json" "$@" 2>&1 | tee "$OUT/service-python.log" ;;
    *) echo "run.sh: unknown part $part" >&2; exit 2 ;;
  esac
done
"$JAVA" -cp "$JAR" io.wasmbox.benchmarks.Report "$OUT" > "$OUT/report.md"
echo "run.sh: report in $OUT/report.md (java -cp $JAR io.wasmbox.benchmarks.Report $OUT --out docs/BENCHMARKS.md updates the docs)" >&2
