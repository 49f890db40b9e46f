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
# --executor-memory, --total-executor-cores, --verbose, ...; spark-submit --help lists them).
# Everything from COMMAND on goes to the job. An option spark-submit does not know is an error.
# --version, --kill ID and --status ID need no COMMAND.
#
# Options of this script:
#   -h, --help    this text
#   --dry-run     print the command line it would run, shell-quoted, and exit (no build)
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
  # The header comment, up to the first line that is not a comment.
  awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
}

die() {
  echo "error: $*" >&2
  exit 2
}

# spark-submit's grammar (org.apache.spark.launcher.SparkSubmitOptionParser, Spark 4.1): options
# that take a value, and switches that do not. Without it an unknown switch would take COMMAND as
# its value.
SUBMIT_VALUE_OPTS=" --archives --class --conf -c --deploy-mode --driver-class-path --driver-cores
  --driver-default-class-path --driver-java-options --driver-library-path --driver-memory
  --executor-cores --executor-memory --files --jars --keytab --kill --master --remote --name
  --num-executors --packages --exclude-packages --principal --properties-file --proxy-user
  --py-files --queue --repositories --status --total-executor-cores "
SUBMIT_SWITCHES=" --help -h --supervise --usage-error --verbose -v --version --load-spark-defaults "

# Split the arguments: spark-submit options first, then the COMMAND and its arguments.
SUBMIT_OPTS=()
MASTER=""
DRIVER_MEMORY=""
DRIVER_JAVA_OPTS=""
DRY_RUN=0
NO_APP_ACTION=""  # --version, --kill, --status: spark-submit runs no application
while [ "$#" -gt 0 ]; do
  opt="$1"
  value=""
  attached=0
  case "$opt" in
    -h|--help)
      usage
      exit 0 ;;
    --dry-run)
      DRY_RUN=1
      shift
      continue ;;
    --)
      shift
      break ;;
    --?*=*)
      # --opt=value, split at the first '=' as spark-submit does.
      attached=1
      value="${opt#*=}"
      opt="${opt%%=*}" ;;
    -*) ;;
    *)
      break ;;
  esac
  if [[ "$SUBMIT_SWITCHES" == *[[:space:]]"$opt"[[:space:]]* ]]; then
    [ "$attached" = 0 ] || die "spark-submit option $opt takes no value (got $1)"
    [ "$opt" = --version ] && NO_APP_ACTION="$opt"
    SUBMIT_OPTS+=("$1")
    shift
    continue
  fi
  [[ "$SUBMIT_VALUE_OPTS" == *[[:space:]]"$opt"[[:space:]]* ]] \
    || die "unknown option $opt: spark-submit (Spark 4.1) has no such option; options for the" \
      "job go after COMMAND (see submit/cluster.sh --help)"
  if [ "$attached" = 1 ]; then
    [ -n "$value" ] || die "spark-submit option $opt needs a value (see submit/cluster.sh --help)"
    SUBMIT_OPTS+=("$1")
    shift
  else
    [ "$#" -ge 2 ] || die "spark-submit option $opt needs a value (see submit/cluster.sh --help)"
    value="$2"
    SUBMIT_OPTS+=("$1" "$2")
    shift 2
  fi
  case "$opt" in
    --master) MASTER="$value" ;;
    --driver-memory) DRIVER_MEMORY="$value" ;;
    --driver-java-options) DRIVER_JAVA_OPTS="$value" ;;
    --kill|--status) NO_APP_ACTION="$opt" ;;
    --class|--properties-file)
      die "submit/cluster.sh sets $opt itself; use SPARK_VAE_SPARK_CONF for another properties" \
        "file" ;;
  esac
done
if [ "$#" -eq 0 ] && [ -z "$NO_APP_ACTION" ]; then
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

# A dry run shows the command without building; an unbuilt jar appears under its pattern.
[ "$DRY_RUN" = 1 ] || [ "$#" -eq 0 ] || spark_vae_build_if_needed
JAR="$(spark_vae_jar)"
JAR="${JAR:-$SPARK_VAE_TARGET/spark-vae-*.jar}"

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
      ${SUBMIT_OPTS[@]+"${SUBMIT_OPTS[@]}"})
if [ "$#" -gt 0 ]; then
  ARGS+=(--class io.sparkvae.job.Main "$JAR" "$@")
fi

launch() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '%q' "$1"
    shift
    printf ' %q' "$@"
    printf '\n'
    exit 0
  fi
  exec "$@"
}

if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  launch "$SPARK_HOME/bin/spark-submit" "${ARGS[@]}"
elif [ -z "${SPARK_HOME:-}" ] && command -v spark-submit >/dev/null; then
  launch spark-submit "${ARGS[@]}"
elif [ -n "${SPARK_HOME:-}" ] && [ -d "$SPARK_HOME/jars" ]; then
  # No launcher scripts: run spark-submit's class on a JVM started here. In client mode the
  # driver is this JVM, so its heap and flags are set here.
  export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
  read -r -a EXTRA <<< "${JAVA_OPTS:-}"
  read -r -a DRIVER_EXTRA <<< "$DRIVER_JAVA_OPTS"
  launch java \
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
