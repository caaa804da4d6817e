#!/usr/bin/env bash
# Runs the Spark job in local mode from the build, with no Spark installation: Spark's jars come from the Maven
# build's class path, the JVM gets the module flags Spark's launcher would give it (spark-jvm.args).
#   spark/run-local.sh INPUT --model NAME-OR-BUNDLE --output DIR [--format csv] [--faces] [--batch N] ...
# The master is local[2] unless UNMASK_SPARK_MASTER says otherwise (e.g. local[*]); JAVA_OPTS adds JVM options.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mvn -B -q -ntp -f "$root/pom.xml" -pl spark -am package -DskipTests -Dmaven.javadoc.skip=true \
  dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/spark-classpath.txt
# shellcheck disable=SC2086
exec java @"$root/spark/spark-jvm.args" ${JAVA_OPTS:-} -Dspark.master="${UNMASK_SPARK_MASTER:-local[2]}" \
  -cp "$root/spark/target/classes:$(cat "$root/spark/target/spark-classpath.txt")" dev.unmask.spark.ScoreJob "$@"
