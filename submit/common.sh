# Shared by submit/local.sh and submit/cluster.sh: project paths, the JVM flags Spark 4 needs on
# Java 17, and BLAS settings. Sourced, not executed.

SPARK_VAE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPARK_VAE_TARGET="$SPARK_VAE_HOME/target"
SPARK_VAE_CLASSPATH_FILE="$SPARK_VAE_TARGET/spark-classpath.txt"

# The flags Spark's launcher adds to the JVMs it starts (JavaModuleOptions); a JVM we start
# ourselves needs them too, or Kryo fails with InaccessibleObjectException. From the file pom.xml
# reads too: key, then one flag per continuation line.
SPARK_VAE_JVM_FLAGS=()
spark_vae_read_jvm_flags() {
  local line value="" in_value=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$in_value" = 0 ]; then
      case "$line" in
        spark.jvm.flags=*) line="${line#spark.jvm.flags=}" in_value=1 ;;
        *) continue ;;
      esac
    fi
    value+=" ${line%\\}"
    [[ "$line" == *\\ ]] || break
  done < "$SPARK_VAE_HOME/submit/jvm-flags.properties"
  read -r -a SPARK_VAE_JVM_FLAGS <<< "$value"
  [ "${#SPARK_VAE_JVM_FLAGS[@]}" -gt 0 ] \
    || { echo "error: no spark.jvm.flags in submit/jvm-flags.properties" >&2; return 1; }
}
spark_vae_read_jvm_flags

# A JVM heap size as -Xmx takes it (4g, 768m, 8G, 2097152k) in MiB; 0 when unreadable.
spark_vae_mebibytes() {
  local v="${1:-}" n unit
  [[ "$v" =~ ^([0-9]+)([kKmMgGtT]?)$ ]] || { echo 0; return 0; }
  n="${BASH_REMATCH[1]}" unit="${BASH_REMATCH[2]}"
  case "$unit" in
    k|K) echo $((n / 1024)) ;;
    m|M) echo "$n" ;;
    g|G) echo $((n * 1024)) ;;
    t|T) echo $((n * 1024 * 1024)) ;;
    *) echo $((n / 1024 / 1024)) ;;
  esac
}

# G1 flags for a local-mode JVM of this heap. With regions of 32 MB a round's vectors (2.6-7.8 MB
# for the reference MLP) are ordinary young objects instead of humongous ones, each of which had
# started a concurrent cycle on the cores the tasks use (performance.md, "Garbage collection").
# Only from 4 GiB up, where that still leaves at least 128 regions.
spark_vae_gc_flags() {
  if [ "$(spark_vae_mebibytes "${1:-}")" -ge 4096 ]; then
    echo "-XX:G1HeapRegionSize=32m"
  fi
}

spark_vae_jar() {
  local f
  for f in "$SPARK_VAE_TARGET"/spark-vae-*.jar; do
    case "$f" in *-sources.jar|*/original-*) continue ;; esac
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  return 0
}

# Builds the application jar and the Spark classpath when they are missing or older than the
# sources. Maven's output goes to target/build.log unless the build fails.
spark_vae_build_if_needed() {
  local jar
  jar="$(spark_vae_jar)"
  if [ -n "$jar" ] && [ -f "$SPARK_VAE_CLASSPATH_FILE" ] \
     && [ -z "$(find "$SPARK_VAE_HOME/src/main" "$SPARK_VAE_HOME/pom.xml" -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to build the jar; see README, Requirements" >&2; exit 1; }
  echo "building spark-vae (mvn package, tests skipped; log in target/build.log)..." >&2
  mkdir -p "$SPARK_VAE_TARGET"
  if ! (cd "$SPARK_VAE_HOME" && mvn -B -DskipTests package > "$SPARK_VAE_TARGET/build.log" 2>&1); then
    tail -n 40 "$SPARK_VAE_TARGET/build.log" >&2
    echo "error: the build failed; full log in target/build.log" >&2
    exit 1
  fi
}

# OpenBLAS kernels that match the CPU's flags, unless the user chose: Debian's OpenBLAS 0.3.21
# falls back to slow "Prescott" kernels on CPUs it does not know (32 vs 140 GFLOP/s reported on an
# Intel VM in the project's notes).
spark_vae_blas_env() {
  export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
  if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
    local flags
    flags="$(grep -m1 '^flags' /proc/cpuinfo)"
    if [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* && " $flags " == *" avx512vl "* && " $flags " == *" avx512dq "* ]]; then
      export OPENBLAS_CORETYPE=SkylakeX SPARK_VAE_CORETYPE_FROM_FLAGS=1
    elif [[ " $flags " == *" avx2 "* && " $flags " == *" fma "* ]]; then
      export OPENBLAS_CORETYPE=Haswell SPARK_VAE_CORETYPE_FROM_FLAGS=1
    fi
  fi
}
