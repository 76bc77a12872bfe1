"""Per-rule cluster resources for ``profiles/slurm/config.yaml``, from the Snakemake benchmark files of a run.

    python bench/slurm_resources.py                              # every file under results/benchmarks/
    python bench/slurm_resources.py --config config/config.yaml  # only the jobs this config plans

Reads the Snakemake ``benchmark:`` files ``results/benchmarks/<rule>/**/*.tsv`` (``s`` wall seconds,
``max_rss`` MB, ``cpu_time`` seconds; every file there, or with ``--config`` those of the jobs that config
plans) and prints, per rule, the ``set-resources`` block of ``profiles/slurm/config.yaml`` under the rule

    runtime       = max(2, ceil(1.5 * max s / 60))          minutes
    mem_mb        = max(512, ceil(1.5 * max max_rss))        MB
    cpus_per_task = max(threads, ceil(max cpu_time / s))     (1 for every rule today: `threads: 1`)

with the maxima over every job of the rule, and a comment with the numbers they came from. The one rule
without ``benchmark:`` files (runtime, which reads them) takes the profile's ``default-resources``. With
``--config``, missing benchmark files of planned jobs are reported (the run was partial or the config
differs); the numbers then cover the jobs found. Rerun it after a run of the config
you take to the cluster (``config/paper.yaml`` is far larger than the default) and paste its output.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
RUNTIME_FACTOR, RUNTIME_MIN = 1.5, 2  # minutes
MEM_FACTOR, MEM_MIN = 1.5, 512  # MB
THREADS: dict[str, int] = {}  # the rules' `threads:` where not 1 (workflow/rules/*.smk)


def planned_benchmarks(config: Path, root: Path) -> dict[str, list[Path]]:
    """The benchmark file of every job the config plans, per rule (:meth:`depth2.plan.Plan.benchmarks`)."""
    from depth2.config import load
    from depth2.plan import Plan

    bench = root / "results" / "benchmarks"
    return {rule: [bench / f for f in files] for rule, files in Plan(load(config)).benchmarks().items()}


def all_benchmarks(root: Path) -> dict[str, list[Path]]:
    bench = root / "results" / "benchmarks"
    return {d.name: sorted(d.rglob("*.tsv")) for d in sorted(bench.iterdir()) if d.is_dir()} if bench.is_dir() else {}


def rule_resources(files: list[Path], threads: int = 1) -> dict:
    rows = pd.concat([pd.read_csv(f, sep="\t") for f in files], ignore_index=True)
    s_max, rss_max = float(rows["s"].max()), float(rows["max_rss"].max())
    cpu_ratio = float((rows["cpu_time"] / rows["s"].clip(lower=1e-9)).max())
    return {
        "jobs": len(rows),
        "s_max": s_max,
        "s_median": float(rows["s"].median()),
        "s_total": float(rows["s"].sum()),
        "rss_max": rss_max,
        "cpu_ratio_max": cpu_ratio,
        "runtime": max(RUNTIME_MIN, math.ceil(RUNTIME_FACTOR * s_max / 60)),
        "mem_mb": max(MEM_MIN, math.ceil(MEM_FACTOR * rss_max)),
        "cpus_per_task": max(threads, math.ceil(cpu_ratio - 0.05)),  # 5% slack: sampling noise
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", type=Path, default=None,
                    help="only the benchmark files of the jobs this config plans (default: every file)")
    ap.add_argument("--root", type=Path, default=REPO, help="the run directory (holding results/)")
    args = ap.parse_args(argv)

    out = ["set-resources:"]
    files_of = planned_benchmarks(args.config, args.root) if args.config else all_benchmarks(args.root)
    if not any(files_of.values()):
        print(f"no benchmark files under {args.root / 'results' / 'benchmarks'}: run the workflow first",
              file=sys.stderr)
        return 1
    for rule, files in files_of.items():
        found = [f for f in files if f.exists()]
        if len(found) < len(files):
            print(f"# warning: {rule}: {len(files) - len(found)} of {len(files)} planned benchmark files missing",
                  file=sys.stderr)
        if not found:
            continue
        r = rule_resources(found, THREADS.get(rule, 1))
        out += [
            f"  # {rule}: {r['jobs']} jobs; wall s max {r['s_max']:.1f} (median {r['s_median']:.1f}, "
            f"sum {r['s_total']:.0f}); max_rss max {r['rss_max']:.0f} MB; cpu_time/s max {r['cpu_ratio_max']:.2f}",
            f"  {rule}:",
            f"    runtime: {r['runtime']}",
            f"    mem_mb: {r['mem_mb']}",
            f"    cpus_per_task: {r['cpus_per_task']}",
        ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
