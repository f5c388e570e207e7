# Sourced by ./mvnw and ./wasmbox: picks a JDK 25+ into JAVA_HOME, or stops saying what to install.
# Order: JAVA_HOME when it is 25+, then Temurin 25+, then any JDK 25+ under /usr/lib/jvm.
# The JDK's release file says its version without starting a JVM (0.2 s on every launch); java -version otherwise.
wasmbox_jdk_ok() {
  [ -x "$1/bin/javac" ] || return 1
  if [ -f "$1/release" ]; then grep -Eq '^JAVA_VERSION="(2[5-9]|[3-9][0-9])' "$1/release"
  else "$1/bin/java" -version 2>&1 | head -n 1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; fi
}
if [ -z "${JAVA_HOME-}" ] || ! wasmbox_jdk_ok "$JAVA_HOME"; then
  set +f
  for wasmbox_jdk in /usr/lib/jvm/temurin-25* /usr/lib/jvm/temurin-2[6-9]* /usr/lib/jvm/*; do
    if wasmbox_jdk_ok "$wasmbox_jdk"; then JAVA_HOME=$wasmbox_jdk; export JAVA_HOME; break; fi
  done
fi
if [ -z "${JAVA_HOME-}" ] || ! wasmbox_jdk_ok "$JAVA_HOME"; then
  echo "Wasmbox needs a JDK 25 or newer (its interpreter artifacts are Java 25 class files), and none was found." >&2
  echo "Install Temurin 25 (https://adoptium.net, Debian package temurin-25-jdk) and set JAVA_HOME to it." >&2
  exit 1
fi
