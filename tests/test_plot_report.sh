#!/usr/bin/env bash
# tools/plot and tools/report on a small real sweep, on a copy with one run diverged and its
# metrics truncated, and on an empty folder.
# Usage: test_plot_report.sh CSGD_BINARY SOURCE_DIR
set -euo pipefail
csgd=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

/usr/bin/python3 -c "import matplotlib" 2>/dev/null ||
  fail "/usr/bin/python3 has no matplotlib: install python3-matplotlib (bash tools/setup does)"

# A three-run sweep on generated data: well under a second.
cat >"$tmp/tiny.yaml" <<'EOF'
name: tiny-sweep
seed: 3
workers: 4
problem:
  model: softmax
  dataset: {name: generated, samples: 3000, test_samples: 1000, features: 20, classes: 4, noise: 2.5}
  batch_size: 16
algorithm: {name: pr-sgd-momentum, momentum: 0.9, lr: 0.02}
timing:
  compute: {step_time: 10ms}
  network: {model: analytic, latency: 5us, bandwidth: 1Gbps}
  model_bytes: 1M params
stop: {epochs: 4}
eval: {every_epochs: 0.25}
sweep:
  algorithm.sync_interval: [1, 4, 16]
EOF
"$csgd" run "$tmp/tiny.yaml" --out "$tmp/exp" --quiet

figures=(loss_vs_epoch accuracy_vs_epoch loss_vs_time accuracy_vs_time loss_vs_rounds loss_vs_bytes)

# --- complete sweep -----------------------------------------------------------------------------
"$src/tools/plot" "$tmp/exp" >"$tmp/plot.out"
for f in "${figures[@]}"; do
  is_png "$tmp/exp/figures/$f.png" || fail "plot: $f.png missing or not a PNG"
  grep -q "$f.png" "$tmp/plot.out" || fail "plot did not print $f.png"
done

"$src/tools/report" "$tmp/exp" --target-accuracy 0.7 >/dev/null
report=$tmp/exp/REPORT.md
[ -s "$report" ] || fail "report: REPORT.md not written"
grep -q "^# tiny-sweep" "$report" || fail "report: no experiment heading"
rows=$(grep -cE '^\| (1|4|16) \|' "$report" || true)
[ "$rows" -eq 3 ] || fail "report: expected 3 table rows, found $rows"
grep -q "1× (baseline)" "$report" || fail "report: no sync_interval = 1 baseline"
grep -qi "partial" "$report" && fail "report: a complete sweep is reported as partial"
for f in "${figures[@]}"; do
  grep -q "](figures/$f.png)" "$report" || fail "report: $f.png not embedded"
done

# --- one run diverged, its metrics truncated mid-row --------------------------------------------
cp -r "$tmp/exp" "$tmp/partial"
rm -rf "$tmp/partial/figures" "$tmp/partial/REPORT.md"
run=$tmp/partial/sync_interval=4
sed -i 's/"status": "completed"/"status": "diverged"/' "$run/summary.json"
grep -q '"status": "diverged"' "$run/summary.json" || fail "could not edit summary.json"
head -c 600 "$tmp/exp/sync_interval=4/metrics.csv" >"$run/metrics.csv"

"$src/tools/plot" "$tmp/partial" >"$tmp/plot.out" 2>"$tmp/plot.err" || fail "plot failed on a partial folder"
grep -q "sync_interval=4.*diverged" "$tmp/plot.err" || fail "plot did not say that sync_interval=4 diverged"
grep -q "truncated" "$tmp/plot.err" || fail "plot did not report the truncated metrics row"
for f in "${figures[@]}"; do
  is_png "$tmp/partial/figures/$f.png" || fail "plot (partial): $f.png missing or not a PNG"
done

"$src/tools/report" "$tmp/partial" --target-accuracy 0.7 >/dev/null 2>&1
report=$tmp/partial/REPORT.md
rows=$(grep -cE '^\| (1|4|16) \|' "$report" || true)
[ "$rows" -eq 3 ] || fail "report (partial): expected 3 table rows, found $rows"
grep -qE '^\| 4 \| \*\*partial: diverged\*\*' "$report" || fail "report: sync_interval = 4 not marked partial: diverged"
grep -qE '^\| 1 \| completed \|' "$report" || fail "report: sync_interval = 1 should stay completed"
grep -q "Partial results" "$report" || fail "report: no partial-results warning"

# --- seeds: mean lines with bands, mean ± SE and paired verdicts -------------------------------
"$csgd" run "$tmp/tiny.yaml" --set seeds=3 --out "$tmp/seeds" --quiet
[ -d "$tmp/seeds/sync_interval=4/seed=5" ] || fail "seeds: no sync_interval=4/seed=5 folder (seeds 3, 4, 5 from seed: 3)"
"$src/tools/plot" "$tmp/seeds" >"$tmp/plot.out" || fail "plot failed on a seeded sweep"
for f in "${figures[@]}"; do
  is_png "$tmp/seeds/figures/$f.png" || fail "plot (seeds): $f.png missing or not a PNG"
done
"$src/tools/report" "$tmp/seeds" --target-accuracy 0.7 >/dev/null
report=$tmp/seeds/REPORT.md
rows=$(grep -cE '^\| (1|4|16) \| 3 \| [0-9.]+ ± [0-9.]+ \|' "$report" || true)
[ "$rows" -eq 3 ] || fail "report (seeds): expected 3 configuration rows with mean ± SE, found $rows"
grep -qE '^\| 16 \| 3 \|.*\(([0-3])↑ ([0-3])↓ of 3\) (higher|lower|undecided)' "$report" ||
  fail "report (seeds): no paired comparison for sync_interval = 16"
# The report (Python) and sweep-final.csv (csgd) agree on the mean final test accuracy.
expected=$(/usr/bin/python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
row = next(r for r in rows if r['config'] == 'sync_interval=16')
print(f\"{100 * float(row['final_test_accuracy_mean']):.2f}\")" "$tmp/seeds/sweep-final.csv")
grep -qE "^\| 16 \| 3 \| $expected ± " "$report" || fail "report (seeds): mean accuracy is not sweep-final.csv's $expected"
# The paired difference in the report, computed here from the seeds' own metrics.csv files.
/usr/bin/python3 - "$tmp/seeds" "$report" <<'PY' || fail "report (seeds): paired difference differs from the seeds' files"
import csv, math, re, sys
from pathlib import Path
root, report = Path(sys.argv[1]), Path(sys.argv[2]).read_text()
def final_acc(config, seed):
    rows = list(csv.DictReader(open(root / config / f"seed={seed}" / "metrics.csv")))
    return float(rows[-1]["test_accuracy"])
d = [100 * (final_acc("sync_interval=16", s) - final_acc("sync_interval=1", s)) for s in (3, 4, 5)]
mean = sum(d) / 3
se = math.sqrt(sum((x - mean) ** 2 for x in d) / 2) / math.sqrt(3)
row = next(line for line in report.splitlines() if line.startswith("| 16 | 3 |"))
shown = re.search(r"\| ([+-][0-9.]+) ± ([0-9.]+) \((\d)↑ (\d)↓ of 3\) (\w+)", row)
assert shown, row
assert abs(float(shown[1]) - mean) < 0.006 and abs(float(shown[2]) - se) < 0.006, (shown.groups(), mean, se)
assert (int(shown[3]), int(shown[4])) == (sum(x > 0 for x in d), sum(x < 0 for x in d)), (shown.groups(), d)
expected = "undecided" if abs(mean) < 2 * se or mean == 0 else ("higher" if mean > 0 else "lower")
assert shown[5] == expected, (shown[5], expected)
PY
# A finished seed folder that sweep.csv does not list (an earlier run had more seeds) is left out.
cp -r "$tmp/seeds" "$tmp/seeds-stale" && cp -r "$tmp/seeds-stale/sync_interval=16/seed=5" "$tmp/seeds-stale/sync_interval=16/seed=9"
rm -f "$tmp/seeds-stale/REPORT.md"
"$src/tools/report" "$tmp/seeds-stale" --target-accuracy 0.7 >/dev/null 2>"$tmp/stale.err"
grep -qE '^\| 16 \| 3 \| ' "$tmp/seeds-stale/REPORT.md" || fail "report: a stale seed folder was averaged in"
grep -q "sync_interval=16/seed=9.*ignored" "$tmp/seeds-stale/REPORT.md" || fail "report: the stale seed folder is not named"
# Before its first sweep.csv (killed during the first training) a seeded folder is still read.
cp -r "$tmp/seeds" "$tmp/seeds-early" && rm -rf "$tmp/seeds-early/sweep"*.csv "$tmp/seeds-early/REPORT.md"
"$src/tools/report" "$tmp/seeds-early" --target-accuracy 0.7 >/dev/null 2>&1 || fail "report: a seeded folder without sweep.csv"
rows=$(grep -cE '^\| (1|4|16) \| 3 \| [0-9.]+ ± ' "$tmp/seeds-early/REPORT.md" || true)
[ "$rows" -eq 3 ] || fail "report (seeds, no sweep.csv): expected 3 configuration rows, found $rows"
# The statistics by hand: 1, 2, 4 → mean 7/3, SE √7/3; paired and verdict.
/usr/bin/python3 - "$src/tools" <<'PY' || fail "csgd_results statistics"
import math, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import csgd_results as cr
m, se, n = cr.mean_se([1, 2, 4])
assert n == 3 and abs(m - 7 / 3) < 1e-15 and abs(se - math.sqrt(7) / 3) < 1e-15, (m, se)
assert cr.mean_se([0.05] * 3)[0] == 0.05
assert cr.paired({1: 3, 2: 5, 3: 1}, {1: 1, 2: 1}) == (3.0, 1.0, 2, 2, 0)
assert cr.verdict(1.0, 0.6, 5) == "undecided" and cr.verdict(1.0, 0.4, 5) == "higher"
assert cr.verdict(-1.0, 0.4, 5) == "lower" and cr.verdict(1.0, 0.0, 1).startswith("undecided")
inf = float("inf")
assert cr.mean_se([inf, 1, 2])[0] == inf and cr.mean_se([1, 2, inf])[0] == inf
PY

# --- a what-if study: two timing axes × algorithms → time-to-target maps and winners -------------
"$csgd" run "$tmp/tiny.yaml" --out "$tmp/whatif" --set stop.target.accuracy=0.6 \
  --set 'sweep={timing.network.bandwidth: [100Mbps, 10Gbps], timing.network.latency: [5us, 1ms], algorithm.sync_interval: [1, 16]}' \
  >"$tmp/whatif.out"
grep -q "first to the stop target per cell" "$tmp/whatif.out" || fail "csgd run: no winner table"
"$src/tools/report" "$tmp/whatif" >/dev/null
for f in time_to_target_maps target_winner_map; do
  is_png "$tmp/whatif/figures/$f.png" || fail "report (what-if): $f.png missing or not a PNG"
  grep -q "](figures/$f.png)" "$tmp/whatif/REPORT.md" || fail "report: $f.png not embedded"
done
grep -q "^First to test accuracy ≥ 60% in each cell" "$tmp/whatif/REPORT.md" || fail "report: no winner table"
rm -rf "$tmp/whatif/figures" && "$src/tools/report" "$tmp/whatif" --no-curves >/dev/null
[ "$(ls "$tmp/whatif/figures")" = "$(printf 'target_winner_map.png\ntime_to_target_maps.png')" ] ||
  fail "report --no-curves: expected only the two maps, found $(ls "$tmp/whatif/figures" | tr '\n' ' ')"
grep -q "loss_vs_epoch.png" "$tmp/whatif/REPORT.md" && fail "report --no-curves: a curve figure is embedded"
[ "$(grep -cE '^\| (100Mbps|10Gbps) \| sync_interval = 16: ' "$tmp/whatif/REPORT.md")" -eq 2 ] || fail "report: expected 2 rows of winners"

# --- empty and missing folders ------------------------------------------------------------------
mkdir "$tmp/empty"
for tool in plot report; do
  status=0
  "$src/tools/$tool" "$tmp/empty" >/dev/null 2>"$tmp/err" || status=$?
  [ "$status" -eq 2 ] || fail "$tool on an empty folder: exit $status, expected 2"
  grep -q "no csgd results" "$tmp/err" || fail "$tool on an empty folder: no message ($(cat "$tmp/err"))"
  status=0
  "$src/tools/$tool" "$tmp/does-not-exist" >/dev/null 2>"$tmp/err" || status=$?
  [ "$status" -eq 2 ] || fail "$tool on a missing folder: exit $status, expected 2"
done
[ ! -e "$tmp/empty/REPORT.md" ] || fail "report wrote a report for an empty folder"

echo "plot_report: all checks passed"
