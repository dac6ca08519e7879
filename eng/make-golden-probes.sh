#!/usr/bin/env bash
# Writes the MLP probe's golden files (tests/Entropy.MLNet.Tests/Probe/Golden/*.json): the `entropy probe --format json`
# output of a few explicit settings on the embedded MNIST subset, with 1 and 2 threads. GoldenProbeTests compares a fresh
# run against them bit for bit and cannot rewrite them; run this only when a change is MEANT to alter the numbers, and
# commit the new files in a commit of their own that says why. Needs a Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=src/Entropy.MLNet.Cli/bin/Release/net10.0/entropy.dll
out=tests/Entropy.MLNet.Tests/Probe/Golden
mkdir -p "$out"
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT

golden() {
  local name=$1; shift
  # No data directory, variable or cache: the embedded subset, whatever this machine has.
  env -u ENTROPY_MLNET_DATA XDG_DATA_HOME="$empty" HOME="$empty" \
    dotnet "$cli" probe --dataset mnist --device cpu --images 0 --format json "$@" > "$out/$name.json"
  echo "wrote $out/$name.json"
}

golden tanh-critical-w64-d10-t1 --sigma-w2 1.76 --sigma-b2 0.05 --depth 10 --width 64 --train-samples 1000 --entropy-samples 50 --seed 11 --threads 1
golden tanh-critical-w64-d10-t2 --sigma-w2 1.76 --sigma-b2 0.05 --depth 10 --width 64 --train-samples 1000 --entropy-samples 50 --seed 11 --threads 2
golden tanh-ordered-w64-d10-t1 --sigma-w2 0.5 --sigma-b2 0.05 --depth 10 --width 64 --train-samples 1000 --entropy-samples 50 --seed 12 --threads 1
golden tanh-chaotic-wide-d5-t2 --sigma-w2 4.0 --sigma-b2 0.05 --depth 5 --width wide --train-samples 640 --entropy-samples 30 --seed 13 --threads 2
golden relu-w48-d6-t1 --sigma-w2 2.0 --sigma-b2 0.05 --depth 6 --width 48 --activation relu --train-samples 800 --entropy-samples 40 --seed 14 --threads 1
