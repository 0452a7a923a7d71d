#!/usr/bin/env bash
# csgd under mpirun (Open MPI): one run's workers spread over R = 1..4 ranks write the same bytes
# as one process, for every algorithm; runs dealt to groups of ranks (--sweep-ranks G) likewise,
# seeds' means included; bad input is reported once with exit 2; a rank killed mid-run stops the
# whole job within seconds.
# Usage: test_mpi.sh CSGD_BINARY SOURCE_DIR MPIRUN
set -euo pipefail
csgd=$1
src=$2
mpirun=("$3" --oversubscribe)
[ "$(id -u)" -eq 0 ] && mpirun+=(--allow-run-as-root)  # CI runs as root; Open MPI refuses it otherwise
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every file of two results folders equal, wall-clock fields aside.
same_results() {
  python3 - "$1" "$2" <<'PY'
import csv, json, os, sys
a, b = sys.argv[1:3]
def strip(o):
    if isinstance(o, dict): return {k: strip(v) for k, v in o.items() if k not in ('wall_s', 'profile_s', 'samples_per_s', 'threads')}
    if isinstance(o, list): return [strip(v) for v in o]
    return o
def rows(p):
    r = list(csv.reader(open(p))); keep = [i for i, c in enumerate(r[0]) if not c.startswith('wall_s')]  # also wall_s_mean, wall_s_se
    return [[x[i] for i in keep] for x in r]
def files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs if f != '.csgd.lock')
fa, fb = files(a), files(b)
if fa != fb: sys.exit(f'different files: {sorted(set(fa) ^ set(fb))}')
for f in fa:
    pa, pb = os.path.join(a, f), os.path.join(b, f)
    if f.endswith('.csv'): same = rows(pa) == rows(pb)
    elif f.endswith('.json'): same = strip(json.load(open(pa))) == strip(json.load(open(pb)))
    else: same = open(pa, 'rb').read() == open(pb, 'rb').read()
    if not same: sys.exit(f'{f} differs between {a} and {b}')
print(f'{len(fa)} files identical')
PY
}

# The byte-identity matrix: every algorithm (Algorithm 1 with Options I and II, both baselines,
# Algorithm 2 on a ring, a torus and a W file) with N = 6 workers on 1..4 ranks (blocks of 2,2,1,1
# on 4), against one process on 2 threads. Non-IID shards, a subsampled train loss over several
# 512-row chunks per rank, ||∇f||² at every evaluation and Remark 2's random iterate exercise the
# spread evaluation; Algorithm 2's W file is irregular (each rank talks to different ranks).
cat >"$tmp/W.txt" <<'W'
0.5  0.25 0    0    0.25 0
0.25 0.25 0.5  0    0    0
0    0.5  0.25 0.25 0    0
0    0    0.25 0.5  0    0.25
0.25 0    0    0    0.5  0.25
0    0    0    0.25 0.25 0.5
W
cat >"$tmp/matrix.yaml" <<YAML
name: matrix
seed: 3
workers: 6
problem: {model: mlp, hidden: [16], batch_size: 8, eval_train_samples: 2500, partition: shards,
          dataset: {name: generated, samples: 3000, test_samples: 1100, features: 12, classes: 4}}
algorithm: {name: pr-sgd-momentum, momentum: 0.9, lr: 0.05, output_iterate: random}
timing: {compute: {step_time: 10ms}, network: {model: analytic, latency: 5us, bandwidth: 10Gbps}}
stop: {iterations: 24}
eval: {every_iterations: 5, grad_norm: true}
sweep:
  algorithm:
    - {nesterov: false, sync_interval: 3}
    - {nesterov: true, sync_interval: 3}
    - {name: local-sgd-reset-momentum, sync_interval: 3}
    - {name: local-sgd-local-momentum, sync_interval: 3}
    - {name: decentralized-momentum, mixing: ring}
    - {name: decentralized-momentum, mixing: torus}
    - {name: decentralized-momentum, mixing: {topology: file, file: $tmp/W.txt}}
YAML
# Theorem-style synthetic runs: (1/T) Σ ||∇f(x̄)||² is summed every iteration.
cat >"$tmp/synthetic.yaml" <<YAML
name: synthetic
seed: 5
workers: 5
problem: {model: synthetic, dimension: 40, sigma: 0.5, kappa: 2}
algorithm: {name: pr-sgd-momentum, momentum: 0.8, nesterov: true, lr: 0.05}
timing: {compute: {step_time: 1ms}, network: {model: analytic, latency: 5us, bandwidth: 10Gbps}}
stop: {iterations: 30}
eval: {every_iterations: 7}
sweep:
  algorithm: [{sync_interval: 4}, {name: decentralized-momentum, mixing: ring}]
YAML
# Each rank keeps only the rows its workers and evaluation chunks touch: every partition scheme,
# and the whole train set evaluated (contiguous chunks read in place).
cat >"$tmp/partitions.yaml" <<YAML
name: partitions
seed: 4
workers: 5
problem: {model: softmax, batch_size: 6, eval_train_samples: full,
          dataset: {name: generated, samples: 2600, test_samples: 300, features: 10, classes: 5}}
algorithm: {name: pr-sgd-momentum, momentum: 0.9, sync_interval: 2, lr: 0.1}
timing: {compute: {step_time: 10ms}, network: {model: analytic, latency: 5us, bandwidth: 10Gbps}}
stop: {iterations: 12}
eval: {every_iterations: 4, grad_norm: true}
sweep:
  problem.partition: [iid, contiguous, shards, {scheme: dirichlet, alpha: 0.3}]
YAML
for file in matrix synthetic partitions; do
  "$csgd" run "$tmp/$file.yaml" --threads 2 --quiet --out "$tmp/$file-alone"
  for R in 1 2 3 4; do
    "${mpirun[@]}" -n "$R" "$csgd" run "$tmp/$file.yaml" --threads 1 --quiet --out "$tmp/$file-$R" ||
      fail "$file: mpirun -n $R exited $?"
    same_results "$tmp/$file-alone" "$tmp/$file-$R" || fail "$file: workers over $R ranks differ from one process"
  done
done
# Sweep groups of 2 ranks: 2 groups on 4 ranks, each run's workers over its group's 2 ranks.
"${mpirun[@]}" -n 4 "$csgd" run "$tmp/matrix.yaml" --threads 1 --quiet --sweep-ranks 2 --out "$tmp/matrix-groups" ||
  fail "--sweep-ranks 2 on 4 ranks exited $?"
same_results "$tmp/matrix-alone" "$tmp/matrix-groups" || fail "--sweep-ranks 2 differs from one process"

# The what-if study cut short, with two seeds: 6 trainings × 2 seeds driving 120 clocks.
study="$src/experiments/whatif/topology-bandwidth.yaml"
short=(--set stop.epochs=0.2 --set seeds=2 --threads 1 --quiet)
"$csgd" run "$study" "${short[@]}" --out "$tmp/alone"
for R in 1 2 3; do
  "${mpirun[@]}" -n "$R" "$csgd" run "$study" "${short[@]}" --sweep-ranks 1 --out "$tmp/ranks$R" ||
    fail "mpirun -n $R exited $?"
  same_results "$tmp/alone" "$tmp/ranks$R" || fail "$R ranks did not write what one process writes"
done
[ -s "$tmp/ranks3/sweep-summary.csv" ] && [ -s "$tmp/ranks3/sweep-final.csv" ] || fail "seeds' means missing"
# The clock alone (--timing-only: one group per run) and --dry-run (writes nothing) likewise.
"$csgd" run "$study" --timing-only --quiet --out "$tmp/clock-alone"
"${mpirun[@]}" -n 2 "$csgd" run "$study" --timing-only --quiet --sweep-ranks 1 --out "$tmp/clock-ranks" ||
  fail "--timing-only under mpirun exited $?"
same_results "$tmp/clock-alone" "$tmp/clock-ranks" || fail "--timing-only on 2 ranks differs from one process"
"${mpirun[@]}" -n 2 "$csgd" run "$study" --dry-run --sweep-ranks 1 --out "$tmp/dry" >"$tmp/dry.log" 2>&1 ||
  fail "--dry-run under mpirun exited $?"
[ "$(grep -c '^dry run: 60 runs valid' "$tmp/dry.log")" -eq 1 ] || { cat "$tmp/dry.log"; fail "dry run not reported once"; }
[ ! -e "$tmp/dry" ] || fail "--dry-run wrote $tmp/dry"

# Bad input: exit 2 from the job, the message once (not once per rank), nothing written.
set +e
"${mpirun[@]}" -n 3 "$csgd" run "$study" --set workers=abc --sweep-ranks 1 --out "$tmp/bad" >"$tmp/bad.log" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] || { cat "$tmp/bad.log"; fail "bad input under mpirun exited $code, expected 2"; }
[ "$(grep -c 'csgd: error: .*workers: expected an integer' "$tmp/bad.log")" -eq 1 ] ||
  { cat "$tmp/bad.log"; fail "bad input not reported exactly once"; }
[ ! -e "$tmp/bad" ] || fail "bad input wrote $tmp/bad"
# More ranks than workers, and groups that do not divide the job: refused before any work.
set +e
"${mpirun[@]}" -n 3 "$csgd" run "$tmp/matrix.yaml" --set workers=2 --out "$tmp/refused" >"$tmp/refused.log" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] && [ "$(grep -c 'N = 2 workers cannot be dealt to 3 ranks' "$tmp/refused.log")" -eq 1 ] ||
  { cat "$tmp/refused.log"; fail "N < R not refused once"; }
[ ! -e "$tmp/refused" ] || fail "N < R wrote $tmp/refused"
set +e
"${mpirun[@]}" -n 3 "$csgd" run "$tmp/matrix.yaml" --sweep-ranks 2 --out "$tmp/refused" >"$tmp/refused.log" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] && grep -q "does not divide the job's 3 ranks" "$tmp/refused.log" || { cat "$tmp/refused.log"; fail "G ∤ R not refused"; }

# The other commands would do their whole work once per rank: refused.
set +e
"${mpirun[@]}" -n 2 "$csgd" topo ring --workers 4 >"$tmp/topo.log" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] && [ "$(grep -c 'only `csgd run` uses MPI ranks' "$tmp/topo.log")" -eq 1 ] ||
  { cat "$tmp/topo.log"; fail "csgd topo under mpirun not refused once"; }

# A rank killed mid-run stops the job within seconds, with a non-zero exit code; the run's
# metrics so far are kept and its summary says "interrupted" (rank 0, stuck in MPI waiting for the
# dead rank, is stopped by mpirun's SIGTERM, whose handler puts the ready summary in place).
sed '/^sweep:/,$d' "$tmp/matrix.yaml" >"$tmp/long.yaml"  # one run: Algorithm 1, Option I
"${mpirun[@]}" -n 2 "$csgd" run "$tmp/long.yaml" --set stop.iterations=100000000 --set algorithm.sync_interval=3 \
  --threads 1 --quiet --out "$tmp/killed" >"$tmp/killed.log" 2>&1 &
job=$!
victim=""
run="$tmp/killed/run"
for _ in $(seq 600); do  # wait (up to 60 s on a loaded machine) for rank 1 to be up and training (a few metrics rows)
  for p in $(pgrep -f "$tmp/killed" || true); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then victim=$p; fi
  done
  [ -n "$victim" ] && [ -f "$run/metrics.csv" ] && [ "$(wc -l <"$run/metrics.csv")" -gt 5 ] && break
  sleep 0.1
done
[ -n "$victim" ] || fail "rank 1 never started"
start=$(date +%s)  # how long the job takes to stop, from the kill
kill -9 "$victim"
set +e
wait "$job"
code=$?
set -e
elapsed=$(($(date +%s) - start))
[ "$code" -ne 0 ] || fail "the job exited 0 after a rank was killed"
[ "$elapsed" -lt 60 ] || fail "the job took ${elapsed}s to stop after a rank was killed"
grep -q '"status": "interrupted"' "$run/summary.json" || { cat "$run/summary.json"; fail "the killed run is not marked interrupted"; }
[ "$(wc -l <"$run/metrics.csv")" -gt 5 ] || fail "the killed run lost its metrics"
# Ctrl-C at mpirun (which passes the ranks SIGTERM, then SIGKILL after a grace period) stops the
# run as Ctrl-C stops one process: every rank stops at the same iteration, the run is marked
# interrupted and keeps its metrics. (Its model.npy too, unless mpirun's SIGKILL comes first on a
# loaded machine: not asserted.)
"${mpirun[@]}" -n 2 "$csgd" run "$tmp/long.yaml" --set stop.iterations=100000000 --set algorithm.sync_interval=3 \
  --threads 1 --quiet --out "$tmp/ctrlc" >"$tmp/ctrlc.log" 2>&1 &
job=$!
for _ in $(seq 600); do  # up to 60 s on a loaded machine
  [ -f "$tmp/ctrlc/run/metrics.csv" ] && [ "$(wc -l <"$tmp/ctrlc/run/metrics.csv")" -gt 5 ] && break
  sleep 0.1
done
kill -INT "$job"
set +e
wait "$job"
set -e
grep -q '"status": "interrupted"' "$tmp/ctrlc/run/summary.json" || fail "Ctrl-C under mpirun: run not marked interrupted"
[ "$(wc -l <"$tmp/ctrlc/run/metrics.csv")" -gt 5 ] || fail "Ctrl-C under mpirun: metrics lost"
echo "mpi: workers over 1-4 ranks and groups of 2 identical to one process (7 algorithm variants + synthetic); bad input reported once; killed rank stopped the job (exit $code, ${elapsed}s, run marked interrupted); Ctrl-C marks the run interrupted"
