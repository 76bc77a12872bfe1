"""safran2022 experiment grids, built from the paper's config section.

Every point's ``width`` is a strong net's width; weak nets are fitted with ``match_strong`` (the same number
of trainable parameters). On ``sphere_sum`` (D'_d) the radius is the middle of the hard band
[sqrt(2 - 1/sqrt d), sqrt 2] (outside it the task is trivial); the other laws use ``lam``.

Fits that figures follow along their GD path are trained with ``trace=True`` (their parameters at every logged
step are kept and scored): the strong net in ``strong_vs_width`` and ``heavy_tails``, both weak nets in
``movement``.

Every strong net and ``rf_ridge`` at a point share one hidden layer: ``depth2 fit`` draws it from the dataset's
``shared`` stream (``ball_nets.SHARED_FEATURES``), not from the learner's own stream. The strong nets run the
accelerated solver to their convergence test with the iterate chosen on a validation split;
``strong_net_gd`` is the paper's fixed-step GD with a budget of ``gd_steps_per_width * r`` steps, run as one
series in ``strong_vs_width`` on ``gd_laws``. The weak nets are trained by Adam to their convergence test with
the iterate chosen on validation, except in ``movement`` (line-search GD on every row, the whole path traced)
and ``heavy_tails`` (the ReLU net at the fixed GD step, on every row).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from depth2.papers.safran2022.data import hard_band
from depth2.papers.spec import Experiment, Point

FAMILY = "safran2022.ball"
STRONG = ("strong_net", "strong_net_sigmoid", "strong_net_linear", "strong_net_gd", "rf_ridge")
WEAK = ("weak_net", "weak_net_sigmoid", "weak_net_relu")
TRACED = {"trace": True}


def radius(law: str, d: int, lam: float) -> float:
    """The ball radius used for ``law`` in dimension d (the hard band's middle for sphere_sum)."""
    if law == "sphere_sum":
        lo, hi = hard_band(d)
        return round((lo + hi) / 2, 6)
    return float(lam)


def experiments(cfg: Mapping[str, Any], root: Mapping[str, Any]) -> list[Experiment]:
    """The enabled safran2022 experiments."""
    ex, reps, lcfg = cfg["experiments"], int(cfg["replicates"]), cfg["learners"]
    strong = dict(lcfg["strong_net"])
    weak = {**dict(lcfg["weak_net"]), "match_strong": True}
    path = {"validation": 0.0, "lr": None}  # a whole optimization path on every row (movement, heavy_tails)
    lp = {**{k: strong for k in ("strong_net", "strong_net_sigmoid", "strong_net_linear")},
          "strong_net_gd": {**strong, "solver": "gd", "steps": 1,
                            "steps_per_width": int(ex["strong_vs_width"]["gd_steps_per_width"])},
          "rf_ridge": {"max_rows": int(strong.get("max_rows", 20_000))}, **{k: weak for k in WEAK},
          "weak_net_adam": {**weak, **path, "optimizer": "adam"}, "trivial": {}}
    out: list[Experiment] = []

    def add(name: str, title: str, points: list[Point], override: Mapping[str, dict] | None = None) -> None:
        if ex[name]["enabled"]:
            used = {ln for p in points for ln in p.learners}
            params = {k: {**lp[k], **(override or {}).get(k, {})} for k in sorted(used)}
            out.append(Experiment("safran2022", name, title, tuple(points), params))

    def point(labels: dict, n: int, d: int, law: str, width: int, learners) -> Point:
        lam = radius(law, d, float(cfg["lam"]))
        return Point(labels={**labels, "lam": lam}, family=FAMILY, n=int(n), d=int(d), replicates=reps,
                     params={"law": law, "lam": lam}, learners=tuple(learners), width=int(width))

    e = ex["strong_vs_width"]
    grid = [(law, e["d"], r, e["n"]) for law in e["laws"] for r in e["widths"]]
    grid += [(law, d, int(e["width_per_d"]) * d, max(int(e["n"]), int(e["n_per_width"]) * int(e["width_per_d"]) * d))
             for law in e["laws"] for d in e["dims"] if d != e["d"]]
    add("strong_vs_width", "Strong net against width, steps and d (width growing with d), per radial law",
        [point({"law": law, "d": d, "width": r}, n, d, law, r,
               ["strong_net", "strong_net_gd"] if law in e["gd_laws"] and d == e["d"] else ["strong_net"])
         for law, d, r, n in grid],
        {"strong_net": TRACED, "strong_net_gd": TRACED})
    e = ex["weak_vs_strong"]
    add("weak_vs_strong", "Weak nets and random-feature ridge against the strong net at equal parameters",
        [point({"d": d}, e["n"], d, e["law"], e["width"], ["strong_net", "rf_ridge", *WEAK]) for d in e["dims"]])
    e = ex["output_ablation"]
    add("output_ablation", "Output unit: clipped against sigmoid against linear",
        [point({"law": law}, e["n"], e["d"], law, e["width"], e["outputs"]) for law in e["laws"]])
    e = ex["movement"]
    add("movement", "Weak-net GD on D'_d: weight movement against the bound",
        [point({"d": d}, e["n"], d, "sphere_sum", e["width"], ["weak_net", "weak_net_adam"]) for d in e["dims"]],
        {"weak_net": {**TRACED, **path, "optimizer": "gd_ls", "steps": int(e["steps"])},
         "weak_net_adam": {**TRACED, "lr": weak.get("lr"), "steps": int(e["steps"])}})
    e = ex["heavy_tails"]
    add("heavy_tails", "GD stability under heavy-tailed inputs",
        [point({"law": law}, e["n"], e["d"], law, e["width"], ["strong_net", "weak_net_relu"]) for law in e["laws"]],
        {"strong_net": TRACED, "weak_net_relu": {**TRACED, **path, "optimizer": "gd", "steps": int(e["steps"])}})
    e = ex["eldan_shamir_sweep"]
    top = max(e["widths"])
    add("eldan_shamir_sweep", "D_d: the best weak net over widths against the strong net, against d",
        [point({"d": d, "width": r}, e["n"], d, "eldan_shamir", r, ["strong_net", "weak_net"] if r == top
               else ["weak_net"]) for d in e["dims"] for r in e["widths"]])
    return out
