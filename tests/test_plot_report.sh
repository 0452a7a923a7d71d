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
