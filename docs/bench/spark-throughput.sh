#!/usr/bin/env bash
# Batch CNA throughput (BENCHMARKS.md, "Batch CNA on Apache Spark"): 4 pairs of 1024 x 1024
# (8.39 MP, both dates) mapped by the quickstart's FADConv run in this JVM, Spark local[1] and
# local[2], with one libtorch thread per task (OMP_NUM_THREADS=1) and libtorch's default; rounds
# interleaved; wall and CPU seconds of each process. Makes what it needs under $WORK (/tmp/fadconv-bench).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
F="$ROOT/fadconv"
WORK="${WORK:-/tmp/fadconv-bench}"
RUN="${RUN:-$WORK/qs/runs/fadconv_k4_p16}"
ROUNDS="${ROUNDS:-3}"
mkdir -p "$WORK"
[ -d "$RUN" ] || "$F" quickstart --epochs 2 --out "$WORK/qs" > "$WORK/quickstart.log"
D="$WORK/pairs1k"
if [ ! -f "$D/pairs.csv" ]; then
  "$F" synth --scenes 4 --size 1024 --parts gid,gid-t2 --seed 4 --out "$D" > /dev/null
  printf 'id,before,after,region\n' > "$D/pairs.csv"
  for i in 0 1 2 3; do
    echo "p$i,gid/image/scene_00$i.tif,gid-t2/image/scene_00$i.tif,r$((i%2))" >> "$D/pairs.csv"
  done
fi
grep -m1 'model name' /proc/cpuinfo
for round in $(seq "$ROUNDS"); do
  for cfg in omp1:local omp1:spark1 omp1:spark2 default:local default:spark1; do
    env=${cfg%%:*}; mode=${cfg##*:}
    case $mode in local) extra=();; spark1) extra=(--spark 'local[1]');; spark2) extra=(--spark 'local[2]');; esac
    if [ "$env" = omp1 ]; then export OMP_NUM_THREADS=1; else unset OMP_NUM_THREADS; fi
    O="$WORK/out-$env-$mode"
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$F" cna --run "$RUN" --pairs "$D/pairs.csv" \
        --out "$O" "${extra[@]}" --mmu 50 > "$O.log" 2>&1
    read -r e u s < "$WORK/time"
    echo "round $round $env $mode wall=$e cpu=$(echo "$u + $s" | bc) load=$(cut -d' ' -f1 /proc/loadavg)" \
        "$(grep -E 'mapped, .* megapixels/s' "$O.log") pairs: $(grep -oE 'mapped in [0-9.]+ s' "$O.log" | grep -oE '[0-9.]+' | tr '\n' ' ')"
  done
done
for c in omp1-spark1 omp1-spark2 default-local default-spark1; do
  for i in 0 1 2 3; do
    cmp -s "$WORK/out-omp1-local/p$i/change.tif" "$WORK/out-$c/p$i/change.tif" || echo "p$i $c DIFFERS"
  done
done
