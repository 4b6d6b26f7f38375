#!/bin/sh
# Validation of `mollifier storm` on synthetic nuclei with known k (docs/storm.md): the held-out nuclei of
# examples/table2 (drawn k, simulated at interface length 0.15 by examples/table2/rd-instances.sh into
# results/table2/held-out/), localisations drawn with the nucleus's own seed, the whole pipeline with its defaults
# (chosen on the tuning nuclei by bench/storm-tuning.mjs) and the synthetic labelling's calibration.
# Run from the repository root: sh examples/storm/validate.sh [set] [seeds...]
set -e
set_name=${1:-held-out}
[ $# -gt 0 ] && shift
seeds=${*:-100 101 102 103 104}
for seed in $seeds; do
  nucleus=results/table2/$set_name/rd-seed-$seed
  out=results/storm/$set_name/seed-$seed
  mkdir -p results/storm/$set_name
  bin/mollifier storm-simulate "$nucleus" --out "$out.csv" --seed "$seed"
  bin/mollifier storm "$out.csv" --out "$out" --periodic --origin 0,0 --truth "$out.csv.truth.csv" \
    --interface-length 0.15 --calibration 4000
done
