"""The runtime tables: benchmark paths of every rule parsed into (rule, paper, experiment), and the summary's
totals equal to the jobs they sum."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from depth2.config import load
from depth2.plan import Plan
from depth2.runtime import ALL, collect, summarize

REPO = Path(__file__).resolve().parents[1]
HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _write(root: Path, rel: str, s: float, cpu: float, rss: float) -> Path:
    path = root / "results" / "benchmarks" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{s}\t0:00:01\t{rss}\t0\t0\t0\t0\t0\t0\t{cpu}\n")
    return path


def test_collect_reads_every_planned_rule(tmp_path):
    plan = Plan(load(REPO / "config" / "smoke.yaml"))
    files = [_write(tmp_path, rel, 1.0, 0.5, 100.0) for rels in plan.benchmarks().values() for rel in rels]
    table = collect(files)
    assert len(table) == len(files)
    assert set(table["rule"]) == {"dataset", "fit", "evaluate", "aggregate", "figure", "claims", "notebook"}
    keys = {p.key for p in plan.papers}
    assert set(table.loc[table["rule"] != "claims", "paper"]) == keys
    assert (table.loc[table["rule"] == "claims", "paper"] == "").all()
    fit = table[table["rule"] == "fit"].iloc[0]
    assert (fit["paper"], fit["experiment"]) in set(plan.tables())
    fig = table[table["rule"] == "figure"].iloc[0]
    assert (fig["paper"], fig["experiment"]) in set(plan.figures())


def test_collect_refuses_a_file_outside_benchmarks(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text(HEADER + "1\t0\t1\t0\t0\t0\t0\t0\t0\t1\n")
    with pytest.raises(ValueError, match="benchmarks"):
        collect([path])


def test_summary_totals_equal_the_jobs(tmp_path):
    files = [_write(tmp_path, "dataset/p1/e/a.tsv", 2.0, 1.5, 100.0),
             _write(tmp_path, "fit/p1/e/a/gd.tsv", 10.0, 9.0, 300.0),
             _write(tmp_path, "fit/p1/e/b/gd.tsv", 4.0, 3.5, 200.0),
             _write(tmp_path, "fit/p2/f/a/sq.tsv", 7.0, 6.0, 50.0),
             _write(tmp_path, "claims.tsv", 1.0, 0.9, 80.0)]
    s = summarize(collect(files)).set_index(["paper", "rule"])
    assert s.loc[("p1", "fit"), "jobs"] == 2 and s.loc[("p1", "fit"), "s"] == pytest.approx(14.0)
    assert s.loc[("p1", "fit"), "slowest_job"] == "fit/p1/e/a/gd" and s.loc[("p1", "fit"), "slowest_s"] == 10.0
    assert s.loc[("p1", ALL), "s"] == pytest.approx(16.0) and s.loc[("p1", ALL), "max_rss"] == 300.0
    assert s.loc[(ALL, "fit"), "s"] == pytest.approx(21.0) and s.loc[(ALL, "fit"), "jobs"] == 3
    assert s.loc[(ALL, "claims"), "jobs"] == 1
    assert s.loc[(ALL, ALL), "s"] == pytest.approx(24.0) and s.loc[(ALL, ALL), "cpu_time"] == pytest.approx(20.9)
    assert s.loc[(ALL, ALL), "slowest_job"] == "fit/p1/e/a/gd"


def test_summary_of_no_jobs_is_empty():
    assert summarize(collect([])).empty
    assert isinstance(summarize(collect([])), pd.DataFrame)
