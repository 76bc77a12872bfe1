"""The workflow on a real Slurm cluster through snakemake-executor-plugin-slurm and profiles/slurm.

A one-node cluster (munged, slurmctld, slurmd as root, see tests/slurm/cluster.py) is started on this machine,
and a cut of the smoke config runs twice: locally, and through ``snakemake --profile profiles/slurm`` where
every job is an ``sbatch`` job run by the plugin's ``srun`` job step in a fresh Snakemake process that
re-reads the config (what remote jobs see: schema defaults filled in there, not passed from the main
process). Every table, metrics file and the claims table must be byte-identical. Where no cluster can be
had (not root, not Linux, Slurm missing and apt-get unable to install it, the daemons not starting, or the
plugin not installed) the test fails with the reason: it is part of CI.

Why a cut (``SMOKE_CUT``: awasthi2021, three of its experiments, 33 jobs): each Slurm job starts Snakemake
twice (the batch step, then ``srun`` for the rule), about 6 s of CPU before its rule runs, so the whole
smoke config (~270 jobs) would take ~17 minutes on 2 cores. The cut still runs every rule (dataset, fit,
evaluate with and without a learner, aggregate, figure, claims, runtime, notebook) and the grid point whose
name once held commas.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_snakemake

pytestmark = pytest.mark.workflow

# Overlay on config/smoke.yaml (a second --configfile; Snakemake merges it key by key).
SMOKE_CUT = {
    "papers": ["awasthi2021"],
    "awasthi2021": {"experiments": {e: {"enabled": False} for e in ("bias_sweep", "baselines", "conditioning")}},
}
# Test-only settings on top of the user profile (a laptop-sized cluster, not a shared one):
SLURM_TEST_ARGS = (
    "--workflow-profile", "none",            # profiles/default would override the cluster profile's keys
    "--slurm-status-command", "squeue",      # no slurmdbd, so no sacct (tests/slurm/cluster.py)
    "--slurm-init-seconds-before-status-checks", "2",  # default 40 s; the plugin adds 10 s per idle poll
    "--latency-wait", "5",                   # one local file system: outputs appear at once
)


def _cluster_module():
    path = Path(__file__).parent / "slurm" / "cluster.py"
    spec = importlib.util.spec_from_file_location("depth2_test_slurm_cluster", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def slurm_cluster():
    """A running one-node cluster, 2 job slots per CPU (stopped, its directory removed, afterwards)."""
    # The plugin is in the `test` extra, and the test machine (CI) is root with Debian's packages in reach:
    # a missing plugin or a cluster that cannot be installed or started is a failure, not a skip.
    assert importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None, (
        'snakemake-executor-plugin-slurm is not installed (pip install -e ".[test]")')
    cluster_mod = _cluster_module()
    reason = cluster_mod.ensure_installed()
    assert not reason, f"no local Slurm cluster: {reason}"
    cluster = cluster_mod.SlurmCluster(oversubscribe=2)
    try:
        seconds = cluster.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        cluster.stop()
        pytest.fail(f"the local Slurm cluster did not start: {exc}")
    print(f"\n[slurm] cluster up in {seconds:.1f} s ({cluster.root})")
    yield cluster
    cluster.stop()
    shutil.rmtree(cluster.root, ignore_errors=True)


def _outputs(root: Path) -> list[Path]:
    files = sorted(root.glob("results/**/table.*")) + sorted(root.glob("results/**/metrics.parquet"))
    return files + [root / "figures" / "claims.csv", root / "figures" / "claims.md"]


def _failed_slurm_logs(work: Path, limit: int = 6000) -> str:
    logs = sorted((work / ".snakemake" / "slurm_logs").rglob("*.log"))  # the plugin keeps failed jobs' only
    return "\n".join(f"--- {p.relative_to(work)}\n{p.read_text(errors='replace')[-1500:]}" for p in logs)[-limit:]


def test_smoke_cut_on_slurm_is_byte_identical_to_the_local_run(slurm_cluster, tmp_path):
    overlay = tmp_path / "smoke_cut.yaml"
    overlay.write_text(yaml.safe_dump(SMOKE_CUT))
    configs = ("--configfile", str(REPO / "config" / "smoke.yaml"), str(overlay))
    local, work = tmp_path / "local", tmp_path / "slurm"
    local.mkdir()
    work.mkdir()

    t0 = time.monotonic()
    run_snakemake(local, *configs)
    t_local = time.monotonic() - t0

    env = {**slurm_cluster.env}
    # the srun wrapper first, then this interpreter's scripts (`depth2`), as run_snakemake does
    env["PATH"] = os.pathsep.join([str(slurm_cluster.root / "bin"), str(Path(sys.executable).parent),
                                   os.environ.get("PATH", "")])
    t0 = time.monotonic()
    proc = run_snakemake(work, "--profile", str(REPO / "profiles" / "slurm"), *SLURM_TEST_ARGS, *configs,
                         env=env, check=False)
    t_slurm = time.monotonic() - t0
    out = proc.stdout + proc.stderr
    submitted = set(re.findall(r"Job (\d+) has been submitted with SLURM jobid \d+", out))
    print(f"[slurm] smoke cut: local run {t_local:.0f} s, Slurm run {t_slurm:.0f} s ({len(submitted)} Slurm jobs)")
    assert proc.returncode == 0, f"snakemake on Slurm failed ({proc.returncode}):\n{out[-6000:]}\n" \
                                 f"{_failed_slurm_logs(work)}\n{slurm_cluster.logs()}"

    # every job but the target rule `all` ran as a Slurm job
    finished = dict(re.findall(r"Finished jobid: (\d+) \(Rule: (\w+)\)", out))
    assert finished and set(finished) - submitted == {j for j, rule in finished.items() if rule == "all"}
    assert {"dataset", "fit", "evaluate", "aggregate", "figure", "claims"} <= {finished[j] for j in submitted}

    ours, theirs = _outputs(work), _outputs(local)
    assert [p.relative_to(work) for p in ours] == [p.relative_to(local) for p in theirs]
    assert len(ours) > 12
    for x, y in zip(ours, theirs, strict=True):
        assert filecmp.cmp(x, y, shallow=False), f"{x.relative_to(work)} differs between the Slurm and local runs"
    assert (work / "results" / "notebooks" / "awasthi2021.ipynb").stat().st_size > 1000


def test_every_job_can_be_addressed_on_a_cluster():
    """Remote jobs are started as ``snakemake --target-jobs rule:wildcard=value,...``: Snakemake 9 splits
    that on ',' (the executor interface quotes such values, the parser ignores the quotes; snakemake PR
    #2659), so a wildcard value holding a comma makes every remote executor fail while local runs pass."""
    from snakemake.target_jobs import parse_target_jobs_cli_args
    from snakemake_interface_executor_plugins.utils import TargetSpec, encode_target_jobs_cli_args

    from depth2.config import load
    from depth2.plan import Plan

    for name in ("smoke.yaml", "config.yaml", "paper.yaml"):
        plan = Plan(load(REPO / "config" / name))
        specs = [TargetSpec("dataset", {"paper": p, "experiment": e, "point": pt}) for p, e, pt in plan.datasets()]
        specs += [TargetSpec("fit", {"paper": p, "experiment": e, "point": pt, "learner": ln})
                  for p, e, pt, ln in plan.fits()]
        specs += [TargetSpec("evaluate", {"paper": p, "experiment": e, "point": pt}) for p, e, pt in plan.datasets()]
        specs += [TargetSpec("aggregate", {"paper": p, "experiment": e}) for p, e in plan.tables()]
        specs += [TargetSpec("figure", {"paper": p, "name": f}) for p, f in plan.figures()]
        bad = []
        for spec in specs:
            try:
                ok = parse_target_jobs_cli_args(encode_target_jobs_cli_args([spec])) == [spec]
            except ValueError:
                ok = False
            if not ok:
                bad.append(f"{spec.rulename} {spec.wildcards_dict}")
        assert not bad, f"config/{name}: jobs a cluster cannot start (no ',' in point names):\n" + "\n".join(bad)
