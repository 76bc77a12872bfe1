"""guo2025 experiment grids, built from the paper's config section.

Points of one experiment that differ only in the data family share their seeds (``seed_key`` drops the
family): the same hidden direction, the same Gaussian rows and the same learner initializations, so
"the adversarial family against the control at the same b, init and budget" is a paired comparison.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from depth2.core.gaussian import Phi
from depth2.papers.spec import Experiment, Point

FAMILY = {"eq4": "guo2025.eq4", "realizable": "guo2025.realizable", "hermite_truncated": "guo2025.hermite_truncated"}


def sample_size(b: float, cfg: Mapping[str, Any]) -> int:
    """n = clip(ceil(n_phi_min / Phi(b)), n_min, n_max): enough rows that about n_phi_min are active."""
    n = math.ceil(float(cfg["n_phi_min"]) / float(Phi(b)))
    return int(min(max(n, int(cfg["n_min"])), int(cfg["n_max"])))


def _family_params(family: str, b: float, cfg: Mapping[str, Any], alpha: float | None = None) -> dict:
    if family == "realizable":
        return {"b": float(b), "kappa": float(cfg["kappa"])}
    return {"b": float(b), "alpha": float(cfg["alpha"] if alpha is None else alpha)}


def _point(family: str, b: float, rows: int, d: int, reps: int, learners, cfg, alpha: float | None = None,
           **extra: Any) -> Point:
    """One grid point. ``alpha`` overrides the paper-wide alpha (the CSQ experiments run at their own alpha,
    labelled so; the realizable control has no alpha)."""
    labels = {"family": family, "b": float(b), "d": int(d), **extra}
    if alpha is not None:
        labels["alpha"] = float(alpha)
    return Point(labels=labels, family=FAMILY[family], n=int(rows), d=int(d), replicates=int(reps),
                 params=_family_params(family, b, cfg, alpha), learners=tuple(learners))


def learner_params(cfg: Mapping[str, Any]) -> dict[str, dict]:
    """Hyper-parameters of every learner, from ``guo2025.learners`` (``alg1`` takes ``sq``'s plus ``gd``)."""
    lp = cfg["learners"]
    return {"zero": {}, "gd": dict(lp["gd"]), "gd_pop": dict(lp["gd_pop"]), "sq": dict(lp["sq"]), "pca_tail": {},
            "sq_pca": dict(lp["sq"]), "alg1": {**lp["sq"], "gd": dict(lp["gd"])}}


def _stop_at_escape(e: Mapping[str, Any], cfg: Mapping[str, Any]) -> dict[str, dict]:
    """gd_pop overrides for the escape experiments: each run stops once it has escaped (loss <= escape_fraction
    x the zero function's: the claims' statistic, decided from then on because the loss only decreases) or at
    its own convergence test, within the experiment's step budget."""
    return {"gd_pop": {"max_steps": int(e["max_steps"]), "stop_below": float(cfg["bounds"]["escape_fraction"])}}


def experiments(cfg: Mapping[str, Any], root: Mapping[str, Any]) -> list[Experiment]:
    """The enabled guo2025 experiments."""
    ex, d, reps = cfg["experiments"], int(cfg["d"]), int(cfg["replicates"])
    lp = learner_params(cfg)
    out: list[Experiment] = []

    def add(name: str, title: str, points: list[Point], overrides: Mapping[str, dict] | None = None) -> None:
        if ex[name]["enabled"]:
            used = {ln for p in points for ln in p.learners}
            params = {k: {**lp[k], **(overrides or {}).get(k, {})} for k in sorted(used)}
            out.append(Experiment("guo2025", name, title, tuple(points), params))

    e = ex["bias_sweep"]
    add("bias_sweep", "L/OPT against the bias b, adversarial eq. (4) family and realizable control",
        [_point(f, b, sample_size(b, cfg), d, reps, e["learners"], cfg) for f in e["families"] for b in e["biases"]])

    e = ex["population_gd"]
    add("population_gd", "Exact population GD: success over random initializations against d",
        [_point(f, b, 1, dd, e["inits"], ["gd_pop"], cfg, alpha=float(e["alpha"])) for f in e["families"]
         for b in e["biases"] for dd in e["dims"]], _stop_at_escape(e, cfg))

    e = ex["pca_overlap"]
    add("pca_overlap", "Thresholded-PCA overlap against n Phi(b)",
        [_point(f, b, max(int(math.ceil(k / float(Phi(b)))), 1000), d, reps, ["sq_pca"], cfg, n_phi=int(k))
         for f in e["families"] for b in e["biases"] for k in e["n_phi"]])

    e = ex["pca_tail"]
    add("pca_tail", "Theorem 13's thresholded PCA at the true guess against n Phi(b), on the exact tail stream",
        [_point(f, b, int(math.ceil(k / float(Phi(b)))), d, int(e["replicates"]), ["pca_tail"], cfg, n_phi=int(k))
         for f in e["families"] for b in e["biases"] for k in e["n_phi"]])

    e = ex["sq_vs_n"]
    add("sq_vs_n", "SQ algorithm's L/OPT against n Phi(b) at a very negative bias",
        [_point(f, e["bias"], max(int(math.ceil(k / float(Phi(e["bias"])))), 1000), d, reps, ["sq"], cfg,
                n_phi=int(k)) for f in e["families"] for k in e["n_phi"]])

    for name, adversarial, title in (
            ("eq4_gd", "eq4", "Exact population GD on eq. (4) against the control from the same inits"),
            ("csq_gd", "hermite_truncated", "Exact population GD on the CSQ instance against the control from the "
                                            "same inits")):
        e = ex[name]
        add(name, title, [_point(f, b, 1, dd, e["inits"], ["gd_pop"], cfg, alpha=float(e["alpha"]))
                          for f in (adversarial, "realizable") for b in e["biases"] for dd in e["dims"]],
            _stop_at_escape(e, cfg))

    e = ex["csq"]
    add("csq", "GD against SQ on the Hermite-truncated CSQ instance and the realizable control",
        [_point(f, b, int(e["n"]), dd, reps, e["learners"], cfg, alpha=float(e["alpha"]))
         for f in ("hermite_truncated", "realizable") for b in e["biases"] for dd in e["dims"]],
        {"gd_pop": {"max_steps": int(e["max_steps"])}})  # to convergence: the claim reads the final loss
    return out
