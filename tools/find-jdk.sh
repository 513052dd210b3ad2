#!/usr/bin/env bash
# Prints the home of a JDK >= 25 (FFM is final since 22; the build targets 25): $JAVA_HOME if
# it qualifies, else the newest under /usr/lib/jvm. The machine's default java may be older.
set -euo pipefail
major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
for home in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
  home=${home%/}
  [ -n "$home" ] && [ -x "$home/bin/javac" ] || continue
  v=$(major "$home")
  if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ]; then echo "$home"; exit 0; fi
done
echo "no JDK 25 or newer found (set JAVA_HOME, or install Temurin 25 under /usr/lib/jvm)" >&2
exit 1
