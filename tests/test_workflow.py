"""The workflow end to end on the smoke config: outputs, report, notebook, determinism, code-change reruns."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, run_snakemake

from depth2 import papers
from depth2.claims import FRAGILE, KINDS, VERDICTS
from depth2.config import load

pytestmark = pytest.mark.workflow


def test_smoke_run_produces_every_output(smoke_run):
    from depth2.plan import Plan

    cfg = load(REPO / "config" / "smoke.yaml")
    planned = Plan(cfg).figures()  # every figure whose experiments are enabled
    assert {key for key, _ in planned} == set(cfg["papers"])
    for key, name in planned:
        for ext in ("pdf", "png"):
            path = smoke_run / "figures" / key / f"{name}.{ext}"
            assert path.stat().st_size > 5000, path
    claims = pd.read_csv(smoke_run / "figures" / "claims.csv")
    assert sorted(claims["id"]) == sorted(c.id for key in cfg["papers"] for c in papers.get(key).claims)
    assert set(claims["verdict"]) <= {*VERDICTS, FRAGILE} and set(claims["kind"]) <= set(KINDS)
    tests = claims[claims["kind"] == "test"]
    assert tests["falsifier"].str.len().min() > 20 and claims["history"].notna().all()
    # the smoke config's one variant ran as ordinary jobs and its verdict is in the table
    assert claims.set_index("id").loc["guo2025.gd_fails_csq_instance", "variants"].startswith("replication (seed 77): ")
    assert claims["observed"].str.len().min() > 3
    assert (smoke_run / "figures" / "claims.md").read_text().startswith("# Claims table")
    runtime = pd.read_csv(smoke_run / "results" / "runtime.csv")
    assert {"rule", "s", "max_rss"} <= set(runtime.columns) and len(runtime) > 10
    for log in (smoke_run / "logs").rglob("*.log"):
        assert log.stat().st_size > 0, f"empty log {log}"


@pytest.mark.parametrize("paper,marker", [("guo2025", "regenerated rows equal the stored sample"),
                                          ("awasthi2021", "cos(w_hat, w):")])
def test_notebook_was_executed_against_the_run(smoke_run, paper, marker):
    import nbformat

    nb = nbformat.read(smoke_run / "results" / "notebooks" / f"{paper}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code)
    text = "".join(o.get("text", "") for c in code for o in c.get("outputs", []))
    assert marker in text
    assert any("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", []))


def test_report_has_every_figure_and_table(smoke_run):
    run_snakemake(smoke_run, "--report", "report.html")
    html = (smoke_run / "report.html").read_text(errors="replace")
    for key in ("guo2025", "awasthi2021"):
        for fig in papers.get(key).figures:
            assert f"{fig.name}.png" in html
    for name in ("claims.csv", "runtime.csv", "runtime_summary.csv", "runtime.png", "table.csv"):
        assert name in html


def _tables(root: Path) -> list[Path]:
    files = sorted(root.glob("results/**/table.*")) + sorted(root.glob("results/**/metrics.parquet"))
    return files + [root / "figures" / "claims.csv", root / "figures" / "claims.md"]


# Measured wall times (goel2021's solver and grid learner report them) are the one thing a rerun cannot
# reproduce; every other column, and the claims table, must be byte-identical.
WALL_TIME_COLUMNS = ("seconds",)


def _same_table(x: Path, y: Path) -> bool:
    if filecmp.cmp(x, y, shallow=False):
        return True
    if x.suffix not in (".parquet", ".csv"):
        return False
    read = pd.read_parquet if x.suffix == ".parquet" else pd.read_csv
    a, b = read(x), read(y)
    if not any(c in a for c in WALL_TIME_COLUMNS):
        return False
    return a.drop(columns=list(WALL_TIME_COLUMNS), errors="ignore").equals(
        b.drop(columns=list(WALL_TIME_COLUMNS), errors="ignore"))


def test_two_runs_give_byte_identical_tables(smoke_run, tmp_path):
    run_snakemake(tmp_path)
    a, b = _tables(smoke_run), _tables(tmp_path)
    assert [p.relative_to(smoke_run) for p in a] == [p.relative_to(tmp_path) for p in b]
    assert len(a) > 20
    for x, y in zip(a, b, strict=True):
        assert _same_table(x, y), f"{x.relative_to(smoke_run)} differs between runs"
    claims = [p for p in a if p.parent.name == "figures"]
    assert all(filecmp.cmp(x, tmp_path / x.relative_to(smoke_run), shallow=False) for x in claims)


def _planned_jobs(proc: subprocess.CompletedProcess) -> list[tuple[str, dict]]:
    """(rule, wildcards) of every job a dry run would execute."""
    jobs, rule = [], None
    for line in (proc.stdout + proc.stderr).splitlines():
        m = re.match(r"^(?:localrule|rule) (\w+):", line.strip())
        if m:
            rule = m.group(1)
            jobs.append((rule, {}))
        elif line.strip().startswith("wildcards:") and jobs:
            pairs = line.strip()[len("wildcards:"):].split(", ")
            jobs[-1][1].update(p.split("=", 1) for p in pairs)
    return jobs


def test_code_change_reruns_exactly_the_dependent_jobs(smoke_run, repo_copy, tmp_path):
    work = tmp_path / "run"
    shutil.copytree(smoke_run, work, symlinks=True)
    env = {"PYTHONPATH": str(repo_copy / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    unchanged = run_snakemake(work, "-n", repo=repo_copy, env=env)
    assert _planned_jobs(unchanged) == [], unchanged.stdout[-2000:]

    module = repo_copy / "src" / "depth2" / "learners" / "single_relu.py"
    module.write_text(module.read_text() + "\n# a change that the DAG must notice\n")
    jobs = _planned_jobs(run_snakemake(work, "-n", repo=repo_copy, env=env))
    fits = {(w["experiment"], w["point"], w["learner"]) for r, w in jobs if r == "fit"}

    cfg = load(REPO / "config" / "smoke.yaml")
    from depth2.plan import Plan

    plan = Plan(cfg)
    from depth2.learners import _HOME

    changed = {ln for ln, mod in _HOME.items() if mod == "depth2.learners.single_relu"}  # defined in that module
    assert {"gd", "gd_pop", "sq", "sq_pca", "alg1", "pca_tail"} <= changed
    expected = {(e, pt, ln) for _, e, pt, ln in plan.fits() if ln in changed}
    assert fits == expected
    rules = {r for r, _ in jobs}
    assert "dataset" not in rules
    assert {"fit", "evaluate", "aggregate", "figure", "claims", "all"} <= rules
    assert not any(r == "fit" and w["learner"] == "zero" for r, w in jobs)


def test_snakemake_lint_is_clean(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--lint",
                           "--configfile", str(REPO / "config" / "smoke.yaml")],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_default_config_plans_the_full_dag(tmp_path):
    proc = run_snakemake(tmp_path, "-n", "--configfile", str(REPO / "config" / "config.yaml"))
    jobs = _planned_jobs(proc)
    plan_cfg = load(REPO / "config" / "config.yaml")
    from depth2.plan import Plan

    plan = Plan(plan_cfg)
    assert sum(r == "fit" for r, _ in jobs) == len(plan.fits())
    assert sum(r == "dataset" for r, _ in jobs) == len(plan.datasets())


def test_a_failing_job_leaves_no_output(tmp_path):
    from depth2.cli import main

    out = tmp_path / "fit" / "x.npz"
    code = main(["fit", "--data", str(tmp_path / "missing.npz"), "--learner", "gd", "--out", str(out)])
    assert code == 1
    assert not out.exists() and not out.with_suffix(".json").exists()


def test_guo2025_metrics_carry_the_exact_correlation_gd_reads(smoke_run):
    """The bias sweep's ``exy`` column is the exact E[y <v, x>] of each point's target (the regime of
    gd_fails_eq4 reads it), equal to the exy_sign claim's own quadrature."""
    from depth2.papers.guo2025.claims import eq4_correlations

    df = pd.read_parquet(smoke_run / "results" / "guo2025" / "bias_sweep" / "table.parquet")
    eq4 = df[df["family"] == "eq4"].drop_duplicates("b")
    assert eq4["exy"].notna().all() and len(eq4) >= 2
    ref = eq4_correlations(sorted(eq4["b"]), [1.0]).set_index("b")["exy"]
    assert np.allclose(eq4.set_index("b")["exy"].sort_index(), ref.sort_index(), rtol=1e-12, atol=0)
