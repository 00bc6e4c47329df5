# Sourced by Cairn's scripts: finds a JDK >= 21 and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*.

cairn_java_major() {
  # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}

cairn_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in /usr/lib/jvm/*/bin/java; do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    major=$(cairn_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      JAVA="$c"
      if [ -x "$(dirname "$c")/javac" ]; then
        JAVA_HOME=$(cd "$(dirname "$c")/.." && pwd -P)
      fi
      export JAVA JAVA_HOME
      CAIRN_JAVA_MAJOR=$major
      return 0
    fi
  done
  echo "cairn: needs a JDK 21 or newer; none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
  echo "cairn: install one (e.g. apt-get install openjdk-21-jdk-headless, or Temurin 21+) and set JAVA_HOME." >&2
  return 1
}

# JVM flags every Cairn JVM needs (lmdbjava, Netty); the Unsafe flag only exists on JDK 24+.
cairn_jvm_flags() {
  CAIRN_JVM_FLAGS=(--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --enable-native-access=ALL-UNNAMED)
  if [ "${CAIRN_JAVA_MAJOR:-0}" -ge 24 ]; then
    CAIRN_JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
  fi
}
