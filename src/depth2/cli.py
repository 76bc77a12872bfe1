"""``depth2``: the command-line interface the Snakemake rules call (one sub-command per stage).

Every sub-command takes its inputs as paths and JSON arguments, logs to ``--log`` (and stderr), and
writes its outputs atomically, so a failed or interrupted job leaves nothing that looks finished.

Exit status: 0 on success; 1 when a job fails (the traceback is logged); 2 on an error the user can fix (an
invalid config, a YAML syntax error, a named input that does not exist), reported as a message without
traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("depth2")


def _setup_logging(path: str | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(path, mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def cmd_dataset(a: argparse.Namespace) -> None:
    from depth2.artifacts import write_dataset
    from depth2.core.data import DatasetSpec

    job = json.loads(a.spec)
    spec = DatasetSpec.from_dict(job["spec"])
    log.info("dataset %s: family %s, n=%d, d=%d, %d replicate(s)", a.out, spec.family, spec.n, spec.d,
             spec.replicates)
    ds = write_dataset(a.out, spec, job["labels"], max_stored_mb=float(job["max_stored_mb"]),
                       sample_rows=int(job["sample_rows"]))
    log.info("stored %s", "all rows" if ds.stored else "spec + sample rows (regenerated where consumed)")


def cmd_fit(a: argparse.Namespace) -> None:
    from depth2 import learners
    from depth2.artifacts import load_dataset, write_fits

    ds = load_dataset(a.data)
    fit_fn = learners.get(a.learner)
    params = json.loads(a.params)
    R = ds.spec.replicates
    rngs = [ds.spec.rng(r, "fit", a.learner) for r in range(R)]
    t0 = time.perf_counter()
    batch = getattr(fit_fn, "batch", None)
    if batch is not None:
        log.info("fit %s on %d replicates at once (n=%d, d=%d)", a.learner, R, ds.spec.n, ds.spec.d)
        fits = batch([ds.replicate(r) for r in range(R)], rngs, **params)
    else:
        fits = []
        stream = getattr(fit_fn, "shared_stream", None)  # learners that share a draw (e.g. frozen features)
        for r in range(R):
            shared = {"shared_rng": ds.spec.rng(r, "shared", stream)} if isinstance(stream, str) else {}
            fits.append(fit_fn(ds.replicate(r), rng=rngs[r], **shared, **params))
            log.info("fit %s: replicate %d/%d done (%.1f s elapsed)", a.learner, r + 1, R, time.perf_counter() - t0)
    write_fits(a.out, a.learner, fits, params)
    log.info("wrote %s in %.1f s", a.out, time.perf_counter() - t0)


def cmd_evaluate(a: argparse.Namespace) -> None:
    import pandas as pd

    from depth2 import papers
    from depth2.artifacts import NO_LEARNER, load_dataset, load_fits, write_metrics
    from depth2.core.io import read_json

    paper = papers.get(a.paper)
    ds = load_dataset(a.data)
    bounds = json.loads(a.bounds)
    # One job per point: the data is read once for every learner fitted on it.
    runs = [(read_json(Path(f).with_suffix(".json"))["learner"], load_fits(f)) for f in a.fit] or [(NO_LEARNER, [])]
    tables = []
    for learner, fits in runs:
        table = paper.evaluate(ds, fits, bounds)
        table.insert(0, "learner", learner)
        _add_convergence(table, fits)
        tables.append(table)
        log.info("evaluated %s at %s: %d rows", learner, a.point, len(table))
    table = pd.concat(tables, ignore_index=True, sort=False)
    for k, v in (("point", a.point), ("experiment", a.experiment), ("paper", a.paper)):
        table.insert(0, k, v)
    write_metrics(a.out, table)


def _add_convergence(table, fits) -> None:
    """Copy each fit's convergence record (``Fit.info``, :func:`depth2.learners.base.convergence`) into the
    metrics rows of its replicate, so that claims can check that every fit they read converged."""
    from depth2.learners.base import CONVERGENCE_KEYS

    if not fits or "replicate" not in table.columns or not any("converged" in f.info for f in fits):
        return
    for key in CONVERGENCE_KEYS:
        if key in table.columns:
            continue
        values = [f.info.get(key) for f in fits]
        table[key] = [values[int(r)] if 0 <= int(r) < len(values) else None for r in table["replicate"]]
        if key == "converged":
            table[key] = table[key].astype("boolean")
        else:
            table[key] = table[key].astype(float)


def cmd_aggregate(a: argparse.Namespace) -> None:
    from depth2.artifacts import aggregate
    from depth2.core.io import write_table

    table = aggregate(a.inputs)
    for out in (a.parquet, a.csv):
        if out:
            write_table(out, table)
    log.info("aggregated %d tables into %d rows", len(a.inputs), len(table))


def _tables_by_experiment(paths: Sequence[str]) -> dict[str, dict]:
    from depth2.core.io import read_table

    out: dict[str, dict] = {}
    for p in paths:
        t = read_table(p)
        parts = Path(p).parts  # results/<paper>/<experiment>/table.parquet
        out.setdefault(parts[-3], {})[parts[-2]] = t
    return out


def cmd_figure(a: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window

    from depth2 import papers
    from depth2.plotting import draw_figure

    spec = next((f for f in papers.get(a.paper).figures if f.name == a.name), None)
    if spec is None:
        raise SystemExit(f"paper {a.paper!r} has no figure {a.name!r}")
    tables = _tables_by_experiment(a.tables).get(a.paper, {})
    draw_figure(spec, tables, a.pdf, a.png)
    log.info("drew %s", a.pdf)


def cmd_claims(a: argparse.Namespace) -> None:
    from depth2 import papers
    from depth2.claims.history import history_cells
    from depth2.claims.report import to_markdown
    from depth2.claims.table import claims_table
    from depth2.confirmatory import design_commit
    from depth2.core.io import atomic_path, write_table

    tables = _tables_by_experiment(a.tables)
    bounds = json.loads(a.bounds)
    variants = json.loads(a.variants) if a.variants else {}
    seeds = json.loads(a.seeds)
    by_paper = {key: papers.get(key) for key in bounds}
    claims = [c for p in by_paper.values() for c in p.claims]
    history = {}
    for key, seed in seeds.items():
        history.update(history_cells(key, [c.id for c in by_paper[key].claims], int(seed)))
    table = claims_table(claims, tables, bounds, variants, history)
    provenance = {key: {"seed": seeds[key], "design_commit": design_commit(key, seeds[key])} for key in seeds}
    coverage = {key: p.coverage for key, p in by_paper.items()}
    write_table(a.csv, table)
    with atomic_path(a.md) as tmp:
        tmp.write_text(to_markdown(table, provenance, coverage))
    for _, r in table.iterrows():
        log.info("%s (%s): %s (%s)", r["id"], r["kind"], r["verdict"], r["observed"])


def cmd_runtime(a: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from depth2.core.io import atomic_path, write_table
    from depth2.runtime import ALL, collect, plot, summarize

    table = collect(a.inputs)
    summary = summarize(table)
    write_table(a.out, table)
    write_table(a.summary, summary)
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    plot(summary, fig)
    with atomic_path(a.png) as tmp:
        fig.savefig(tmp, dpi=120)
    for _, r in summary[summary["rule"] == ALL].iterrows():
        log.info("%s: %d jobs, %.0f s wall and %.0f s CPU summed over jobs; slowest %s (%.1f s)", r["paper"],
                 r["jobs"], r["s"], r["cpu_time"], r["slowest_job"], r["slowest_s"])


def cmd_notebook(a: argparse.Namespace) -> None:
    from depth2.notebooks import execute, source

    notebook = a.notebook or source(a.paper)
    execute(notebook, a.out, cwd=a.cwd, timeout=a.timeout)
    log.info("executed %s -> %s", notebook, a.out)


def cmd_readme(a: argparse.Namespace) -> None:
    from depth2.readme import write_summary

    write_summary(Path(a.readme), Path(a.claims))
    log.info("rewrote the claims summary of %s from %s", a.readme, a.claims)


def cmd_validate(a: argparse.Namespace) -> None:
    from depth2.config import load

    cfg = load(a.config)
    from depth2.plan import Plan

    plan = Plan(cfg)
    print(f"{a.config}: valid; {len(plan.datasets())} datasets, {len(plan.fits())} fits, "
          f"{len(plan.figures())} figures")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="depth2", description=__doc__.splitlines()[0])
    ap.add_argument("--log", help="also write the log to this file")
    ap.add_argument("--debug", action="store_true",
                    help="show the Python traceback of user errors too (invalid config, missing input)")
    sub = ap.add_subparsers(dest="command", required=True)

    s = sub.add_parser("dataset", help="generate a dataset from its JSON spec")
    s.add_argument("--spec", required=True, help="JSON: {spec, labels, max_stored_mb, sample_rows}")
    s.add_argument("--out", required=True, help="data.npz (data.json is written beside it)")
    s.set_defaults(func=cmd_dataset)

    s = sub.add_parser("fit", help="fit one learner to every replicate of a dataset")
    s.add_argument("--data", required=True)
    s.add_argument("--learner", required=True)
    s.add_argument("--params", default="{}", help="JSON learner hyper-parameters")
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_fit)

    s = sub.add_parser("evaluate", help="metrics of every learner's fits at one point")
    for k in ("paper", "experiment", "point", "data", "out"):
        s.add_argument(f"--{k}", required=True)
    s.add_argument("--fit", action="append", default=[],
                   help="one learner's fits (.npz), repeated per learner; none for a point evaluated on its data alone")
    s.add_argument("--bounds", default="{}", help="JSON: the paper's pre-registered bounds")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("aggregate", help="concatenate metrics tables into an experiment table")
    s.add_argument("--parquet", required=True, help="the table as Parquet")
    s.add_argument("--csv", help="the same table as CSV (for people)")
    s.add_argument("inputs", nargs="+")
    s.set_defaults(func=cmd_aggregate)

    s = sub.add_parser("figure", help="draw one figure of a paper")
    s.add_argument("--paper", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--pdf", required=True)
    s.add_argument("--png", required=True)
    s.add_argument("tables", nargs="+")
    s.set_defaults(func=cmd_figure)

    s = sub.add_parser("claims", help="evaluate every claim into the claims table")
    s.add_argument("--bounds", required=True, help="JSON: {paper: bounds}")
    s.add_argument("--seeds", default="{}", help="JSON: {paper: seed} (each paper's own seed)")
    s.add_argument("--variants", default="{}", help="JSON: {paper: {variant: {kind, claims, seed}}}")
    s.add_argument("--csv", required=True)
    s.add_argument("--md", required=True)
    s.add_argument("tables", nargs="+")
    s.set_defaults(func=cmd_claims)

    s = sub.add_parser("runtime", help="collect benchmark files into runtime/memory tables and a figure")
    s.add_argument("--out", required=True, help="one row per job (.csv or .parquet)")
    s.add_argument("--summary", required=True, help="per paper and rule (.csv or .parquet)")
    s.add_argument("--png", required=True, help="the summary as a figure")
    s.add_argument("inputs", nargs="+")
    s.set_defaults(func=cmd_runtime)

    s = sub.add_parser("notebook", help="execute a notebook (nbclient) and save the executed copy")
    group = s.add_mutually_exclusive_group(required=True)
    group.add_argument("--paper", help="run workflow/notebooks/<paper>.ipynb of this checkout")
    group.add_argument("--notebook", help="run this notebook file")
    s.add_argument("--out", required=True)
    s.add_argument("--cwd", default=".")
    s.add_argument("--timeout", type=int, default=600)
    s.set_defaults(func=cmd_notebook)

    s = sub.add_parser("validate", help="validate a config file and print the size of its plan")
    s.add_argument("config")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("readme", help="rewrite README's claims summary (between its claims-summary markers) "
                                      "from a claims table")
    s.add_argument("--claims", default="figures/claims.csv")
    s.add_argument("--readme", default="README.md")
    s.set_defaults(func=cmd_readme)
    return ap


def keep_freed_memory() -> bool:
    """Ask glibc's allocator to keep freed memory for reuse instead of handing it back to the kernel.

    numpy allocates a fresh temporary for most array expressions. With glibc's defaults, blocks of a few MB
    are mmap'ed, or trimmed from the heap when freed, and the next one is page-faulted in again, zero-filled:
    on a safran2022 weak net's GD that was 43% of the fit's time spent in the kernel (10.7 of 24.6 s; 0.1 s
    with this). Blocks up to 32 MB then come from the heap, and up to 256 MB of free heap is kept. Returns
    whether it took effect (glibc only; elsewhere nothing changes)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3  # <malloc.h>
    return all(mallopt(k, v) == 1 for k, v in ((m_mmap_threshold, 32 * 2**20), (m_trim_threshold, 256 * 2**20),
                                                (m_top_pad, 64 * 2**20)))


def _named_paths(args: argparse.Namespace) -> set[str]:
    """Every string argument of the command line, as given (the paths among them are its named inputs)."""
    out: set[str] = set()
    for v in vars(args).values():
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, str):
                out.add(item)
    return out


def user_error(e: BaseException, args: argparse.Namespace) -> str | None:
    """The message of an error the user can fix, or None for a genuine failure (which keeps its traceback).

    User errors: :class:`depth2.config.ConfigError` (its message names the key and what is allowed, or
    ``file:line:column`` for YAML), a YAML error met elsewhere, and a :class:`FileNotFoundError` either about
    a path named on the command line or raised with a message of our own (no file name attached, as
    ``notebooks.source`` does). A missing file that the command did not name (an intermediate artifact)
    is a failure of the job, not of the user.
    """
    import yaml

    from depth2.config import ConfigError

    if isinstance(e, ConfigError):
        return str(e)
    if isinstance(e, yaml.YAMLError):
        return f"YAML error: {' '.join(str(e).split())}"  # PyYAML's message spans lines; one line here
    if isinstance(e, FileNotFoundError):
        if e.filename is None:
            return str(e)
        if str(e.filename) in _named_paths(args):
            return f"no such file: {e.filename}"
    return None


def _log_to_files(level: int, msg: str) -> None:
    """Write ``msg`` to the ``--log`` file only (stderr gets the plain message instead)."""
    record = log.makeRecord(log.name, level, __file__, 0, "%s", (msg,), None)
    for h in logging.getLogger().handlers:
        if isinstance(h, logging.FileHandler):
            h.handle(record)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command; return the exit status (see the module docstring)."""
    args = build_parser().parse_args(argv)
    keep_freed_memory()
    _setup_logging(args.log)
    try:
        args.func(args)
    except Exception as e:
        message = user_error(e, args)
        if message is None or args.debug:
            log.exception("depth2 %s failed", args.command)
        else:
            # argparse's own usage errors look like this and exit 2 too: a user error, not a crash report
            text = f"depth2 {args.command}: error: {message}"
            print(text, file=sys.stderr)
            _log_to_files(logging.ERROR, text)
        return 1 if message is None else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
