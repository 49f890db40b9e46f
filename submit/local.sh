#!/usr/bin/env bash
# Runs a spark-vae command on this machine in Spark local mode, from the Maven-built jar and the
# Spark jars Maven resolved: no Spark installation needed. Builds them first when missing.
#
#   submit/local.sh --help              list the commands
#   submit/local.sh COMMAND --help      a command's options
#
# Environment: SPARK_VAE_DRIVER_MEMORY (JVM heap, default 4g; 2g for bench-scale, whose
# measurement is defined for a 2 GiB driver; from 4 GiB up G1 gets 32 MB regions, see
# spark_vae_gc_flags), JAVA_OPTS (extra JVM flags, after ours, so they win),
# OPENBLAS_CORETYPE / OPENBLAS_NUM_THREADS (set from the CPU's flags / to 1 when unset).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

spark_vae_build_if_needed
spark_vae_blas_env
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

JAR="$(spark_vae_jar)"
DEFAULT_MEMORY=4g
if [ "${1:-}" = bench-scale ]; then
  DEFAULT_MEMORY=2g
fi
MEMORY="${SPARK_VAE_DRIVER_MEMORY:-$DEFAULT_MEMORY}"
read -r -a GC <<< "$(spark_vae_gc_flags "$MEMORY")"
read -r -a EXTRA <<< "${JAVA_OPTS:-}"
exec java \
  "-Xmx$MEMORY" \
  ${GC[@]+"${GC[@]}"} \
  "${SPARK_VAE_JVM_FLAGS[@]}" \
  "-Dsparkvae.home=$SPARK_VAE_HOME" \
  "-Dlog4j2.configurationFile=$SPARK_VAE_HOME/conf/log4j2.properties" \
  ${EXTRA[@]+"${EXTRA[@]}"} \
  -cp "$JAR:$(cat "$SPARK_VAE_CLASSPATH_FILE")" \
  io.sparkvae.job.Main "$@"
