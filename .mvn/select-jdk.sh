# Sourced by ./mvnw before it starts Maven. POSIX sh.
#
# Fanout builds with JDK 21+ (Error Prone 2.43+ runs inside javac and needs 21+), while many
# machines default to an older java. If JAVA_HOME (or the java on PATH) is older than 21, look
# for a JDK 21+ in the usual places, take the newest, and say so on stderr. If none is found,
# stop at once with a message that says what to set. FANOUT_JDK, if set, wins over everything.

fanout_java_major() {
  # Prints the feature version of the java binary $1 (17, 21, 25, ...), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = //p' | sed 's/^1\.//' | head -n 1
}

fanout_select_jdk() {
  if [ -n "${FANOUT_JDK-}" ]; then
    if [ ! -x "$FANOUT_JDK/bin/javac" ]; then
      echo "mvnw: FANOUT_JDK=$FANOUT_JDK is not a JDK (no bin/javac)." >&2
      exit 1
    fi
    JAVA_HOME=$FANOUT_JDK
    export JAVA_HOME
    return 0
  fi
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    current=$JAVA_HOME/bin/java
  else
    current=$(command -v java 2>/dev/null || true)
  fi
  if [ -n "$current" ]; then
    major=$(fanout_java_major "$current")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      return 0
    fi
  fi
  best=""
  best_major=0
  set +f # mvnw runs with globbing off; the search below needs it
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$home/bin/javac" ] || continue
    m=$(fanout_java_major "$home/bin/java")
    [ -n "$m" ] || continue
    if [ "$m" -ge 21 ] 2>/dev/null && [ "$m" -gt "$best_major" ]; then
      best=$home
      best_major=$m
    fi
  done
  set -f
  if [ -z "$best" ]; then
    echo "mvnw: Fanout needs JDK 21 or newer to build; found ${major:-no} java at ${current:-nowhere}." >&2
    echo "mvnw: install one (JDK 25 is what CI uses) and set JAVA_HOME to it, for example:" >&2
    echo "mvnw:   export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64" >&2
    echo "mvnw: or set FANOUT_JDK to its home." >&2
    exit 1
  fi
  echo "mvnw: java at ${current:-nowhere} is ${major:-unknown}; using JDK $best_major at $best" >&2
  JAVA_HOME=$best
  export JAVA_HOME
}

fanout_find_jdk() {
  # Prints the home of an installed JDK whose feature version is $1 (FANOUT_JDK$1, if set, first),
  # or nothing and returns 1. Used by scripts that need one exact JDK (.ci/run, runtime/stress).
  eval "want=\${FANOUT_JDK$1-}"
  set +f
  for home in $want /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$home/bin/javac" ] || continue
    if [ "$(fanout_java_major "$home/bin/java")" = "$1" ]; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

fanout_select_jdk
