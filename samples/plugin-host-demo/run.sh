#!/bin/sh
# Runs the plugin host demo: builds it on first use (or when sources changed), then runs it on a JDK 25.
#   samples/plugin-host-demo/run.sh                      the plugins next to this script, default inputs
#   samples/plugin-host-demo/run.sh DIR "some text" ...  another plugins directory, your inputs
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
. ./.mvn/jdk.sh
JAR=samples/plugin-host-demo/target/plugin-host-demo-all.jar
if [ ! -f "$JAR" ] || [ -n "$(find engine-* plugin-host samples/plugin-host-demo/src samples/plugin-host-demo/pom.xml pom.xml -newer "$JAR" \( -name '*.java' -o -name '*.py' -o -name '*.js' -o -name 'pom.xml' \) -print -quit 2>/dev/null)" ]; then
  echo "plugin-host-demo: building (the first run takes a few minutes)..." >&2
  ./mvnw -q -B -DskipTests install -pl samples/plugin-host-demo -am >&2
fi
[ $# -gt 0 ] || set -- "$HERE/plugins"
exec "$JAVA_HOME/bin/java" ${WASMBOX_JAVA_OPTS:--XX:-DontCompileHugeMethods -XX:MaxNodeLimit=240000 -XX:NodeLimitFudgeFactor=8000} \
  -Xss16m -jar "$JAR" "$@"
