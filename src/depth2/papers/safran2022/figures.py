"""safran2022 figures."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from depth2.plotting import line_with_interval, summarize

LABEL = {"strong_net": "strong net (clipped output)", "strong_net_sigmoid": "strong net, sigmoid output",
         "strong_net_linear": "strong net, linear output", "rf_ridge": "random-feature ridge",
         "weak_net": "weak net (tanh)", "weak_net_sigmoid": "weak net (sigmoid)", "weak_net_relu": "weak net (ReLU)"}


def _rel_axes(ax) -> None:
    ax.axhline(1.0, color="k", lw=0.8, ls=":", label="trivial predictor P(|x| <= lam)")
    ax.set_ylabel("test MSE / trivial MSE p(1 - p)\n(mean, 95% t-interval)")
    ax.set_ylim(bottom=0)


def strong_vs_width(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["strong_vs_width"]
    ax = fig.subplots(1, 1)
    for k, (law, g) in enumerate(df.groupby("law", sort=True)):
        s = summarize(g, ["width"], "rel_mse")
        line_with_interval(ax, s["width"], s["mean"], s["lo"], s["hi"], label=law, color=f"C{k}")
    ax.set_xscale("log")
    ax.set_xlabel("width r (hidden erf units; only the output layer is trained)")
    _rel_axes(ax)
    ax.legend(fontsize=7)


def weak_vs_strong(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["weak_vs_strong"]
    ax = fig.subplots(1, 1)
    for k, (ln, g) in enumerate(df.groupby("learner", sort=True)):
        s = summarize(g, ["d"], "rel_mse")
        line_with_interval(ax, s["d"], s["mean"], s["lo"], s["hi"], label=LABEL.get(ln, ln), color=f"C{k}")
    ax.set_xscale("log")
    ax.set_xticks(sorted(set(df["d"])), [str(v) for v in sorted(set(df["d"]))])
    ax.xaxis.set_minor_formatter(NullFormatter())  # only the d values run are labelled
    ax.set_xlabel("input dimension d (equal trainable parameters)")
    _rel_axes(ax)
    ax.legend(fontsize=7)


def output_ablation(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["output_ablation"]
    ax = fig.subplots(1, 1)
    laws = sorted(set(df["law"]))
    learners = ["strong_net", "strong_net_sigmoid", "strong_net_linear"]
    width = 0.8 / len(learners)
    for j, ln in enumerate(learners):
        x = np.arange(len(laws)) + (j - 1) * width
        for xi, law in zip(x, laws, strict=True):
            v = df[(df["learner"] == ln) & (df["law"] == law)]["rel_mse"]
            ax.scatter(np.full(len(v), xi), v, s=14, color=f"C{j}", label=LABEL[ln] if law == laws[0] else None)
            ax.plot([xi - width / 3, xi + width / 3], [v.mean()] * 2, color=f"C{j}", lw=2)
    ax.set_xticks(range(len(laws)), laws)
    ax.axhline(1.0, color="k", lw=0.8, ls=":", label="trivial predictor")
    ax.set_ylabel("test MSE / trivial MSE\n(dots: seeds; bar: mean)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
