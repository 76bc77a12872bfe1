"""mondelli2019 figures. Every risk panel shows least squares (``ols``) beside the learners, so that a
linear shortcut cannot pass as learning, and the trivial predictor's level 1."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from depth2.plotting import line_with_interval, summarize

LABEL = {"trivial": "E[y] (trivial)", "ols": "least squares (linear)", "norm_only": "norm only",
         "tensor_jennrich": "Jennrich", "tensor_power": "power method + refinement",
         "tensor_spectral": "spectral (flattening) + refinement", "student_gd": "student GD",
         "cubic_ridge": "cubic ridge"}
MARKER = {"ols": "s", "tensor_jennrich": "^", "tensor_power": "o", "tensor_spectral": "D", "student_gd": "v",
          "cubic_ridge": "o", "norm_only": "x", "trivial": "."}


def _risk_axes(ax) -> None:
    ax.axhline(1.0, color="k", lw=0.8, ls=":", label="trivial level")
    ax.set_ylabel("test risk / Var(y)\n(mean, 95% t-interval)")
    ax.set_ylim(bottom=0)


def identities(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["identities"]
    ax1, ax2 = fig.subplots(1, 2)
    triv = df[df["learner"] == "trivial"]
    keys = sorted({(s, int(r)) for s, r in zip(triv["sigma"], triv["r"], strict=True)})
    for i, (s, r) in enumerate(keys):
        v = triv[(triv["sigma"] == s) & (triv["r"] == r)]["var_ratio"]
        ax1.scatter(np.full(len(v), i), v, s=14, color="C0")
        ax1.plot([i - 0.25, i + 0.25], [v.mean()] * 2, color="C0", lw=2)
    ax1.axhline(1.0, color="k", lw=0.8, ls=":")
    ax1.set_xticks(range(len(keys)), [f"{s}\nr={r}" for s, r in keys], fontsize=7)
    ax1.set_ylabel("empirical Var(y) / identity\n(dots: seeds; bar: mean)")
    learners = ["norm_only", "ols"]
    width = 0.8 / len(learners)
    for j, ln in enumerate(learners):
        g = df[df["learner"] == ln]
        vals = [g[(g["sigma"] == s) & (g["r"] == r)]["rel_risk"].mean() for s, r in keys]
        ax2.bar(np.arange(len(keys)) + (j - 0.5) * width, vals, width=width, label=LABEL[ln], color=f"C{j + 1}")
    ax2.set_xticks(range(len(keys)), [f"{s}\nr={r}" for s, r in keys], fontsize=7)
    _risk_axes(ax2)
    ax2.legend(fontsize=7)


def _against_ratio(ax, df: pd.DataFrame, value: str, learners: list[str], log: bool = False) -> None:
    dims = sorted(set(df["d"]))
    for k, d in enumerate(dims):
        for ln in learners:
            g = df[(df["d"] == d) & (df["learner"] == ln)]
            if g.empty:
                continue
            s = summarize(g, ["ratio"], value, log=log)
            line_with_interval(ax, s["ratio"], s["mean"], s["lo"], s["hi"], label=f"{LABEL[ln]}, d={d}",
                               color=f"C{k}", marker=MARKER.get(ln, "o"))
    ax.set_xscale("log")
    ax.set_xlabel("r / d^1.5")


def barrier(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["barrier"]
    ax1, ax2 = fig.subplots(1, 2)
    tensor = [ln for ln in ("tensor_jennrich", "tensor_power", "tensor_spectral") if ln in set(df["learner"])]
    _against_ratio(ax1, df, "rel_risk", ["ols", *tensor])
    _risk_axes(ax1)
    _against_ratio(ax2, df, "frac_recovered", tensor)
    ax2.set_ylabel("fraction of weights recovered\n(|cos| >= bounds.recovery_cos)")
    ax2.set_ylim(-0.03, 1.03)
    ax1.legend(fontsize=6, ncol=2, loc="center left", bbox_to_anchor=(0.0, 0.7))  # the band between the levels


def weights_vs_risk(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = pd.concat([tables[e].assign(experiment=e) for e in ("barrier", "student") if e in tables],
                   ignore_index=True)
    df = df[df["median_weight_err"].notna()]
    ax = fig.subplots(1, 1)
    for k, (ln, g) in enumerate(df.groupby("learner", sort=True)):
        ax.scatter(np.maximum(g["median_weight_err"], 1e-6), g["rel_risk"], s=16, color=f"C{k}",
                   marker=MARKER.get(ln, "o"), label=LABEL.get(ln, ln), alpha=0.8)
    ols = pd.concat([tables[e] for e in ("barrier", "student") if e in tables], ignore_index=True)
    ols = ols[ols["learner"] == "ols"]["rel_risk"]
    if len(ols):
        ax.axhline(float(ols.mean()), color="grey", lw=1.0, ls="--",
                   label=f"least squares (linear), mean over points: {float(ols.mean()):.2f}")
    ax.set_xscale("log")
    ax.set_xlabel("median over planted units of 1 - |cos| (matched)")
    _risk_axes(ax)
    ax.legend(fontsize=7)


def cubic_control(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["cubic_control"]
    ax = fig.subplots(1, 1)
    for k, (r, g) in enumerate(df[df["learner"] == "cubic_ridge"].groupby("r", sort=True)):
        s = summarize(g, ["n_over_features"], "rel_risk")
        line_with_interval(ax, s["n_over_features"], s["mean"], s["lo"], s["hi"], label=f"cubic ridge, r={r}",
                           color=f"C{k}")
        g = df[(df["learner"] == "ols") & (df["r"] == r)]
        if len(g):
            s = summarize(g, ["n_over_features"], "rel_risk")
            line_with_interval(ax, s["n_over_features"], s["mean"], s["lo"], s["hi"],
                               label=f"least squares (linear), r={r}", color=f"C{k}", marker="s")
    ax.axvline(1.0, color="grey", lw=0.8, ls="--", label="n = C(d+2, 3)")
    ax.set_xscale("log")
    ax.set_xlabel("n / C(d+2, 3)  (samples per degree-3 Hermite feature)")
    _risk_axes(ax)
    ax.legend(fontsize=7)


def student(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["student"]
    ax = fig.subplots(1, 1)
    _against_ratio(ax, df, "rel_risk", ["ols", "student_gd"])
    _risk_axes(ax)
    ax.legend(fontsize=7)
