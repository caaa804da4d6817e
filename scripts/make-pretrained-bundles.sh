#!/usr/bin/env bash
# Converts the four official MesoNet Keras weight files (Apache-2.0, committed as test resources with their
# LICENSE and NOTICE) into the pretrained bundles that unmask-core ships as class-path resources.
# Run from the repository root after `mvn -q -DskipTests package`; PretrainedBundlesTest checks that the
# shipped bundles equal a fresh conversion, so re-run this whenever the conversion changes.
set -euo pipefail
cd "$(dirname "$0")/.."
weights=core/src/test/resources/mesonet/weights
out=core/src/main/resources/dev/unmask/pretrained
mkdir -p "$out"
for pair in meso4-df:Meso4_DF meso4-f2f:Meso4_F2F mesoinception-df:MesoInception_DF mesoinception-f2f:MesoInception_F2F; do
  name=${pair%%:*}
  file=${pair#*:}
  java --add-modules jdk.incubator.vector -jar examples/target/unmask.jar import-keras "$weights/$file.h5" \
    -o "$out/$name.safetensors" --source "DariusAf/MesoNet weights/$file.h5" --license Apache-2.0
done
cp core/src/test/resources/mesonet/LICENSE "$out/LICENSE"
cp core/src/test/resources/mesonet/NOTICE "$out/NOTICE"
