#!/usr/bin/env bash
# Spark's start-up overhead (BENCHMARKS.md): a job of one 256 x 256 pair in this JVM and with
# Spark local[1] / local[2], both libtorch thread settings, rounds interleaved. Needs the run
# that spark-throughput.sh makes.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
F="$ROOT/fadconv"
WORK="${WORK:-/tmp/fadconv-bench}"
RUN="${RUN:-$WORK/qs/runs/fadconv_k4_p16}"
D="$WORK/pair256"
if [ ! -f "$D/pairs.csv" ]; then
  "$F" synth --scenes 1 --size 256 --parts gid,gid-t2 --seed 5 --out "$D" > /dev/null
  printf 'id,before,after\ns,gid/image/scene_000.tif,gid-t2/image/scene_000.tif\n' > "$D/pairs.csv"
fi
for round in 1 2; do
  for env in omp1 default; do
    for mode in local spark1 spark2; do
      case $mode in local) extra=();; spark1) extra=(--spark 'local[1]');; spark2) extra=(--spark 'local[2]');; esac
      if [ "$env" = omp1 ]; then export OMP_NUM_THREADS=1; else unset OMP_NUM_THREADS; fi
      O="$WORK/small-$env-$mode"
      "$F" cna --run "$RUN" --pairs "$D/pairs.csv" --out "$O" "${extra[@]}" --mmu 50 > "$O.log" 2>&1
      echo "round $round $env $mode $(grep -E 'mapped, .* megapixels/s' "$O.log")"
    done
  done
done
