#!/bin/sh
# Generates 100k order records and enriches them with examples/enrich.py (or enrich.js: pass "js").
set -eu
cd "$(dirname "$0")/../.."
. ./.mvn/jdk.sh
JAR=samples/transform-dsl/target/wasmbox-transform.jar
[ -f "$JAR" ] || ./mvnw -q -B -DskipTests install -pl samples/transform-dsl -am >&2
LANG_EXT=${1:-py}
OUT=${TMPDIR:-/tmp}/wasmbox-transform
mkdir -p "$OUT"
exec "$JAVA_HOME/bin/java" -XX:-DontCompileHugeMethods -XX:MaxNodeLimit=240000 -XX:NodeLimitFudgeFactor=8000 -Xss16m \
  -jar "$JAR" --script "samples/transform-dsl/examples/enrich.$LANG_EXT" --generate "${RECORDS:-100000}" \
  --input "$OUT/orders.jsonl" --output "$OUT/enriched.jsonl" --errors "$OUT/errors.jsonl" \
  --lookup rate=samples/transform-dsl/examples/rates.json
