# Paths, the plan and helpers. All logic lives in the depth2 package; this file only renders the plan.
import hashlib
from pathlib import Path

from depth2.config import validate as _validate_config
from depth2.plan import Plan

config = _validate_config(config, workflow.source_path("../schemas/config.schema.yaml"))
PLAN = Plan(config)

RESULTS = "results"
FIGURES = "figures"
BENCH = "results/benchmarks"
ENV = "../envs/depth2.yaml"
NOTEBOOK_DIR = Path(workflow.basedir) / "workflow" / "notebooks"
POINT_DIR = "results/{paper}/{experiment}/{point}"


wildcard_constraints:
    paper="[a-z0-9]+",
    experiment="[a-z0-9_]+",
    learner="[a-z0-9_+]+",
    point="[^/]+",


def experiment_metrics(wildcards):
    return [
        f"{RESULTS}/{wildcards.paper}/{wildcards.experiment}/{pt}/metrics.parquet"
        for pt in PLAN.experiment_points(wildcards.paper, wildcards.experiment)
    ]


def evaluate_inputs(wildcards):
    """The dataset and the fits of every learner at the point (none: its data alone is evaluated)."""
    point = f"{RESULTS}/{wildcards.paper}/{wildcards.experiment}/{wildcards.point}"
    learners = PLAN.point_learners(wildcards.paper, wildcards.experiment, wildcards.point)
    return {"npz": f"{point}/data.npz", "fits": [f"{point}/fit/{ln}.npz" for ln in learners]}


def figure_tables(wildcards):
    return [
        f"{RESULTS}/{wildcards.paper}/{e}/table.parquet"
        for e in PLAN.figure_experiments(wildcards.paper, wildcards.name)
    ]


def all_tables():
    return [f"{RESULTS}/{p}/{e}/table.parquet" for p, e in PLAN.tables()]


def all_figures():
    return [f"{FIGURES}/{p}/{f}.{ext}" for p, f in PLAN.figures() for ext in ("pdf", "png")]


def all_benchmarks():
    return [f"{BENCH}/{f}" for files in PLAN.benchmarks().values() for f in files]


def all_notebooks():
    return [f"{RESULTS}/notebooks/{p}.ipynb" for p in PLAN.notebooks()]


def all_outputs():
    return [
        *all_figures(),
        f"{FIGURES}/claims.csv",
        f"{FIGURES}/claims.md",
        f"{RESULTS}/runtime.csv",
        f"{RESULTS}/runtime_summary.csv",
        f"{RESULTS}/runtime.png",
        *all_notebooks(),
    ]


def notebook_source(wildcards):
    return str(NOTEBOOK_DIR / f"{wildcards.paper}.ipynb")


def file_digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
