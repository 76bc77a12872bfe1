"""mondelli2019 figures. Every risk panel shows least squares (``ols``) beside the learners, so that a
linear shortcut cannot pass as learning, and the trivial predictor's level 1."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter, ScalarFormatter

from depth2.papers.mondelli2019.experiments import generic_rank
from depth2.plotting import line_with_interval, summarize

LABEL = {"trivial": "E[y] (trivial)", "ols": "least squares (linear)", "norm_only": "norm only",
         "tensor_jennrich": "Jennrich + refinement", "tensor_power": "power method + refinement",
         "tensor_power_only": "power method alone",
         "tensor_spectral": "spectral (flattening) + refinement", "student_gd": "student GD",
         "cubic_ridge": "cubic ridge"}
MARKER = {"ols": "s", "tensor_jennrich": "^", "tensor_power": "o", "tensor_power_only": "x", "tensor_spectral": "D",
          "student_gd": "v",
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


def _against_ratio(ax, df: pd.DataFrame, value: str, learners: list[str], log: bool = False,
                   x: str = "ratio") -> None:
    dims = sorted(set(df["d"]))
    for k, d in enumerate(dims):
        for ln in learners:
            g = df[(df["d"] == d) & (df["learner"] == ln)]
            if g.empty:
                continue
            s = summarize(g, [x], value, log=log)
            line_with_interval(ax, s[x], s["mean"], s["lo"], s["hi"], label=f"{LABEL[ln]}, d={d}",
                               color=f"C{k}", marker=MARKER.get(ln, "o"))
    if x == "ratio":
        ax.set_xscale("log")
        ax.set_xlabel("r / d^1.5")
    else:
        ax.set_xlabel("r / generic rank (d+1)(d+2)/6")


def _recovery_and_risk(ax1, ax2, df: pd.DataFrame) -> None:
    tensor = [ln for ln in ("tensor_jennrich", "tensor_power", "tensor_power_only", "tensor_spectral")
              if ln in set(df["learner"])]
    _against_ratio(ax1, df, "frac_recovered", tensor, x="r_over_rank")
    ax1.set_ylabel("fraction of weights recovered\n(|cos| >= bounds.recovery_cos)")
    ax1.set_ylim(-0.03, 1.03)
    _against_ratio(ax2, df, "rel_risk", ["ols", *[t for t in tensor if t != "tensor_power_only"]], x="r_over_rank")
    _risk_axes(ax2)
    ax1.legend(fontsize=6)


def frontier(tables: Mapping[str, pd.DataFrame], fig) -> None:
    from depth2.papers.mondelli2019.claims import frontier_points

    df = tables["frontier"]
    ax1, ax2, ax3 = fig.subplots(1, 3)
    _recovery_and_risk(ax1, ax2, df)
    fp = frontier_points(df, {"frontier_recovered": 0.5})
    fp = fp[fp["r_star"] > 0]
    if len(fp):
        ax3.scatter(fp["d"], fp["r_star"], s=16, color="C0", label="r* per seed (tensor_power, n = infinity)")
        m = fp.groupby("d")["r_star"].mean()
        ax3.plot(m.index, m.values, color="C0")
        dd = np.linspace(min(fp["d"]), max(fp["d"]), 50)
        ax3.plot(dd, [generic_rank(x) for x in dd], "k--", lw=0.8, label="generic rank (d+1)(d+2)/6")
        ax3.plot(dd, dd**1.5, "k:", lw=0.8, label="d^1.5")
        ax3.set_xscale("log")
        ax3.set_yscale("log")
        for axis in (ax3.xaxis, ax3.yaxis):
            axis.set_major_formatter(ScalarFormatter())
            axis.set_minor_formatter(NullFormatter())
        ax3.set_xticks(sorted(set(fp["d"])))
        ax3.legend(fontsize=6)
    ax3.set_xlabel("d")
    ax3.set_ylabel("r*: largest r with >= 1/2 of the weights recovered")


def barrier(tables: Mapping[str, pd.DataFrame], fig) -> None:
    ax1, ax2 = fig.subplots(1, 2)
    _recovery_and_risk(ax1, ax2, tables["barrier"])


def weights_vs_risk(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = pd.concat([tables[e].assign(experiment=e) for e in ("frontier", "barrier", "student") if e in tables],
                   ignore_index=True)
    df = df[df["mean_cos6"].notna()]
    ax = fig.subplots(1, 1)
    for k, (ln, g) in enumerate(df.groupby("learner", sort=True)):
        inside = g["r"] <= 0.5 * generic_rank(g["d"].to_numpy(float)) + 0.5  # up to the rounding of r
        ax.scatter(1.0 - g["mean_cos6"][inside], g["rel_risk"][inside], s=16, color=f"C{k}",
                   marker=MARKER.get(ln, "o"), label=f"{LABEL.get(ln, ln)} (r <= rank/2)", alpha=0.8)
        ax.scatter(1.0 - g["mean_cos6"][~inside], g["rel_risk"][~inside], s=16, facecolors="none",
                   edgecolors=f"C{k}", marker="o", label=f"{LABEL.get(ln, ln)} (r > rank/2, outside)", alpha=0.6)
    ax.plot([0, 1], [0, 1], "k--", lw=0.8, label="risk/Var = 1 - mean c^6")
    ax.set_xlabel("1 - mean over planted units of |cos|^6 (matched)")
    _risk_axes(ax)
    ax.set_ylabel("test risk / Var(y) (one point per fit)")
    ax.legend(fontsize=6)


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
    _against_ratio(ax, df, "rel_risk", ["ols", "student_gd"], x="ratio")
    _risk_axes(ax)
    ax.legend(fontsize=7)
