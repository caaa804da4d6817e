#!/usr/bin/env bash
# Images per second: the Spark job in local[2] against `unmask detect` in one JVM (ScoringThroughput's Javadoc).
# JAVA_OPTS adds options to the JVM that runs the job (e.g. -Dunmask.threads=1: one kernel thread per task).
#   spark/run-benchmark.sh [images] [rounds] [model]      (defaults: 2000 2 meso4-df)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -pl examples,spark -am package -DskipTests -Dmaven.javadoc.skip=true \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/spark-test-classpath.txt
echo "commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), $(java -version 2>&1 | head -1)"
java @spark/spark-jvm.args -Xmx4g ${JAVA_OPTS:-} \
  -cp "spark/target/test-classes:spark/target/classes:$(cat spark/target/spark-test-classpath.txt)" \
  dev.unmask.spark.ScoringThroughput "${1:-2000}" "${2:-2}" "${3:-meso4-df}" examples/target/unmask.jar
