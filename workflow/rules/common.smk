# Paths, the plan and helpers. All logic lives in the depth2 package; this file only renders the plan.
import hashlib
from pathlib import Path

from depth2.config import validate as _validate_config
from depth2.plan import NO_LEARNER, Plan

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
        f"{RESULTS}/{wildcards.paper}/{wildcards.experiment}/{pt}/metrics/{ln}.parquet"
        for pt, ln in PLAN.experiment_fits(wildcards.paper, wildcards.experiment)
    ]


def evaluate_inputs(wildcards):
    """The dataset, and the fit unless the point has no learner (then its data alone is evaluated)."""
    point = f"{RESULTS}/{wildcards.paper}/{wildcards.experiment}/{wildcards.point}"
    out = {"npz": f"{point}/data.npz"}
    if wildcards.learner != NO_LEARNER:
        out["fit"] = f"{point}/fit/{wildcards.learner}.npz"
    return out


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
    out = [f"{BENCH}/dataset/{p}/{e}/{pt}.tsv" for p, e, pt in PLAN.datasets()]
    out += [f"{BENCH}/fit/{p}/{e}/{pt}/{ln}.tsv" for p, e, pt, ln in PLAN.fits()]
    return out


def all_notebooks():
    return [f"{RESULTS}/notebooks/{p.key}.ipynb" for p in PLAN.papers]


def all_outputs():
    return [
        *all_figures(),
        f"{FIGURES}/claims.csv",
        f"{FIGURES}/claims.md",
        f"{RESULTS}/runtime.csv",
        *all_notebooks(),
    ]


def notebook_source(wildcards):
    return str(NOTEBOOK_DIR / f"{wildcards.paper}.ipynb")


def file_digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
