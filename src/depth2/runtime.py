"""The runtime and memory tables, from Snakemake's ``benchmark:`` files.

Every job that runs ``depth2`` has a benchmark file ``results/benchmarks/<rule>/<paper>/<experiment>/...tsv``
(``<figure>`` for figure jobs; ``notebook/<paper>.tsv``, ``claims.tsv``; the list is
:meth:`depth2.plan.Plan.benchmarks`). Snakemake writes there the job's wall time ``s``, CPU time and peak
resident memory, measured from outside the job, Python start-up included; its own bookkeeping between jobs
is not in them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["rule", "paper", "experiment", "job", "s", "cpu_time", "max_rss"]
SUMMARY_COLUMNS = ["paper", "rule", "jobs", "s", "cpu_time", "max_rss", "slowest_job", "slowest_s"]
ALL = "all"


def job_keys(job: str) -> tuple[str, str, str]:
    """(rule, paper, experiment) of a benchmark path relative to ``benchmarks/``, suffix optional; empty where
    the path has none (``claims.tsv`` has neither, ``notebook/<paper>.tsv`` no experiment)."""
    rule, paper, experiment = ([part.removesuffix(".tsv") for part in job.split("/")] + ["", ""])[:3]
    return rule, paper, experiment


def collect(files: Sequence[str | os.PathLike]) -> pd.DataFrame:
    """One row per benchmark file: its rule, paper and experiment (the figure's name for figure jobs; empty
    where the path has none), the job (the path under ``benchmarks/``), wall seconds ``s``, CPU seconds and
    peak resident memory ``max_rss`` (MB)."""
    import pandas as pd

    rows = []
    for f in files:
        parts = Path(f).parts
        if "benchmarks" not in parts:
            raise ValueError(f"benchmark file must lie under a 'benchmarks' directory: {f}")
        job = Path(*parts[parts.index("benchmarks") + 1 :]).with_suffix("")
        rule, paper, experiment = job_keys(job.as_posix())
        bench = pd.read_csv(f, sep="\t")
        r = bench.iloc[-1]
        rows.append({"rule": rule, "paper": paper, "experiment": experiment, "job": job.as_posix(),
                     "s": float(r["s"]), "cpu_time": float(r.get("cpu_time", float("nan"))),
                     "max_rss": float(r.get("max_rss", float("nan")))})
    return pd.DataFrame(rows, columns=COLUMNS).sort_values("job").reset_index(drop=True)


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Per (paper, rule): job count, summed wall and CPU seconds, peak memory, the slowest job; then one
    ``rule == "all"`` row per paper and a ``paper == "all"`` row per rule, and the grand total.

    Summed wall seconds over jobs are the paper's share of the run in core-seconds: on c cores with
    single-threaded jobs its share of the wall time is about ``s / c``."""
    import pandas as pd

    def block(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        g = df.groupby(keys, sort=True, dropna=False)
        out = g.agg(jobs=("s", "size"), s=("s", "sum"), cpu_time=("cpu_time", "sum"),
                    max_rss=("max_rss", "max")).reset_index()
        slow = df.loc[g["s"].idxmax().to_numpy(), [*keys, "job", "s"]]
        slow = slow.rename(columns={"job": "slowest_job", "s": "slowest_s"})
        return out.merge(slow, on=keys, how="left")

    if table.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    t = table.assign(paper=table["paper"].replace("", ALL))
    parts = [block(t, ["paper", "rule"]),
             block(t[t["paper"] != ALL], ["paper"]).assign(rule=ALL),
             block(t, ["rule"]).assign(paper=ALL),
             block(t.assign(_k=0), ["_k"]).drop(columns="_k").assign(paper=ALL, rule=ALL)]
    out = pd.concat(parts, ignore_index=True)[SUMMARY_COLUMNS]
    out = out.drop_duplicates(["paper", "rule"])
    return out.sort_values(["paper", "rule"], kind="mergesort").reset_index(drop=True)


def plot(summary: pd.DataFrame, fig) -> None:
    """Core-seconds per paper, stacked by rule (left), and peak memory per paper and rule (right)."""
    import numpy as np

    body = summary[(summary["paper"] != ALL) & (summary["rule"] != ALL)]
    papers = sorted(body["paper"].unique())
    rules = sorted(body["rule"].unique())
    ax_t, ax_m = fig.subplots(1, 2)
    left = np.zeros(len(papers))
    width = 0.8 / max(len(rules), 1)
    for i, rule in enumerate(rules):
        sub = body[body["rule"] == rule].set_index("paper").reindex(papers)
        s = sub["s"].fillna(0.0).to_numpy()
        ax_t.barh(papers, s, left=left, label=rule)
        left += s
        ax_m.barh(np.arange(len(papers)) + (i - (len(rules) - 1) / 2) * width, sub["max_rss"].fillna(0.0),
                  height=width, label=rule)
    ax_t.set_xlabel("wall time summed over jobs (core-seconds)")
    ax_t.set_title("Where the run's time goes")
    ax_m.set_yticks(np.arange(len(papers)), papers)
    ax_m.set_xlabel("peak resident memory of one job (MB)")
    ax_m.set_title("Peak memory per rule")
    ax_m.legend(fontsize=7, loc="lower right")
    for ax in (ax_t, ax_m):
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
