"""Expected core-hours of a config, per paper, extrapolated from the benchmark files of a run of another.

    python bench/core_hours.py --measured config/config.yaml --target config/paper.yaml --root /path/to/run

A run of ``--measured`` (its ``results/benchmarks/`` under ``--root``) gives every job's wall seconds. Each job
of ``--target`` is priced from the measured jobs of the same rule, paper, experiment and learner (else the same
rule, paper and experiment; else the same rule and paper) through a work proxy

    work = replicates * min(n, max_rows) * d * max(width, 1) * steps * restarts

(rows = n Phi(b) for learners that read only the tail rows of their n, ``TAIL_LEARNERS``)

(``max_rows``, ``steps`` / ``max_steps`` and ``restarts`` from the job's learner parameters where it has them)
as ``seconds = work * sum(measured seconds) / sum(measured work)``; jobs without a learner (datasets, evaluate)
use the point's learners' proxy without ``steps``. Jobs that do not scale with a point (aggregate, figure,
claims, notebook) keep their measured time. The proxy is linear; methods whose cost grows faster (tensor power
iterations ~ width^2, exact solvers combinatorially) are under-estimated by it, so read the figures as a floor
within a small factor, not a quote. Prints a Markdown table: jobs, measured core-hours of ``--measured`` and
expected core-hours of ``--target`` per paper.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCALING = ("dataset", "fit", "evaluate")


# Learners that read only the tail rows of their n (depth2.core.tail_rows): their cost follows n Phi(b), not n.
TAIL_LEARNERS = frozenset({"pca_tail"})


def _work(point, params: dict, with_steps: bool) -> float:
    rows = min(point.n, int(params.get("max_rows", point.n)))
    if set(point.learners) <= TAIL_LEARNERS and "n_phi" in point.labels:
        rows = float(point.labels["n_phi"])
    steps = float(params.get("steps", params.get("max_steps", 1))) if with_steps else 1.0
    restarts = float(params.get("restarts", 1))
    return float(point.replicates) * rows * point.d * max(point.width, 1) * steps * restarts


def jobs(plan) -> list[tuple[str, str, str, str, str, float]]:
    """(rule, paper, experiment, learner, benchmark path, work) of every job of a plan that scales."""
    import json

    out = []
    for (paper, experiment), exp in plan.experiments.items():
        for pt in exp.points:
            works = {ln: _work(pt, json.loads(plan.learner_params(paper, experiment, pt.name, ln)), True)
                     for ln in pt.learners}
            flat = sum(_work(pt, json.loads(plan.learner_params(paper, experiment, pt.name, ln)), False)
                       for ln in pt.learners) or _work(pt, {}, False)
            out.append(("dataset", paper, experiment, "", f"dataset/{paper}/{experiment}/{pt.name}.tsv", flat))
            out.append(("evaluate", paper, experiment, "", f"evaluate/{paper}/{experiment}/{pt.name}.tsv", flat))
            out += [("fit", paper, experiment, ln, f"fit/{paper}/{experiment}/{pt.name}/{ln}.tsv", w)
                    for ln, w in works.items()]
    return out


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    from depth2.config import load
    from depth2.plan import Plan
    from depth2.runtime import job_keys

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--measured", type=Path, default=REPO / "config" / "config.yaml")
    ap.add_argument("--target", type=Path, default=REPO / "config" / "paper.yaml")
    ap.add_argument("--root", type=Path, default=REPO, help="the run directory of --measured (holding results/)")
    args = ap.parse_args(argv)

    bench = args.root / "results" / "benchmarks"
    measured_plan, target_plan = Plan(load(args.measured)), Plan(load(args.target))
    rates: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    measured_h: dict[str, float] = defaultdict(float)
    fixed: dict[tuple[str, str], list[float]] = defaultdict(list)
    missing = 0
    for rule, paper, experiment, learner, rel, work in jobs(measured_plan):
        f = bench / rel
        if not f.exists():
            missing += 1
            continue
        s = float(pd.read_csv(f, sep="\t")["s"].iloc[-1])
        measured_h[paper] += s / 3600
        for key in ((rule, paper, experiment, learner), (rule, paper, experiment), (rule, paper)):
            rates[key][0] += s
            rates[key][1] += work
    for rule, files in measured_plan.benchmarks().items():
        if rule in SCALING:
            continue
        for rel in files:
            f = bench / rel
            if f.exists():
                paper = job_keys(rel)[1]
                s = float(pd.read_csv(f, sep="\t")["s"].iloc[-1])
                fixed[(rule, paper)].append(s)
                measured_h[paper] += s / 3600
    if missing:
        print(f"warning: {missing} benchmark files of {args.measured.name} missing under {bench}", file=sys.stderr)
    if not rates:
        print(f"no benchmark files under {bench}: run {args.measured} first", file=sys.stderr)
        return 1

    expected: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for rule, paper, experiment, learner, _, work in jobs(target_plan):
        for key in ((rule, paper, experiment, learner), (rule, paper, experiment), (rule, paper)):
            if key in rates and rates[key][1] > 0:
                expected[paper] += work * rates[key][0] / rates[key][1] / 3600
                break
        else:
            print(f"warning: no measured {rule} job of {paper} to price {experiment}/{learner}", file=sys.stderr)
        counts[paper] += 1
    for rule, files in target_plan.benchmarks().items():
        if rule in SCALING:
            continue
        for rel in files:
            paper = job_keys(rel)[1]
            times = fixed.get((rule, paper)) or [0.0]
            expected[paper] += sum(times) / len(times) / 3600
            counts[paper] += 1

    print(f"| paper | jobs ({args.target.name}) | core-hours measured ({args.measured.name}) | "
          f"core-hours expected ({args.target.name}) |")
    print("|---|---|---|---|")
    for p in [p.key for p in target_plan.papers]:
        print(f"| {p} | {counts[p]} | {measured_h.get(p, 0.0):.2f} | {expected[p]:.1f} |")
    print(f"| all | {sum(counts.values())} | {sum(measured_h.values()):.2f} | {sum(expected.values()):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
