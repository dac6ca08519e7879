#!/usr/bin/env bash
# Generates the ground-truth dataset of docs/ground-truth.md, one directory per set under $GT_OUT, in priority order.
# Resumable: every finished training is on disk (trials.csv), so running this script again continues every set where
# it stopped. Workers take the next set that no other worker holds (flock), so two workers never write one directory.
#
#   ENTROPY="dotnet /path/to/entropy.dll" ENTROPY_DATA_DIR=/path/to/data GT_OUT=/path/to/out bash generate.sh
#
# Variables: ENTROPY (the CLI command, default "entropy"), ENTROPY_DATA_DIR (required: mnist/, fashion-mnist/,
# cifar10/), GT_OUT (default runs/ground-truth), GT_WORKERS (parallel processes, default 2), GT_THREADS (TorchSharp
# threads per process, default 1), GT_ONLY (optional: run only the sets whose name matches this extended regex).
set -u
ENTROPY=${ENTROPY:-entropy}
DATA=${ENTROPY_DATA_DIR:?set ENTROPY_DATA_DIR to the directory that holds mnist/, fashion-mnist/ and cifar10/}
OUT=${GT_OUT:-runs/ground-truth}
WORKERS=${GT_WORKERS:-2}
THREADS=${GT_THREADS:-1}
ONLY=${GT_ONLY:-.}
mkdir -p "$OUT"

# name, then the options that differ from the protocol's defaults (tanh, width 128, sigma_b^2 0.05,
# sigma_w^2 0.25:4.0:0.25, 500 SGD steps, bisection over depths 2..100).
sets() {
  cat <<'LIST'
mnist-seed1 --dataset mnist --seed 1
mnist-seed2 --dataset mnist --seed 2
fashion-mnist-seed1 --dataset fashion-mnist --seed 1
cifar10-gray-seed1 --dataset cifar10-gray --seed 1
mnist-scan-seed1 --dataset mnist --seed 1 --search scan --scan-step 5 --sigma-w2 1.0,1.75,2.5,3.5
fashion-mnist-seed2 --dataset fashion-mnist --seed 2
mnist-width32-seed1 --dataset mnist --seed 1 --width 32
mnist-gelu-seed1 --dataset mnist --seed 1 --activation gelu
cifar10-gray-seed2 --dataset cifar10-gray --seed 2
mnist-long-seed1 --dataset mnist --seed 1 --steps 2000
LIST
}

stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

worker() {
  local id=$1 name args rc
  while read -r name args; do
    [[ $name =~ $ONLY ]] || continue
    exec 9>"$OUT/$name.lock"
    if flock -n 9; then
      echo "$(stamp) worker $id start $name: $ENTROPY groundtruth $args --data-dir $DATA --threads $THREADS --out $OUT/$name" >> "$OUT/progress.log"
      # shellcheck disable=SC2086 # $ENTROPY and $args are word lists on purpose
      $ENTROPY groundtruth $args --data-dir "$DATA" --threads "$THREADS" --out "$OUT/$name" >> "$OUT/$name.log" 2>&1
      rc=$?
      echo "$(stamp) worker $id end $name rc=$rc" >> "$OUT/progress.log"
      flock -u 9
    fi
    exec 9>&-
  done < <(sets)
}

for ((w = 1; w <= WORKERS; w++)); do
  worker "$w" &
  sleep 5
done
wait
echo "$(stamp) all workers done" >> "$OUT/progress.log"
