"""awasthi2021 figures."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from depth2.claims import proportion_interval
from depth2.plotting import line_with_interval, summarize

LABEL = {"hermite_tensor": "tensor method", "hermite_tensor+refine": "tensor method + refinement",
         "hermite_tensor_t3": "T3 only", "hermite_tensor_t4": "T4 only"}


def _per_replicate(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Worst neuron per replicate (max errors), with the replicate's test error."""
    return df.groupby([*keys, "learner", "replicate"], as_index=False).agg(
        w_err=("w_err", "max"), b_err=("b_err", "max"), rel_mse=("rel_mse", "first"))


def recovery_vs_n(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = _per_replicate(tables["recovery_vs_n"], ["d", "m", "n"])
    ax1, ax2 = fig.subplots(1, 2)
    for k, ((d, m, learner), g) in enumerate(df.groupby(["d", "m", "learner"], sort=True)):
        label = f"{LABEL[learner]}, d={d}, m={m}"
        c = f"C{k}"
        for ax, col in ((ax1, "w_err"), (ax2, "rel_mse")):
            med = g.groupby("n")[col].median()
            ax.plot(med.index, med.to_numpy(), marker="o", ms=4, lw=1.4, color=c, label=label)
            ax.scatter(g["n"] * (1 + 0.04 * (k - 1.5)), g[col], s=9, color=c, alpha=0.45, lw=0)
    n = np.array(sorted(set(df["n"])), dtype=float)
    ref = df[df["n"] == n.min()]["w_err"].median()
    ax1.plot(n, ref * np.sqrt(n.min() / n), "k--", lw=0.8, label="slope -1/2")
    for ax, lab in ((ax1, "max over neurons of |w_hat - w|"), (ax2, "test MSE / Var(y)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(n, [f"{v:.0e}" for v in n])
        ax.set_xlabel("samples n")
        ax.set_ylabel(lab + "\n(line: median; dots: seeds)")
    ax1.legend(fontsize=7)


def bias_sweep(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = _per_replicate(tables["bias_sweep"], ["bias"])
    ax1, ax2 = fig.subplots(1, 2)
    for learner, g in df.groupby("learner", sort=True):
        for ax, col in ((ax1, "w_err"), (ax2, "rel_mse")):
            s = summarize(g, ["bias"], col, log=True)
            line_with_interval(ax, s["bias"], s["mean"], s["lo"], s["hi"], label=LABEL[learner])
    ax1.set_ylabel("max over neurons of |w_hat - w|")
    ax2.set_ylabel("test MSE / Var(y)")
    for ax in (ax1, ax2):
        ax.set_yscale("log")
        ax.set_xlabel("|b_i| (all neurons, random signs)")
    ax1.legend()


def hermite_roots(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["hermite_roots"]
    ax = fig.subplots(1, 1)
    learners = ["hermite_tensor_t3", "hermite_tensor_t4", "hermite_tensor"]
    roots = sorted(set(df["b_true"]))
    width = 0.8 / len(learners)
    for j, learner in enumerate(learners):
        sub = df[df["learner"] == learner]
        p, lo, hi = [], [], []
        for b in roots:
            g = sub[sub["b_true"] == b]
            pi, li, hi_ = proportion_interval(int(g["recovered"].sum()), len(g))
            p.append(pi)
            lo.append(max(pi - li, 0.0))  # rounding can put p a hair outside its own interval
            hi.append(max(hi_ - pi, 0.0))
        x = np.arange(len(roots)) + (j - 1) * width
        ax.bar(x, p, width=width, yerr=[lo, hi], capsize=3, label=LABEL[learner])
    ax.set_xticks(np.arange(len(roots)), [f"b = {b:g}" for b in roots])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of planted neurons recovered\n(Wilson 95%)")
    ax.legend()
