"""awasthi2021 experiment grids, built from the paper's config section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from depth2.papers.spec import Experiment, Point

FAMILY = "awasthi2021.relu_net"
BASELINES = ("net_lbfgs", "hermite_tensor_zero_bias")


def experiments(cfg: Mapping[str, Any], root: Mapping[str, Any]) -> list[Experiment]:
    """The enabled awasthi2021 experiments."""
    ex, reps = cfg["experiments"], int(cfg["replicates"])
    lp = {name: dict(cfg["learners"]["hermite_tensor"]) for name in  # one setting, five learners
          ("hermite_tensor", "hermite_tensor+refine", "hermite_tensor_t3", "hermite_tensor_t4",
           "hermite_tensor_zero_bias")}
    lp["hermite_tensor+refine"]["max_iter"] = int(cfg["learners"]["refine_max_iter"])
    lp["net_lbfgs"] = {"max_iter": int(cfg["learners"]["net_lbfgs_max_iter"]),
                       "max_rows": int(cfg["learners"]["net_lbfgs_max_rows"]),
                       "restarts": int(cfg["learners"]["net_lbfgs_restarts"])}
    out: list[Experiment] = []

    def add(name: str, title: str, points: list[Point]) -> None:
        if ex[name]["enabled"]:
            used = {ln for p in points for ln in p.learners}
            out.append(Experiment("awasthi2021", name, title, tuple(points), {k: lp[k] for k in sorted(used)}))

    def point(labels: dict, n: int, d: int, m: int, learners, replicates: int = reps, **params) -> Point:
        return Point(labels=labels, family=FAMILY, n=int(n), d=int(d), replicates=int(replicates),
                     params={"m": int(m), **params}, learners=tuple(learners), width=int(m))

    e = ex["hermite_coeffs"]
    add("hermite_coeffs", "Closed-form Hermite coefficients c_k(b) against Monte Carlo",
        [Point(labels={"draws": int(e["n"])}, family="awasthi2021.gaussian_1d", n=int(e["n"]), d=1,
               replicates=reps, params={"biases": [float(v) for v in e["biases"]]}, learners=())])

    e = ex["recovery_vs_n"]
    add("recovery_vs_n", "Parameter recovery against n",
        [point({"d": d, "m": m, "n": n}, n, d, m, e["learners"], bias_mode="uniform", bias=float(e["bias"]))
         for d, m in e["shapes"] for n in e["n"]])
    e = ex["bias_sweep"]
    add("bias_sweep", "Recovery against the bias magnitude |b|",
        [point({"bias": float(bb)}, e["n"], e["d"], e["m"], e["learners"], replicates=e["replicates"],
               bias_mode="pm", bias=float(bb), orthonormal=bool(e["orthonormal"])) for bb in e["biases"]])
    e = ex["hermite_roots"]
    ablation = ["hermite_tensor", "hermite_tensor_t3", "hermite_tensor_t4"]
    add("hermite_roots", "Biases at the Hermite roots: T3 only, T4 only, T3 + T4",
        [point({"roots": "0_1_-1"}, e["n"], e["d"], e["m"], ablation, replicates=e["replicates"], bias_mode="list",
               biases=[0.0, 1.0, -1.0], orthonormal=bool(e["orthonormal"]))])
    e = ex["baselines"]
    add("baselines", "Baselines: local search from random starts, and the zero-bias tensor method",
        [point({"d": d, "m": m}, e["n"], d, m, ["hermite_tensor", *BASELINES], replicates=e["replicates"],
               bias_mode="uniform", bias=float(e["bias"])) for d, m in e["shapes"]])
    e = ex["conditioning"]
    add("conditioning", "Recovery against the condition of W (shared-direction collinearity)",
        [point({"collinearity": float(c)}, e["n"], e["d"], e["m"], ["hermite_tensor"], bias_mode="uniform",
               bias=float(e["bias"]), collinearity=float(c)) for c in e["collinearity"]])
    return out
