#!/usr/bin/env bash
# Interleaved A/B of training steps from two tunekit jars in one JVM (each jar in its own class
# loader, libtorch shared), so that the host's drift hits both alike; a same-jar run (A/A) shows
# the harness's own noise (about 1-2% here). Prints total and median per-step time ratios B/A.
#   tools/ab-steps/run.sh A.jar B.jar [bf16|fp32] [lora: true|false] [steps]
# Build each jar with 'mvn -q -o -B -DskipTests package' and copy target/tunekit.jar away first.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
deps=$(cat "$root/target/classpath.txt")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/helper" "$out/harness"
javac -cp "$1:$deps" -d "$out/helper" "$here/StepRunner.java"
javac -d "$out/harness" "$here/AB.java"
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=268435456 MALLOC_ARENA_MAX=1
export OPENBLAS_THREAD_TIMEOUT=4
if [[ "${3:-bf16}" == bf16 ]]; then export GOMP_SPINCOUNT=30000; else export OMP_WAIT_POLICY=PASSIVE; fi
java -Xmx4g -cp "$out/harness:$deps" AB "$1" "$2" "$out/helper" "${3:-bf16}" "${4:-false}" "${5:-48}"
