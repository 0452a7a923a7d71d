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


class Run:
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

    @property
    def partial(self):
        return self.partial_reason is not None

    # --- values -------------------------------------------------------------------------------
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
        for r in self.rows:
            v = r.get(column)
            if finite(v) and (v >= target if at_least else v <= target):
                return r
        return None

    def value_of(self, key):
        """A swept value or a configuration value, by full key path or unique suffix."""
        for source in (self.swept, self.config):
            if key in source:
                return source[key]
            matches = [k for k in source if k.endswith("." + key)]
            if len(matches) == 1:
                return source[matches[0]]
        return None


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
        parts = [f"{short[k]} = {run.swept[k]}" for k in self.swept_keys if k in run.swept]
        return ", ".join(parts) if parts else run.name

    @property
    def partial_runs(self):
        return [r for r in self.runs if r.partial]


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
    return path.is_dir() and ((path / "sweep.csv").is_file()
                              or any(is_run_folder(p) for p in path.iterdir()))


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
    names = order + sorted((n for n in folders if n not in sweep_runs), key=natural_key)

    for name in names:
        if name in folders:
            run = load_run(folders[name], name)
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
        from_name = dict(part.split("=", 1) for part in run.name.split(",") if "=" in part)
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
