"""goel2021 experiment grids, built from the paper's config section.

The reduction instances have a fixed number of rows (one per set or vertex, one per element or edge); each
point's ``n`` is computed from its instance parameters (:func:`depth2.papers.goel2021.data.rows`). Instances
that are the same for every seed (the hand-built set system, the Fano plane, K_5^(3), K_4, W_5) run one replicate.

The reductions are run for both models on the SAME instance (paired): ``exact`` fits bias-free units and
``exact_bias`` units with a bias (the paper's model). Every reduction instance carries the origin gadget (origin rows
with label 0: ``ceil(origin_scale N)`` for reduction A, ``origin_per_vertex N`` for reduction B), which changes
nothing for bias-free units (they output 0 at the origin) and makes the reductions hold with a bias
(:mod:`.reductions`). On Set Cover both learners try every output sign; on the colouring instances the units have
positive output signs (with a bias, mixed signs fit every instance: :func:`.reductions.mixed_sign_bias_net`).
Local search fits bias-free units (the instances without the gadget's rows: it is the bias-free comparison).

``m_scan`` (figure only, no claim; issue 19) fits reduction A's instances as reduction A does, at every element weight
``M = m_scale N^2`` of a grid: ``m_scale`` is a point label left out of the seed path, so every ``m_scale`` sees the
same instances, and the experiment's own name in the seed path leaves reduction A's seeds and points unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from depth2.papers.goel2021.data import GRAPH_KINDS, rows
from depth2.papers.spec import Experiment, Point

SET_COVER, COLOURING, TEACHER = "goel2021.set_cover", "goel2021.colouring", "goel2021.teacher"
LOCAL = ("net_gd", "net_adam")
EXACT = ("exact", "exact_bias")
FIXED = {"fano": 7, "k5": 5, "k4": 4, "wheel5": 6}


def _colour_point(labels: dict, kind: str, d: int, n_edges: int | None, k: int, reps: int, learners, width: int,
                  origin: int = 0) -> Point:
    params = {"kind": kind, "k": k, **({"n_edges": n_edges} if n_edges is not None else {}),
              **({"origin": origin} if origin else {})}
    # reduction B's statement is about k units of positive output sign
    signs = {ln: {"signs": [1.0] * width} for ln in learners if ln in EXACT}
    return Point(labels=labels, family=COLOURING, n=rows(COLOURING, d, params), d=d,
                 replicates=1 if kind in FIXED else reps, params=params, learners=tuple(learners), width=width,
                 learner_params=signs)


def _cover_point(labels: dict, kind: str, N: int, m: int, p: float, scale: float, reps: int, learners,
                 origin: int = 0, seed_ignore: tuple[str, ...] = ()) -> Point:
    params = {"kind": kind, "n_elements": m, "p": p, "m_scale": scale, **({"origin": origin} if origin else {})}
    return Point(labels=labels, family=SET_COVER, n=rows(SET_COVER, N, params), d=N,
                 replicates=1 if kind == "three_set" else reps, params=params, learners=tuple(learners), width=1,
                 seed_ignore=seed_ignore)


def experiments(cfg: Mapping[str, Any], root: Mapping[str, Any]) -> list[Experiment]:
    """The enabled goel2021 experiments."""
    ex, reps, lcfg = cfg["experiments"], int(cfg["replicates"]), cfg["learners"]
    budget = {"time_budget": float(lcfg["exact"]["time_budget"])}
    local = {ln: {**dict(lcfg["local_search"]), "bias": False} for ln in LOCAL}
    out: list[Experiment] = []

    def add(name: str, title: str, points: list[Point], params: dict[str, dict]) -> None:
        if ex[name]["enabled"]:
            used = {ln for p in points for ln in p.learners}
            out.append(Experiment("goel2021", name, title, tuple(points), {k: params[k] for k in sorted(used)}))

    def models(e) -> list[str]:
        return [ln for ln, on in (("exact", e["bias_free"]), ("exact_bias", e["bias"])) if on]

    def set_cover_points(e, scale: Any, extra: dict | None = None, seed_ignore: tuple[str, ...] = ()) -> list[Point]:
        """Reduction A's instances (the three-set instance first, then the random ones) at element weight
        ``scale``; ``extra`` labels are added to every point."""
        extra = extra or {}
        pts = [_cover_point({"kind": "random", "sets": N, "elements": m, **extra}, "random", N, m, e["p"], scale, reps,
                            models(e), math.ceil(e["origin_scale"] * N), seed_ignore) for N, m in e["sizes"]]
        if e["three_set"]:
            pts.insert(0, _cover_point({"kind": "three_set", "sets": 3, "elements": 6, **extra}, "three_set", 3, 6,
                                       e["p"], scale, reps, models(e), math.ceil(e["origin_scale"] * 3), seed_ignore))
        return pts

    exact = {"exact": {**budget, "bias": False}, "exact_bias": {**budget, "bias": True}}
    e = ex["reduction_a"]
    add("reduction_a", "Reduction A: Set Cover to one ReLU (with and without a bias), exact optimum against the cover "
        "number", set_cover_points(e, e["m_scale"]), exact)

    # figure only, no claim (issue 19): the same instances (seeds shared across m_scale) at every element weight
    e = ex["m_scan"]
    pts = [p for scale in e["m_scales"]
           for p in set_cover_points(e, float(scale), {"m_scale": float(scale)}, ("m_scale",))]
    add("m_scan", "Reduction A against the element weight M = m_scale N^2: where tau - 1 < OPT <= tau starts (figure "
        "only)", pts, exact)

    e = ex["reduction_b"]
    pts = []
    per = int(e["origin_per_vertex"])
    for kind in e["named"]:
        k = 3 if kind in GRAPH_KINDS else 2
        pts.append(_colour_point({"kind": kind, "vertices": FIXED[kind], "edges": 0, "k": k}, kind, FIXED[kind], None,
                                 k, reps, models(e) if k == 2 else ["exact"], k, per * FIXED[kind]))
    for kind in ("planted", "random", "graph_planted", "graph_random"):
        k = 3 if kind in GRAPH_KINDS else 2
        for N, E in e[kind]:
            pts.append(_colour_point({"kind": kind, "vertices": N, "edges": E, "k": k}, kind, N, E, k, reps,
                                     models(e) if k == 2 else ["exact"], k, per * N))
    add("reduction_b", "Reduction B: hypergraph 2-colouring (with and without a bias) and graph 3-colouring "
        "(bias-free) to k positive ReLUs", pts, exact)

    e = ex["solver_cost"]
    pts = [Point(labels={"d": int(g["d"]), "n": int(n), "design": "n"}, family=TEACHER, n=int(n), d=int(g["d"]),
                 replicates=reps, params={"noise": float(e["noise"]), "bias": False}, learners=("exact",), width=1)
           for g in e["grid"] for n in g["n"]]
    # growth in d at n' = 2d positive labels: 2^(2d - 1) cells (labels lifted by `offset` so all are positive)
    pts += [Point(labels={"d": int(d), "n": 2 * int(d), "design": "d"}, family=TEACHER, n=2 * int(d), d=int(d),
                  replicates=reps, params={"noise": float(e["noise"]), "bias": False, "offset": float(e["offset"])},
                  learners=("exact",), width=1) for d in e["dims"]]
    add("solver_cost", "Exact single-ReLU ERM: time and cells against n' (positive labels) and against d at n' = 2d",
        pts, {"exact": {**budget, "bias": False, "signs": [1.0]}})

    e = ex["local_search"]
    N, m = e["set_cover"]
    pts = [_cover_point({"instance": "set_cover", "width": 1}, "random", N, m, ex["reduction_a"]["p"],
                        ex["reduction_a"]["m_scale"], reps, LOCAL)]
    V, E = e["colouring"]
    pts += [_colour_point({"instance": "planted", "width": w}, "planted", V, E, 2, reps, LOCAL, w) for w in e["widths"]]
    pts += [_colour_point({"instance": "fano", "width": w}, "fano", 7, None, 2, reps, LOCAL, w)
            for w in e["widths"] if w >= 3]
    pts.append(Point(labels={"instance": "teacher", "width": 1}, family=TEACHER, n=int(e["teacher_n"]),
                     d=int(e["teacher_d"]), replicates=reps, params={"noise": 0.0, "bias": False},
                     learners=LOCAL, width=1))
    add("local_search", "Local search against the exact optimum: reduction instances vs random-teacher data", pts,
        local)

    e = ex["project_grid"]
    arms = ((("poly_kernel",) if e["improper"] else ()) + ("project_grid",)
            + (("project_exact",) if e["exact_arm"] else ()))
    pts = [Point(labels={"regime": regime, "eps": float(eps)}, family=TEACHER, n=int(e["n"]), d=int(e["d"]),
                 replicates=reps, params={"noise": 0.0 if regime == "realizable" else float(e["noise"]), "bias": False,
                                          "bounded": True},
                 learners=arms, width=1, learner_params={ln: {"eps": float(eps), "regime": regime} for ln in arms})
           for regime, grid in e["eps"].items() for eps in grid]
    add("project_grid", "Two proper learners (projection + grid, projection + exact ERM) against an improper kernel "
        "learner: work and excess loss against eps", pts,
        {"project_grid": {"max_points": int(e["max_points"])}, "poly_kernel": {"max_rows": int(e["kernel_rows"])},
         "project_exact": {"max_cells": int(e["exact_max_cells"])}})
    return out
