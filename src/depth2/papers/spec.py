"""Declarations a paper module makes: experiments (grids of points), figures and claims.

The workflow builds its DAG from these declarations and the config alone: adding an experiment to a
paper module never needs a new Snakemake rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


def format_value(v: Any) -> str:
    """Compact, path-safe text for a grid coordinate (``-4.0 -> '-4'``, ``1e7 -> '10000000'``)."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def point_name(labels: Mapping[str, Any]) -> str:
    """The point's directory name: ``key=value`` pairs in declaration order, joined by ``_``.

    Commas are refused: Snakemake 9 splits the wildcards of a remote job (``--target-jobs``) on commas, so such a
    point would run locally and fail on every cluster executor."""
    name = "_".join(f"{k}={format_value(v)}" for k, v in labels.items())
    if "," in name:
        raise ValueError(f"grid point {name!r}: labels must not contain ',' (cluster jobs cannot address it)")
    return name


@dataclass(frozen=True)
class Point:
    """One grid point of an experiment: a dataset and the learners fitted to it.

    Attributes
    ----------
    labels : dict
        Grid coordinates (written into every metrics row), e.g. ``{"family": "eq4", "b": -4.0}``.
    family : str
        Registered data family ``"<paper>.<name>"``.
    n, d, replicates : int
    params : dict
        Family parameters.
    learners : tuple of str
        Registered learner names fitted at this point.
    width : int
        The ``width`` every learner at this point is fitted with (hidden units; 1 for one neuron).
    learner_params : dict
        Per-learner hyper-parameters of this point only (``{learner: {name: value}}``), merged over the
        experiment's (e.g. the accuracy ``eps`` of a proper learner swept along the grid).
    seed_ignore : tuple of str
        Labels left out of :attr:`seed_key` besides ``family`` (default none), so that points differing only in
        them share their seeds: e.g. goel2021's ``m_scan`` scans the element weight on the same instances.
    """

    labels: dict
    family: str
    n: int
    d: int
    replicates: int
    params: dict
    learners: tuple[str, ...]
    width: int = 1
    learner_params: dict = field(default_factory=dict)
    seed_ignore: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return point_name(self.labels)

    @property
    def seed_key(self) -> str:
        """The point's name in seed paths: the ``family`` label is left out, so points that differ only in
        their data family share hidden parameters, Gaussian rows and learner initializations (a paired
        comparison of an adversarial family against its control); so are the labels in ``seed_ignore``."""
        return point_name({k: v for k, v in self.labels.items() if k != "family" and k not in self.seed_ignore})


@dataclass(frozen=True)
class Experiment:
    """A named grid of points of one paper, with the learner hyper-parameters used on it.

    ``seed`` and ``seed_name`` are set on a robustness variant's run of an experiment
    (:mod:`depth2.claims.variants`): the paper seed it runs under (None: the paper's own) and the experiment
    name in its seed paths (None: ``name``), so that a nuisance variant without a seed of its own draws the main
    run's data at every point the two share."""

    paper: str
    name: str
    title: str
    points: tuple[Point, ...]
    learner_params: dict = field(default_factory=dict)
    seed: int | None = None
    seed_name: str | None = None

    @cached_property
    def _points_by_name(self) -> dict[str, Point]:
        # Snakemake re-evaluates every ready job's params at each scheduling round: keep this lookup O(1).
        return {p.name: p for p in self.points}

    def point(self, name: str) -> Point:
        try:
            return self._points_by_name[name]
        except KeyError:
            raise KeyError(f"experiment {self.paper}/{self.name} has no point {name!r}") from None


@dataclass(frozen=True)
class FigureSpec:
    """A figure drawn from the aggregated tables of ``experiments``.

    ``draw(tables, fig)`` receives ``{experiment: DataFrame}`` and a matplotlib Figure. ``caption`` says
    what the paper predicts and what the plot shows (it is the report's caption too).
    """

    name: str
    experiments: tuple[str, ...]
    title: str
    caption: str
    draw: Callable[..., None]
    size: tuple[float, float] = (9.0, 3.6)


@dataclass(frozen=True)
class Paper:
    """Everything a paper contributes to the workflow.

    Attributes
    ----------
    key : str
        Config and directory key, e.g. ``"guo2025"``.
    citation : str
    experiments : callable
        ``experiments(paper_config, root_config) -> list[Experiment]`` (the enabled ones).
    evaluate : callable
        ``evaluate(dataset, fits, bounds) -> DataFrame``: one tidy row per replicate, the metrics of one
        learner at one point (``bounds`` is the paper's pre-registered ``bounds`` config section).
    figures : tuple of FigureSpec
    claims_module : str
        The module whose ``CLAIMS`` (a tuple of Claim) are the paper's claims, read by :attr:`claims` on
        first use. ``experiments``, ``evaluate`` and the figures' ``draw`` are usually :class:`Lazy` too.
    modules : dict
        Stage -> the modules whose code that stage depends on (hashed into the rule params, so that a
        change re-runs exactly the dependent jobs): ``data``, ``evaluate``, ``figures``, ``claims``.
    notebook_reads : tuple of str
        The experiments the paper's notebook (``workflow/notebooks/<key>.ipynb``) opens; the notebook runs only
        when all of them are enabled (a run with one of them disabled skips it instead of failing in a cell).
    """

    key: str
    citation: str
    experiments: Callable[[Mapping[str, Any], Mapping[str, Any]], list[Experiment]]
    evaluate: Callable[..., Any]
    figures: tuple[FigureSpec, ...]
    claims_module: str
    modules: dict[str, tuple[str, ...]]
    notebook_reads: tuple[str, ...] = ()

    @property
    def claims(self) -> tuple[Any, ...]:
        """The paper's claims (imports :attr:`claims_module`)."""
        import importlib

        return tuple(importlib.import_module(self.claims_module).CLAIMS)

    @property
    def coverage(self) -> tuple[Any, ...]:
        """The paper's headline results and the rows that test them (``COVERAGE`` of :attr:`claims_module`)."""
        import importlib

        return tuple(getattr(importlib.import_module(self.claims_module), "COVERAGE", ()))


class Lazy:
    """A function named by module and attribute, imported on its first call.

    Paper declarations are imported by every job (dataset, fit, evaluate). A job needs one stage's code: a
    dataset job, the data module; an evaluate job, the metrics module. Importing every stage's module eagerly
    would load pandas, scipy.optimize or matplotlib in each of hundreds of processes for nothing (0.5 to 1 s
    each).
    """

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Lazy({self.module!r}, {self.name!r})"


def figure_functions(paper: str) -> Callable[[str], Lazy]:
    """``draw(name)``: the lazy draw function ``name`` of ``depth2.papers.<paper>.figures``."""
    return lambda name: Lazy(f"depth2.papers.{paper}.figures", name)
