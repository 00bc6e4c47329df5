# Sourced by Cairn's scripts: finds a JDK >= 21 and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*.

cairn_java_major() {
  # prints the major version of the java binary $1, or nothing: from the JDK's release file when
  # it has one (reading it costs nothing; starting a JVM to ask costs ~0.2 s on every command)
  local home v
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -n 1)
    if [ -n "$v" ]; then echo "$v"; return; fi
  fi
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

# JVM flags of the cairn command itself (a one-shot process, not a daemon): C1 with one compiler
# thread (C2's work, and a second compiler thread, only compete with the command on a small host),
# the serial collector, JVM warnings on stderr so they never mix with a command's output, and the
# class archive bin/build trains (`cairn_cli_archive`) when it is newer than the jar. The
# command's arguments follow the jar: `crush test` and `crush bench` spend seconds in one hot
# loop, where C2's code maps ~15% faster than C1's for what it costs to compile.
cairn_cli_flags() {
  local jar=$1 archive mem_kib prev="" arg jit=(-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1)
  shift
  for arg in "$@"; do
    if [ "$prev" = crush ] && { [ "$arg" = test ] || [ "$arg" = bench ]; }; then
      jit=()
    fi
    prev=$arg
  done
  CAIRN_CLI_FLAGS=("${jit[@]}" -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr)
  # Netty's leak detector records a stack trace for one buffer in 128 (as daemons, off)
  CAIRN_CLI_FLAGS+=(-Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled)
  # a young generation that holds 16 object reads or writes of 4 MiB in flight, so `rados bench`
  # does not copy them into the old generation and collect it whole (it doubled read throughput);
  # reserved, not touched, by a command that allocates little
  mem_kib=$(awk '/^MemTotal:/{print $2}' /proc/meminfo 2>/dev/null || echo 0)
  if [ "${mem_kib:-0}" -ge 4194304 ]; then
    CAIRN_CLI_FLAGS+=(-Xmn512m)
  fi
  archive=$(cairn_cli_archive "$jar")
  if [ -f "$archive" ] && [ "$archive" -nt "$jar" ]; then
    if [ "${CAIRN_JAVA_MAJOR:-0}" -ge 25 ]; then
      CAIRN_CLI_FLAGS+=(-XX:AOTCache="$archive")
    else
      CAIRN_CLI_FLAGS+=(-XX:SharedArchiveFile="$archive")
    fi
  fi
}

# The class archive beside the jar: an AOT cache (JDK 25+: classes loaded and linked, with method
# profiles) or, before 25, a dynamic CDS archive (classes parsed and verified).
cairn_cli_archive() {
  if [ "${CAIRN_JAVA_MAJOR:-0}" -ge 25 ]; then echo "${1%.jar}-cli.aot"; else echo "${1%.jar}-cli.jsa"; fi
}

# Flags that make the archive while running one training command.
cairn_cli_archive_output_flags() {
  local archive
  archive=$(cairn_cli_archive "$1")
  if [ "${CAIRN_JAVA_MAJOR:-0}" -ge 25 ]; then
    echo "-XX:AOTCacheOutput=$archive"
  else
    echo "-XX:ArchiveClassesAtExit=$archive"
  fi
}
