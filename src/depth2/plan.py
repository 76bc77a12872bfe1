"""The job plan: which datasets, fits, tables, figures and claims a config asks for.

The Snakefile builds its DAG from this object alone; every value a job needs is rendered here into the
job's ``params`` (JSON), so that a job never re-reads the config (schema defaults may be absent in jobs
run remotely) and a changed value re-runs exactly the jobs it reaches.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache, cached_property
from typing import Any

from depth2 import learners, papers
from depth2.claims.variants import variant_experiment, variant_section
from depth2.core.data import DatasetSpec
from depth2.core.io import dumps
from depth2.papers.spec import Experiment, Paper, Point
from depth2.provenance import code_hash

# Modules every stage reads or writes through.
IO_MODULES = ("depth2.artifacts",)


def compact(obj: Any) -> str:
    """Single-line canonical JSON (for shell arguments and params)."""
    return " ".join(dumps(obj).split())




def restrict_learners(e: Experiment, keep: list[str] | None) -> Experiment:
    """``e`` fitting only the learners in ``keep`` (None: all); points left without a learner are dropped (a
    variant runs what its claims read, nothing more)."""
    if not keep:
        return e
    pts = tuple(replace(pt, learners=tuple(ln for ln in pt.learners if ln in keep)) for pt in e.points if pt.learners)
    return replace(e, points=tuple(pt for pt in pts if pt.learners),
                   learner_params={k: v for k, v in e.learner_params.items() if k in keep})


def _memoized(method: Callable[..., str]) -> Callable[..., str]:
    """Memoize a Plan method on its (string) arguments, in the instance (freed with it)."""

    @functools.wraps(method)
    def wrapper(self: Plan, *args: str) -> str:
        memo = self.__dict__.setdefault("_memo", {})
        key = (method.__name__, args)
        if key not in memo:
            memo[key] = method(self, *args)
        return memo[key]

    return wrapper


@dataclass
class Plan:
    """Jobs of a validated config (see :func:`depth2.config.validate`).

    Snakemake re-evaluates the params of every ready job at each scheduling step (hundreds of jobs, hundreds
    of steps), so the methods that render params are memoized: the config does not change during a run."""

    config: Mapping[str, Any]

    @cached_property
    def papers(self) -> list[Paper]:
        return [papers.get(k) for k in self.config["papers"]]

    @cached_property
    def experiments(self) -> dict[tuple[str, str], Experiment]:
        """Every enabled experiment, and each robustness variant's run of the experiments its claims read
        (named :func:`~depth2.claims.variants.variant_experiment`, with the variant's section and seed)."""
        out = {}
        for p in self.papers:
            section = self.config[p.key]
            for e in p.experiments(section, self.config):
                out[(p.key, e.name)] = e
            for name, v in section.get("variants", {}).items():
                reads = {x for c in p.claims if c.short in v["claims"] for x in c.experiments}
                vsec = variant_section(section, v)
                for e in p.experiments(vsec, self.config):
                    if e.name in reads:
                        vname = variant_experiment(e.name, name)
                        out[(p.key, vname)] = replace(restrict_learners(e, v.get("learners")), name=vname,
                                                      seed=int(vsec["seed"]), seed_name=e.name)
        return out

    def paper(self, key: str) -> Paper:
        return papers.get(key)

    def point(self, paper: str, experiment: str, point: str) -> Point:
        return self.experiments[(paper, experiment)].point(point)

    # --- job lists ---------------------------------------------------------------------------------

    def datasets(self) -> list[tuple[str, str, str]]:
        return [(p, e, pt.name) for (p, e), exp in self.experiments.items() for pt in exp.points]

    def fits(self) -> list[tuple[str, str, str, str]]:
        return [(p, e, pt.name, ln) for (p, e), exp in self.experiments.items() for pt in exp.points
                for ln in pt.learners]

    def experiment_points(self, paper: str, experiment: str) -> list[str]:
        """Names of the points of an experiment (each has one metrics table)."""
        return [pt.name for pt in self.experiments[(paper, experiment)].points]

    def point_learners(self, paper: str, experiment: str, point: str) -> tuple[str, ...]:
        """Learners fitted at a point; a point without learners is evaluated on its data alone, and its
        metrics rows carry the reserved learner name :data:`~depth2.artifacts.NO_LEARNER`."""
        return self.point(paper, experiment, point).learners

    def benchmarks(self) -> dict[str, list[str]]:
        """The ``benchmark:`` file of every planned job, per rule, relative to ``results/benchmarks`` (the
        paths the rules in ``workflow/rules/`` declare; :mod:`depth2.runtime` reads them back)."""
        return {
            "dataset": [f"dataset/{p}/{e}/{pt}.tsv" for p, e, pt in self.datasets()],
            "fit": [f"fit/{p}/{e}/{pt}/{ln}.tsv" for p, e, pt, ln in self.fits()],
            "evaluate": [f"evaluate/{p}/{e}/{pt}.tsv" for p, e, pt in self.datasets()],
            "aggregate": [f"aggregate/{p}/{e}.tsv" for p, e in self.tables()],
            "figure": [f"figure/{p}/{f}.tsv" for p, f in self.figures()],
            "claims": ["claims.tsv"],
            "notebook": [f"notebook/{p}.tsv" for p in self.notebooks()],
        }

    def notebooks(self) -> list[str]:
        """Papers whose notebook runs: every experiment it opens (``Paper.notebook_reads``) is enabled."""
        return [p.key for p in self.papers if all((p.key, e) in self.experiments for e in p.notebook_reads)]

    def tables(self, paper: str | None = None) -> list[tuple[str, str]]:
        return [k for k in self.experiments if paper is None or k[0] == paper]

    def figures(self) -> list[tuple[str, str]]:
        """(paper, figure) for every figure whose experiments are all enabled."""
        out = []
        for p in self.papers:
            for f in p.figures:
                if all((p.key, e) in self.experiments for e in f.experiments):
                    out.append((p.key, f.name))
        return out

    def _figure(self, paper: str, figure: str):
        for f in self.paper(paper).figures:
            if f.name == figure:
                return f
        raise KeyError(f"paper {paper!r} has no figure {figure!r}")

    def figure_experiments(self, paper: str, figure: str) -> list[str]:
        return list(self._figure(paper, figure).experiments)

    def caption(self, paper: str, figure: str) -> str:
        """The figure's caption (what the paper predicts, what the plot shows), escaped for the report's
        reStructuredText (``|x|`` would otherwise be read as a substitution)."""
        return self._figure(paper, figure).caption.replace("\\", "\\\\").replace("|", "\\|")

    # --- job parameters ----------------------------------------------------------------------------

    @_memoized
    def dataset_spec(self, paper: str, experiment: str, point: str) -> str:
        exp = self.experiments[(paper, experiment)]
        pt = exp.point(point)
        st = self.config["storage"]
        # A variant with a seed of its own draws from (paper seed, variant seed): a pilot on another paper seed
        # draws other streams, so it never spends the confirmatory replication's draws.
        seeds = [int(self.config[paper]["seed"])] + ([] if exp.seed is None else [exp.seed])
        spec = DatasetSpec(family=pt.family, n=pt.n, d=pt.d, replicates=pt.replicates, params=pt.params,
                           seed_path=[int(self.config["root_seed"]), paper, *seeds, exp.seed_name or experiment,
                                      pt.seed_key],
                           block_rows=int(st["block_rows"]))
        return compact({"spec": spec.to_dict(), "labels": pt.labels, "max_stored_mb": st["max_stored_mb"],
                        "sample_rows": st["sample_rows"]})

    @_memoized
    def learner_params(self, paper: str, experiment: str, point: str, learner: str) -> str:
        """The learner's hyper-parameters at this point, ``width`` included."""
        exp = self.experiments[(paper, experiment)]
        pt = exp.point(point)
        return compact({**exp.learner_params.get(learner, {}), **pt.learner_params.get(learner, {}),
                        "width": pt.width})

    @_memoized
    def bounds(self, paper: str) -> str:
        return compact(self.config[paper].get("bounds", {}))

    def all_bounds(self) -> str:
        return compact({p.key: self.config[p.key].get("bounds", {}) for p in self.papers})

    def all_variants(self) -> str:
        """``{paper: {variant: {kind, claims, seed}}}``: what the claims job needs of each paper's variants."""
        return compact({p.key: {n: {k: v[k] for k in ("kind", "claims", "seed") if v.get(k) is not None}
                                for n, v in self.config[p.key].get("variants", {}).items()} for p in self.papers})

    def all_seeds(self) -> str:
        """``{paper: seed}``: each paper's own seed (the confirmatory one in the committed default config)."""
        return compact({p.key: int(self.config[p.key]["seed"]) for p in self.papers})

    # --- code provenance ---------------------------------------------------------------------------

    def code(self, stage: str, paper: str | None = None, learner: str | None = None) -> str:
        """Hash of the modules the jobs of ``stage`` depend on (see :mod:`depth2.provenance`).

        Snakemake evaluates params many times per job; the hash is computed once per (stage, paper,
        learner) in a process (source files do not change during a run)."""
        return _code_hash(stage, paper, learner, tuple(p.key for p in self.papers))


@cache
def _code_hash(stage: str, paper: str | None, learner: str | None, paper_keys: tuple[str, ...]) -> str:
    mods: list[str] = list(IO_MODULES)
    if stage == "dataset":
        mods += papers.get(paper).modules["data"]
    elif stage == "fit":
        mods += [learners.module_of(learner), *papers.get(paper).modules["data"]]
    elif stage == "evaluate":
        mods += papers.get(paper).modules["evaluate"]
    elif stage == "figure":
        mods += papers.get(paper).modules["figures"]
    elif stage == "claims":
        mods += ["depth2.claims.table", "depth2.claims.report", "depth2.claims.history",
                 *(m for k in paper_keys for m in papers.get(k).modules["claims"])]
    elif stage != "aggregate":
        raise ValueError(f"unknown stage {stage!r}")
    return code_hash(mods)
