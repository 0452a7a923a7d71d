"""Loading csgd results folders, shared by tools/plot and tools/report.

A results folder is one of
  - a run folder: metrics.csv, summary.json, config.resolved.yaml (any of them);
  - an experiment folder: run subfolders and, for a sweep, sweep.csv;
  - a folder of experiment folders (e.g. `results/`).

Nothing here assumes a run is complete: missing files, truncated rows and runs that diverged or
were interrupted are loaded as far as they go, and every gap is described in `notes`.
Standard library only.
"""

import csv
import json
import math
import re
from pathlib import Path

RUN_FILES = ("metrics.csv", "summary.json", "config.resolved.yaml")


class ResultsError(Exception):
    """The folder holds nothing that can be read as csgd results."""


def _number(text):
    """A metrics field as a float, or None when empty or unreadable ('nan'/'inf' are kept)."""
    if text is None or text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def finite(value):
    return value is not None and math.isfinite(value)


def reaches(row, column, target, at_least=True):
    """Whether a metrics row's `column` is at least (or at most) `target`."""
    v = row.get(column)
    return finite(v) and (v >= target if at_least else v <= target)


def flatten_resolved_yaml(text):
    """config.resolved.yaml as {'algorithm.sync_interval': '8', ...}.

    Enough YAML for the block maps csgd writes: nested `key:` blocks, `key: value` scalars and
    flow values (`[256, 256]`, `{}`); a line that is not `key: value` (a flow value on its own
    line, or a `- item`) is appended to the enclosing key's value.
    """
    flat, stack = {}, []  # stack of (indent, key)
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        match = re.match(r"^([^\s:\[{\-][^:]*):(?:\s+(.*))?$", stripped)
        if not match:
            if stack:
                path = ".".join(k for _, k in stack)
                flat[path] = (flat.get(path, "") + " " + stripped).strip()
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key, value = match.group(1).strip(), (match.group(2) or "").strip()
        path = ".".join([k for _, k in stack] + [key])
        if value:
            flat[path] = value.strip('"')
        else:
            flat[path] = ""
            stack.append((indent, key))
    return flat


def _as_number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def values_equal(a, b):
    """Swept values compare as numbers when both are numbers ('1' == '1.0'), else as text."""
    na, nb = _as_number(a), _as_number(b)
    if na is not None and nb is not None:
        return na == nb
    return str(a).strip() == str(b).strip()


def natural_key(text):
    """Sort key that orders '4' before '16' and 'x=4' before 'x=16'."""
    return [(0, float(p), "") if _as_number(p) is not None else (1, 0.0, p)
            for p in re.split(r"([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)", str(text)) if p]


class Curve:
    """What a figure draws: metrics rows (a run's, or a configuration's means over its seeds)."""

    rows = ()

    @property
    def partial_reason(self):
        return None

    @property
    def partial(self):
        return self.partial_reason is not None

    def has(self, column):
        return any(finite(r.get(column)) for r in self.rows)

    def series(self, x, y):
        """(xs, ys) of the rows where both columns have a value (y may be nan/inf: divergence)."""
        xs, ys = [], []
        for r in self.rows:
            vx, vy = r.get(x), r.get(y)
            if finite(vx) and vy is not None:
                xs.append(vx)
                ys.append(vy)
        return xs, ys


class Run(Curve):
    """One run: its metrics rows, summary.json, resolved configuration and what is missing."""

    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.rows = []        # metrics.csv rows as {column: float or None}
        self.summary = None   # summary.json, or None
        self.config = {}      # flattened config.resolved.yaml
        self.swept = {}       # swept key path -> value text
        self.notes = []       # what is missing or suspicious, in words

    # --- status -------------------------------------------------------------------------------
    @property
    def status(self):
        if self.summary is None:
            return "unknown"
        return str(self.summary.get("status", "unknown"))

    @property
    def partial_reason(self):
        """None for a complete run; otherwise a few words: 'diverged', 'no summary.json', ..."""
        if self.summary is None:
            return "no summary.json" if self.path.is_dir() else "no run folder"
        if self.status != "completed":
            return self.status
        if not self.rows:
            return "no metrics"
        last = self.rows[-1].get("iteration")
        done = self.summary.get("iterations")
        if finite(last) and isinstance(done, (int, float)) and last < done:
            return "metrics truncated"
        return None

    # --- values -------------------------------------------------------------------------------
    def last(self, column):
        """The last recorded value of a column (possibly nan/inf), or None."""
        for r in reversed(self.rows):
            if r.get(column) is not None:
                return r[column]
        if self.summary and isinstance(self.summary.get("final"), dict):
            return self.summary["final"].get(column)
        return None

    def best(self, column, largest=True):
        values = [r[column] for r in self.rows if finite(r.get(column))]
        if not values:
            return None
        return max(values) if largest else min(values)

    def total(self, key):
        """A run total (sim_time_s, rounds, bytes_total, iterations): summary.json for a completed
        run, otherwise the last metrics row (what was reached before the run stopped)."""
        column = "iteration" if key == "iterations" else key
        if self.summary is not None and self.status == "completed" and key in self.summary:
            return self.summary[key]
        value = self.last(column)
        if value is None and self.summary is not None:
            value = self.summary.get(key)
        return value

    def first_reaching(self, column, target, at_least=True):
        """The first metrics row where `column` reaches `target`, or None."""
        return next((r for r in self.rows if reaches(r, column, target, at_least)), None)

    def value_of(self, key):
        """A swept value or a configuration value, by full key path or unique suffix."""
        for source in (self.swept, self.config):
            if key in source:
                return source[key]
            matches = [k for k in source if k.endswith("." + key)]
            if len(matches) == 1:
                return source[matches[0]]
        return None


def mean_se(values):
    """(mean, standard error, n) as csgd computes them (csgd/mean_se.hpp): the mean as the first
    value plus the mean deviation from it (equal values average to themselves; the plain sum when
    a value is inf or nan), the standard
    error as the sample standard deviation (n - 1) over sqrt(n); (None, None, 0) without values
    and se None for one value."""
    values = list(values)
    n = len(values)
    if n == 0:
        return None, None, 0
    if all(finite(v) for v in values):
        mean = values[0] + sum(v - values[0] for v in values) / n
    else:  # a diverged seed: the plain sum, whose inf or nan does not depend on the order
        mean = sum(values) / n
    if n < 2:
        return mean, None, n
    ss = sum((v - mean) * (v - mean) for v in values)
    return mean, math.sqrt(ss / (n - 1)) / math.sqrt(n), n


def paired(a, b):
    """Paired comparison of two {seed: value} maps over the seeds both have (finite values):
    (mean difference a - b, its standard error, n, seeds with a > b, seeds with a < b)."""
    seeds = [s for s in a if s in b and finite(a[s]) and finite(b[s])]
    diffs = [a[s] - b[s] for s in seeds]
    mean, se, n = mean_se(diffs)
    return mean, se, n, sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)


def verdict(mean, se, n, above="higher", below="lower"):
    """'higher'/'lower' when the paired mean difference is at least 2 standard errors from 0,
    otherwise 'undecided' (and always with fewer than 2 pairs)."""
    if n < 2 or mean is None or se is None:
        return "undecided (fewer than 2 seeds)"
    if mean == 0 or abs(mean) < 2 * se:
        return "undecided"
    return above if mean > 0 else below


class Configuration(Curve):
    """The seeds of one configuration (runs that differ only in `seed`), drawn and reported as
    one line: per evaluation point the mean and standard error over the seeds that reached it."""

    def __init__(self, name, runs):
        self.name = name
        self.runs = runs                      # one per seed, in seed order
        self.swept = {k: v for k, v in runs[0].swept.items() if k != "seed"}
        self.seeds = [r.swept.get("seed") for r in runs]
        self.rows, self.se_rows = [], []
        iterations = sorted({r["iteration"] for run in runs for r in run.rows if finite(r.get("iteration"))})
        by_run = [{r["iteration"]: r for r in run.rows if finite(r.get("iteration"))} for run in runs]
        for it in iterations:
            present = [rows[it] for rows in by_run if it in rows]
            mean_row, se_row = {"iteration": it, "seeds": len(present)}, {}
            for column in present[0]:
                if column == "iteration":
                    continue
                values = [r[column] for r in present if r.get(column) is not None]
                mean_row[column], se_row[column], _ = mean_se(values)
            self.rows.append(mean_row)
            self.se_rows.append(se_row)
        self.notes = []

    @property
    def partial_reason(self):
        reasons = [f"{r.swept.get('seed')}: {r.partial_reason}" for r in self.runs if r.partial]
        return f"seed {', '.join(reasons)}" if reasons else None

    def band(self, x, y):
        """(xs, lows, highs): the mean ± 1 standard error of y at each evaluation point."""
        xs, lows, highs = [], [], []
        for r, e in zip(self.rows, self.se_rows):
            vx, vy, se = r.get(x), r.get(y), e.get(y)
            if finite(vx) and finite(vy) and finite(se):
                xs.append(vx)
                lows.append(vy - se)
                highs.append(vy + se)
        return xs, lows, highs

    def value_of(self, key):
        for k, v in self.swept.items():
            if k == key or k.endswith("." + key):
                return v
        return self.runs[0].value_of(key)

    def per_seed(self, value):
        """{seed: value(run)} for the runs where value(run) is not None."""
        out = {}
        for run in self.runs:
            v = value(run)
            if v is not None:
                out[run.swept.get("seed")] = v
        return out


class Experiment:
    """The runs of one experiment folder (a sweep or a single run)."""

    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.runs = []
        self.swept_keys = []
        self.notes = []

    def short_names(self):
        """Swept key -> legend name: the last path component unless two keys share it."""
        lasts = [k.split(".")[-1] for k in self.swept_keys]
        return {k: (s if lasts.count(s) == 1 else k) for k, s in zip(self.swept_keys, lasts)}

    def label(self, run):
        """'sync_interval = 8' (or 'sync_interval = 8, momentum = 0.9'); the run name otherwise."""
        short = self.short_names()
        parts = [f"{short[k]} = {run.swept[k]}" for k in self.swept_keys if k in run.swept and k != "seed"]
        return ", ".join(parts) if parts else run.name

    @property
    def partial_runs(self):
        return [r for r in self.runs if r.partial]

    @property
    def seeded(self):
        """Runs repeated over seeds (`seeds:` in the experiment file): a 'seed' axis."""
        return "seed" in self.swept_keys

    def configurations(self):
        """The runs grouped by everything but the seed, in run order."""
        groups = {}
        for run in self.runs:
            key = tuple((k, run.swept.get(k)) for k in self.swept_keys if k != "seed")
            groups.setdefault(key, []).append(run)
        return [Configuration(re.sub(r"(^|[,/])seed=[^,/]*$", "", runs[0].name) or "run", runs)
                for runs in groups.values()]

    def lines(self):
        """What a figure draws: one line per configuration (the seeds' mean) or per run."""
        return self.configurations() if self.seeded else self.runs


# --- time to a target -----------------------------------------------------------------------

TARGET_KEYS = (("stop.target.loss", "train_loss", False), ("stop.target.accuracy", "test_accuracy", True),
               ("stop.target.grad_norm_sq", "grad_norm_sq", False))
TARGET_WORDS = {"train_loss": "training loss", "test_accuracy": "test accuracy", "grad_norm_sq": "‖∇f‖²"}


def stop_target(runs):
    """The runs' stop targets (stop.target in the experiment): a tuple of (column, value, at_least),
    any of which stops a run (as csgd does), or None."""
    for run in runs:
        values = [(column, _as_number(run.config.get(key)), at_least) for key, column, at_least in TARGET_KEYS]
        targets = tuple(t for t in values if t[1] is not None)
        if targets:
            return targets
    return None


def _targets(target):
    """A target as a tuple of (column, value, at_least): one such triple, or a tuple of them."""
    return (target,) if isinstance(target[0], str) else tuple(target)


def describe_target(target):
    words = []
    for column, value, at_least in _targets(target):
        shown = f"{100 * value:g}%" if column == "test_accuracy" else f"{value:g}"
        words.append(f"{TARGET_WORDS.get(column, column)} {'≥' if at_least else '≤'} {shown}")
    return " or ".join(words)


def first_reaching_any(run, target):
    """The first metrics row reaching any of the targets, or None."""
    return next((r for r in run.rows if any(reaches(r, *t) for t in _targets(target))), None)


def time_to_target(line, target):
    """Simulated seconds until the first evaluation point reaching the target: for a run, or for a
    configuration the mean over its seeds when every seed reached it (else None)."""
    runs = line.runs if isinstance(line, Configuration) else [line]
    times = []
    for run in runs:
        hit = first_reaching_any(run, target)
        if hit is None:
            return None
        times.append(hit["sim_time_s"])
    return mean_se(times)[0]


def target_cells(exp):
    """(timing keys, contender keys) of a what-if study: two swept keys under timing: make the
    cells of a map and the other swept keys (the algorithm) the contenders; None otherwise."""
    keys = [k for k in exp.swept_keys if k != "seed"]
    timing = [k for k in keys if k == "timing" or k.startswith("timing.")]
    others = [k for k in keys if k not in timing]
    if len(timing) != 2 or not others:
        return None
    return timing, others


def target_maps(exp, target):
    """For a what-if study: (rows, cols, contenders, times) with times[c][(row, col)] the
    simulated time to the target of contender c in that cell (None: not reached)."""
    cells = target_cells(exp)
    if cells is None:
        return None
    (row_key, col_key), others = cells
    rows, cols, contenders, times = [], [], [], {}
    for line in exp.lines():
        row, col = line.swept.get(row_key), line.swept.get(col_key)
        name = ", ".join(f"{exp.short_names()[k]} = {line.swept.get(k)}" for k in others)
        for seen, value in ((rows, row), (cols, col), (contenders, name)):
            if value not in seen:
                seen.append(value)
        times.setdefault(name, {})[(row, col)] = time_to_target(line, target)
    return rows, cols, contenders, times


def compact(contender):
    """'algorithm = {name: decentralized-momentum}' → 'decentralized-momentum' (a map value without
    its key and braces; 'sync_interval = 16' stays), for table cells."""
    parts = []
    for part in contender.split(", "):
        _, _, value = part.partition(" = ")
        parts.append(value.strip("{}").replace("name: ", "") if value.startswith("{") else part)
    return ", ".join(parts)


def winners(times, contenders, cell):
    """[(contender, time)] of one cell, fastest first, over the contenders that reached the target."""
    ranked = [(c, times[c].get(cell)) for c in contenders if times[c].get(cell) is not None]
    return sorted(ranked, key=lambda ct: ct[1])


# --- reading files ------------------------------------------------------------------------------

def read_metrics(path, notes):
    """metrics.csv as a list of {column: float or None}; malformed or truncated rows are dropped
    and described in `notes`."""
    try:
        with open(path, newline="") as f:
            table = list(csv.reader(f))
    except OSError as e:
        notes.append(f"cannot read {path.name}: {e.strerror}")
        return []
    if not table:
        notes.append(f"{path.name} is empty (not even a header)")
        return []
    header, rows, dropped = table[0], [], 0
    for fields in table[1:]:
        if len(fields) != len(header):
            dropped += 1
            continue
        rows.append({h: _number(v) for h, v in zip(header, fields)})
    if dropped:
        notes.append(f"{path.name}: dropped {dropped} malformed or truncated row(s)")
    if not rows:
        notes.append(f"{path.name} has no data rows")
    return rows


def read_sweep_csv(path, notes):
    """sweep.csv as (swept keys, {run: (values, rows)}, run order).

    The run name is not quoted, so in a multi-key sweep it spans several fields
    ('sync_interval=8,momentum=0.9'); the surplus fields over the header are joined back.
    """
    try:
        with open(path, newline="") as f:
            table = list(csv.reader(f))
    except OSError as e:
        notes.append(f"cannot read sweep.csv: {e.strerror}")
        return [], {}, []
    if not table or "iteration" not in table[0]:
        notes.append("sweep.csv has no header")
        return [], {}, []
    header = table[0]
    keys = header[1:header.index("iteration")]
    metric_columns = header[1 + len(keys):]
    runs, order, dropped = {}, [], 0
    for fields in table[1:]:
        extra = len(fields) - len(header)
        if extra < 0:
            dropped += 1
            continue
        name = ",".join(fields[:1 + extra])
        values = fields[1 + extra:1 + extra + len(keys)]
        metrics = fields[1 + extra + len(keys):]
        if name not in runs:
            runs[name] = (dict(zip(keys, values)), [])
            order.append(name)
        runs[name][1].append({h: _number(v) for h, v in zip(metric_columns, metrics)})
    if dropped:
        notes.append(f"sweep.csv: dropped {dropped} truncated row(s)")
    return keys, runs, order


def is_run_folder(path):
    return path.is_dir() and any((path / f).is_file() for f in RUN_FILES)


def is_experiment_folder(path):
    """Has sweep.csv, a run folder, or (seeds, before the first sweep.csv) a CONFIG/seed=k run."""
    return path.is_dir() and ((path / "sweep.csv").is_file()
                              or any(is_run_folder(p) or (p.is_dir() and any(is_run_folder(q) for q in p.glob("seed=*")))
                                     for p in path.iterdir()))


def load_run(path, name=None):
    run = Run(name or path.name, path)
    metrics, summary, config = (path / f for f in RUN_FILES)
    if metrics.is_file():
        run.rows = read_metrics(metrics, run.notes)
    else:
        run.notes.append("no metrics.csv")
    if summary.is_file():
        try:
            run.summary = json.loads(summary.read_text())
        except (OSError, ValueError) as e:
            run.notes.append(f"summary.json unreadable ({e}); status unknown")
    else:
        run.notes.append("no summary.json (status unknown)")
    if config.is_file():
        run.config = flatten_resolved_yaml(config.read_text(errors="replace"))
    if run.summary is not None:
        status, planned = run.status, run.summary.get("iterations_planned")
        done = run.total("iterations")
        if status != "completed":
            where = f" after {int(done)} of {int(planned)} iterations" if finite(done) and planned else ""
            run.notes.append(f"status '{status}'{where}")
        elif run.partial_reason == "metrics truncated":
            run.notes.append(f"metrics.csv stops at iteration {int(run.rows[-1]['iteration'])} "
                             f"but summary.json reports {run.summary.get('iterations')}")
    return run


def load_experiment(path):
    """One experiment from an experiment folder or a single run folder."""
    path = Path(path)
    if is_run_folder(path) and not is_experiment_folder(path):
        run = load_run(path)
        name = (run.summary or {}).get("experiment") or run.config.get("name") or path.parent.name
        exp = Experiment(name, path)
        exp.runs = [run]
        return exp

    exp = Experiment(path.name, path)
    sweep_keys, sweep_runs, order = [], {}, []
    if (path / "sweep.csv").is_file():
        sweep_keys, sweep_runs, order = read_sweep_csv(path / "sweep.csv", exp.notes)
    folders = {p.name: p for p in path.iterdir() if is_run_folder(p)}
    for p in path.iterdir():  # with seeds, CONFIG/seed=k
        if p.is_dir() and not is_run_folder(p):
            folders.update({f"{p.name}/{q.name}": q for q in p.iterdir()
                            if q.name.startswith("seed=") and is_run_folder(q)})
    names = order + sorted((n for n in folders if n not in sweep_runs), key=natural_key)

    for name in names:
        if name in folders:
            run = load_run(folders[name], name)
            # A seed's folder that sweep.csv does not list but that has finished: left over from an
            # earlier run with more seeds (csgd rewrites sweep.csv after every training), not ours.
            if sweep_runs and "/seed=" in name and name not in sweep_runs and run.status not in ("running", "unknown"):
                exp.notes.append(f"`{name}` ignored: a finished run that sweep.csv does not list "
                                 "(left over from an earlier run with other seeds?)")
                continue
        else:
            run = Run(name, path / name)
            run.notes.append("no run folder; curves taken from sweep.csv, status unknown")
        if name in sweep_runs:
            run.swept = dict(sweep_runs[name][0])
            if not run.rows and sweep_runs[name][1]:
                run.rows = sweep_runs[name][1]
                if name in folders:
                    run.notes.append("metrics taken from sweep.csv")
        exp.runs.append(run)

    # Swept keys: sweep.csv's header, otherwise the configuration keys that differ between runs.
    if sweep_keys:
        exp.swept_keys = list(sweep_keys)
    elif len(exp.runs) > 1:
        keys = sorted(set().union(*(r.config for r in exp.runs)))
        exp.swept_keys = [k for k in keys if k != "name" and
                          len({r.config.get(k) for r in exp.runs}) > 1]
    by_label = {label: key for key, label in exp.short_names().items()}
    for run in exp.runs:
        # Values missing from sweep.csv: the run's configuration, else its folder name
        # ('sync_interval=8,momentum=0.9', csgd's short labels).
        config, _, seed = run.name.partition("/")
        from_name = dict(part.split("=", 1) for part in config.split(",") + [seed] if "=" in part)
        for k in exp.swept_keys:
            if k not in run.swept and run.config.get(k) is not None:
                run.swept[k] = run.config[k]
            elif k not in run.swept:
                label = next((lab for lab, key in by_label.items() if key == k), k)
                if label in from_name:
                    run.swept[k] = from_name[label]
    if not sweep_keys and exp.swept_keys:
        exp.runs.sort(key=lambda r: [natural_key(r.swept.get(k, "")) for k in exp.swept_keys])

    for run in exp.runs:
        if run.summary and run.summary.get("experiment"):
            exp.name = run.summary["experiment"]
            break
    else:
        exp.name = next((r.config["name"] for r in exp.runs if r.config.get("name")), exp.name)
    if not exp.runs:
        exp.notes.append("no runs")
    return exp


def load(path):
    """Every experiment under `path` (itself an experiment or run folder, or a folder of
    experiment folders). Raises ResultsError when there is nothing to read."""
    path = Path(path)
    if not path.exists():
        raise ResultsError(f"{path}: no such folder")
    if not path.is_dir():
        raise ResultsError(f"{path}: not a folder (give a results folder, e.g. results/<name>)")
    if is_experiment_folder(path) or is_run_folder(path):
        experiments = [load_experiment(path)]
    else:
        experiments = [load_experiment(p) for p in sorted(path.iterdir(), key=lambda p: natural_key(p.name))
                       if is_experiment_folder(p)]
    if not experiments:
        raise ResultsError(
            f"{path}: no csgd results here: expected run folders (with metrics.csv, summary.json, "
            f"config.resolved.yaml), a sweep.csv, or experiment folders holding them")
    return experiments


# --- formatting ---------------------------------------------------------------------------------

def time_unit(max_seconds):
    """(unit name, seconds per unit) that suits durations up to max_seconds."""
    for name, scale, start in (("h", 3600, 7200), ("min", 60, 600), ("s", 1, 1),
                               ("ms", 1e-3, 1e-3), ("µs", 1e-6, 0)):
        if max_seconds >= start:
            return name, scale
    return "s", 1


def byte_unit(max_bytes):
    for name, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if max_bytes >= scale:
            return name, scale
    return "B", 1


def three_digits(value):
    """3 significant digits, trailing zeros kept: 18.0, 97.9, 134, 0.412."""
    if value == 0 or not finite(value):
        return f"{value:g}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def format_seconds(seconds):
    if not finite(seconds):
        return "—"
    unit, scale = time_unit(abs(seconds))
    return f"{three_digits(seconds / scale)} {unit}"


def format_bytes(count):
    if not finite(count):
        return "—"
    unit, scale = byte_unit(abs(count))
    return f"{three_digits(count / scale)} {unit}"
