#!/usr/bin/env bash
# Submits a spark-vae command to a Spark cluster through spark-submit: the thin application jar,
# class io.sparkvae.job.Main, and conf/spark-defaults.conf. Builds the jar first when it is
# missing or older than the sources.
#
#   submit/cluster.sh [SPARK-SUBMIT OPTIONS] COMMAND [COMMAND OPTIONS]
#
#   submit/cluster.sh --master spark://head:7077 --executor-memory 4g \
#     train --config conf/fashion-mnist.conf --out hdfs:///user/me/vae
#
# Options before COMMAND go to spark-submit unchanged (--master, --deploy-mode, --conf K=V,
# --executor-memory, --total-executor-cores, ...). Everything from COMMAND on goes to the job.
#
# Environment:
#   SPARK_MASTER            master URL when no --master is given (else spark-submit's default:
#                           spark.master from the cluster's spark-defaults.conf, or local[*])
#   SPARK_HOME              the Spark installation; else spark-submit on PATH
#   SPARK_VAE_SPARK_CONF    properties file instead of conf/spark-defaults.conf
#   OPENBLAS_CORETYPE       passed to the executors (spark.executorEnv.OPENBLAS_CORETYPE)
#   SPARK_DRIVER_MEMORY, JAVA_OPTS   driver heap and JVM flags when there is no bin/spark-submit
#
# Spark without bin/: when $SPARK_HOME/jars exists but $SPARK_HOME/bin/spark-submit does not
# (a SPARK_HOME made from the Maven-resolved jars, see the README), the script starts
# org.apache.spark.deploy.SparkSubmit, the class behind spark-submit, on a JVM of its own with
# the flags Spark's launcher would add.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Split the arguments: spark-submit options first, then the COMMAND and its arguments.
SUBMIT_OPTS=()
MASTER=""
DRIVER_MEMORY=""
DRIVER_JAVA_OPTS=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    -h|--help)
      usage
      exit 0 ;;
    --)
      shift
      break ;;
    --verbose|-v|--supervise|--load-spark-defaults)
      SUBMIT_OPTS+=("$1")
      shift ;;
    --*=*)
      case "$1" in
        --master=*) MASTER="${1#--master=}" ;;
        --driver-memory=*) DRIVER_MEMORY="${1#--driver-memory=}" ;;
        --driver-java-options=*) DRIVER_JAVA_OPTS="${1#--driver-java-options=}" ;;
      esac
      SUBMIT_OPTS+=("$1")
      shift ;;
    -*)
      if [ "$#" -lt 2 ]; then
        echo "error: spark-submit option $1 needs a value (see submit/cluster.sh --help)" >&2
        exit 2
      fi
      case "$1" in
        --master) MASTER="$2" ;;
        --driver-memory) DRIVER_MEMORY="$2" ;;
        --driver-java-options) DRIVER_JAVA_OPTS="$2" ;;
        --class|--properties-file)
          echo "error: submit/cluster.sh sets $1 itself; use SPARK_VAE_SPARK_CONF for another" \
            "properties file" >&2
          exit 2 ;;
      esac
      SUBMIT_OPTS+=("$1" "$2")
      shift 2 ;;
    *)
      break ;;
  esac
done
if [ "$#" -eq 0 ]; then
  echo "error: no COMMAND given (train, doctor, ...)" >&2
  usage >&2
  exit 2
fi
if [ -z "$MASTER" ] && [ -n "${SPARK_MASTER:-}" ]; then
  MASTER="$SPARK_MASTER"
  SUBMIT_OPTS+=(--master "$MASTER")
fi

PROPERTIES="${SPARK_VAE_SPARK_CONF:-$SPARK_VAE_HOME/conf/spark-defaults.conf}"
if [ ! -f "$PROPERTIES" ]; then
  echo "error: Spark properties file $PROPERTIES not found" >&2
  exit 1
fi

spark_vae_build_if_needed
JAR="$(spark_vae_jar)"

# BLAS on the executors: the core type goes to them only when the user chose it, or when they
# run on this machine (a type detected here could crash other machines' CPUs).
USER_CORETYPE="${OPENBLAS_CORETYPE:-}"
spark_vae_blas_env
if [ -n "$USER_CORETYPE" ]; then
  SUBMIT_OPTS+=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$USER_CORETYPE")
elif [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  case "$MASTER" in
    local|local\[*|local-cluster\[*|spark://127.0.0.1|spark://127.0.0.1:*|spark://localhost \
      |spark://localhost:*)
      SUBMIT_OPTS+=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE") ;;
    *)
      echo "note: executors keep OpenBLAS's own CPU detection; export OPENBLAS_CORETYPE" \
        "(this machine: $OPENBLAS_CORETYPE) if their CPUs support it" >&2 ;;
  esac
fi

ARGS=(--properties-file "$PROPERTIES" --load-spark-defaults
      ${SUBMIT_OPTS[@]+"${SUBMIT_OPTS[@]}"} --class io.sparkvae.job.Main "$JAR" "$@")

if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  exec "$SPARK_HOME/bin/spark-submit" "${ARGS[@]}"
elif [ -z "${SPARK_HOME:-}" ] && command -v spark-submit >/dev/null; then
  exec spark-submit "${ARGS[@]}"
elif [ -n "${SPARK_HOME:-}" ] && [ -d "$SPARK_HOME/jars" ]; then
  # No launcher scripts: run spark-submit's class on a JVM started here. In client mode the
  # driver is this JVM, so its heap and flags are set here.
  export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
  read -r -a EXTRA <<< "${JAVA_OPTS:-}"
  read -r -a DRIVER_EXTRA <<< "$DRIVER_JAVA_OPTS"
  exec java \
    "-Xmx${DRIVER_MEMORY:-${SPARK_DRIVER_MEMORY:-1g}}" \
    "${SPARK_VAE_JVM_FLAGS[@]}" \
    "-Dlog4j2.configurationFile=$SPARK_VAE_HOME/conf/log4j2.properties" \
    ${EXTRA[@]+"${EXTRA[@]}"} ${DRIVER_EXTRA[@]+"${DRIVER_EXTRA[@]}"} \
    -cp "$SPARK_HOME/jars/*" \
    org.apache.spark.deploy.SparkSubmit "${ARGS[@]}"
else
  echo "error: no Spark found: set SPARK_HOME to a Spark 4.1 installation (bin/spark-submit or" \
    "jars/), or put spark-submit on PATH. To run on this machine without Spark, use" \
    "submit/local.sh" >&2
  exit 1
fi
