"""safran2022 figures."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from depth2.papers.safran2022.claims import PAPER_ERROR_FLOOR
from depth2.papers.safran2022.metrics import final_rows
from depth2.plotting import line_with_interval, summarize

LABEL = {"strong_net": "strong net (clipped output)", "strong_net_sigmoid": "strong net, sigmoid output",
         "strong_net_linear": "strong net, linear output", "rf_ridge": "random-feature ridge",
         "weak_net": "weak net (tanh)", "weak_net_sigmoid": "weak net (sigmoid)", "weak_net_relu": "weak net (ReLU)",
         "weak_net_adam": "weak net (tanh), Adam"}
LAWS = ("cauchy", "uniform_norm", "sphere_sum", "eldan_shamir", "gaussian")


def _law_color(law: str) -> str:
    return f"C{LAWS.index(law)}" if law in LAWS else "k"


def _label_dims(ax, values) -> None:
    """Log x axis labelled with exactly the values run."""
    vals = sorted(set(int(v) for v in values))
    ax.set_xscale("log")
    ax.set_xticks(vals, [str(v) for v in vals])
    ax.xaxis.set_minor_formatter(NullFormatter())


def _rel_axes(ax) -> None:
    ax.axhline(1.0, color="k", lw=0.8, ls=":", label="trivial predictor P(|x| <= lam)")
    ax.set_ylabel("test MSE / trivial MSE p(1 - p)\n(mean, 95% t-interval)")
    ax.set_ylim(bottom=0)


def strong_vs_width(tables: Mapping[str, pd.DataFrame], fig) -> None:
    full = tables["strong_vs_width"]
    df = full[full["learner"] == "strong_net"]
    gd_all = full[full["learner"] == "strong_net_gd"]
    final, gd_final = final_rows(df), final_rows(gd_all)
    d0 = int(final.groupby("d")["width"].nunique().idxmax())  # the d run at every width
    ax1, ax2, ax3 = fig.subplots(1, 3)
    for law, g in final[final["d"] == d0].groupby("law", sort=True):
        s = summarize(g, ["width"], "rel_mse")
        line_with_interval(ax1, s["width"], s["mean"], s["lo"], s["hi"], label=law, color=_law_color(law))
    for law, g in gd_final[gd_final["d"] == d0].groupby("law", sort=True):
        s = summarize(g, ["width"], "rel_mse")
        per_r = int(g["max_steps"].max() / g["width"].max()) if "max_steps" in g else "?"
        ax1.plot(s["width"], s["mean"], color=_law_color(law), ls="--", marker="x",
                 label=f"{law}, paper's GD (budget {per_r} r steps)")
    _label_dims(ax1, final[final["d"] == d0]["width"])
    ax1.set_xlabel(f"width r (d = {d0}; only the output layer is trained)")
    _rel_axes(ax1)
    ax1.set_title("against width (solid: accelerated, to convergence)", fontsize=8)
    ax1.legend(fontsize=6)
    top = df[df["d"] == d0]["width"].max() if len(df) else 0
    for src, ls in ((df, "-"), (gd_all, "--")):
        at = src[(src["d"] == d0) & (src["width"] == top)]
        for law, g in at.groupby("law", sort=True):
            s = summarize(g, ["step"], "rel_mse")
            ax2.plot(s["step"], s["mean"], color=_law_color(law), ls=ls, lw=1.2,
                     label=f"{law}, {'accelerated' if ls == '-' else 'GD'}")
    ax2.set_xlabel(f"step (d = {d0}, r = {int(top)}; each run ends at its validation-chosen iterate)")
    _rel_axes(ax2)
    ax2.set_ylim(top=min(ax2.get_ylim()[1], 1.6))  # the first iterates (w ~ N(0, I/r^2)) sit far above 1
    ax2.set_title("against steps", fontsize=9)
    ax2.legend(fontsize=6)
    widest = final[final["width"] == final.groupby(["law", "d"])["width"].transform("max")]
    if widest["d"].nunique() > 1:
        for law, g in widest.groupby("law", sort=True):
            s = summarize(g, ["d"], "rel_mse")
            line_with_interval(ax3, s["d"], s["mean"], s["lo"], s["hi"], label=law, color=_law_color(law))
        _label_dims(ax3, widest["d"])
        pairs = ", ".join(f"d={int(d)}: r={int(w)}" for d, w in widest.groupby("d")["width"].max().items())
        ax3.set_xlabel(f"input dimension d (largest width: {pairs})", fontsize=7)
    _rel_axes(ax3)
    ax3.set_title("against d, width growing with d", fontsize=9)


def weak_vs_strong(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = final_rows(tables["weak_vs_strong"])
    ax = fig.subplots(1, 1)
    order = [ln for ln in ("strong_net", "rf_ridge", "weak_net", "weak_net_sigmoid", "weak_net_relu")
             if ln in set(df["learner"])]
    dims = sorted(set(df["d"]))
    step = 0.8 / max(len(dims), 1)
    for k, d in enumerate(dims):
        for j, ln in enumerate(order):
            g = df[(df["d"] == d) & (df["learner"] == ln)]
            x = j + (k - (len(dims) - 1) / 2) * step
            ax.scatter(np.full(len(g), x), g["rel_mse"], s=14, color=f"C{k}", label=f"d = {d}" if j == 0 else None)
            ax.plot([x - step / 3, x + step / 3], [g["rel_mse"].mean()] * 2, color=f"C{k}", lw=2)
    params = df.groupby("learner")["trainable_params"].max() if "trainable_params" in df else {}
    ax.set_xticks(range(len(order)), [f"{LABEL.get(ln, ln)}\n{int(params.get(ln, 0))} trained"
                                      for ln in order], fontsize=6)
    ax.axhline(1.0, color="k", lw=0.8, ls=":", label="trivial predictor")
    ax.set_ylabel("test MSE / trivial MSE\n(dots: seeds; bar: mean)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)


def output_ablation(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = final_rows(tables["output_ablation"])
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


def movement(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["movement"]
    ax1, ax2 = fig.subplots(1, 2)
    for k, (d, g) in enumerate(df.groupby("d", sort=True)):
        moved = g[g["step"] > 0]  # the movement is 0 at step 0 (log axis)
        gd, adam = moved[moved["learner"] == "weak_net"], moved[moved["learner"] == "weak_net_adam"]
        s = summarize(gd, ["step"], "movement")
        line_with_interval(ax1, s["step"], s["mean"], s["lo"], s["hi"], label=f"d = {d}: |theta_t - theta_0|, GD",
                           color=f"C{k}", marker="")
        b = summarize(gd, ["step"], "bound")
        ax1.plot(b["step"], b["mean"], color=f"C{k}", ls="--", lw=1.2, label=f"d = {d}: bound, GD")
        s = summarize(adam, ["step"], "movement")
        ax1.plot(s["step"], s["mean"], color=f"C{k}", ls=":", lw=1.4, label=f"d = {d}: |theta_t - theta_0|, Adam")
        for ln, ls in (("weak_net", "-"), ("weak_net_adam", ":")):
            s = summarize(g[g["learner"] == ln], ["step"], "mse")
            ax2.plot(s["step"], s["mean"], color=f"C{k}", ls=ls, lw=1.4,
                     label=f"d = {d}, {'GD (line search)' if ln == 'weak_net' else 'Adam'}")
        ax2.axhline(float(g["trivial"].iloc[0]), color=f"C{k}", lw=0.8, alpha=0.6)
    ax1.set_yscale("log")
    ax1.set_xlabel("GD step")
    ax1.set_ylabel("weight movement (mean over seeds)")
    ax1.legend(fontsize=6)
    ax2.axhline(PAPER_ERROR_FLOOR, color="k", ls="--", lw=0.8, label="Theorem 3's floor 1/400")
    ax2.set_xlabel("step")
    ax2.set_ylabel("test MSE (thin lines: trivial p(1 - p))")
    ax2.set_yscale("log")
    ax2.legend(fontsize=6)


def heavy_tails(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["heavy_tails"]
    axes = fig.subplots(1, 2)
    for ax, ln in zip(axes, ("strong_net", "weak_net_relu"), strict=True):
        for law, g in df[df["learner"] == ln].groupby("law", sort=True):
            for r, gr in g.groupby("replicate", sort=True):
                ax.plot(gr["step"], gr["rel_mse"], color=_law_color(law), lw=1.0, alpha=0.8,
                        label=law if r == 0 else None)
            div = int(final_rows(g)["diverged"].sum())
            if div:
                ax.text(0.02, 0.02, f"{law}: {div} run(s) diverged", transform=ax.transAxes, fontsize=7)
        ax.set_title(LABEL[ln] + (" (GD, step 1/L_hat)" if ln == "strong_net" else " (GD, fixed step 1/L0)"),
                     fontsize=8)
        ax.set_xlabel("GD step")
        ax.axhline(1.0, color="k", lw=0.8, ls=":", label="trivial predictor P(|x| <= lam)")
        ax.set_ylabel("test MSE / trivial MSE p(1 - p)\n(one line per seed; log scale)")
        ax.set_yscale("log")
        ax.legend(fontsize=7)


def eldan_shamir_sweep(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = final_rows(tables["eldan_shamir_sweep"])
    ax = fig.subplots(1, 1)
    weak = df[df["learner"] == "weak_net"]
    for j, (w, g) in enumerate(weak.groupby("width", sort=True)):
        s = summarize(g, ["d"], "rel_mse")
        ax.plot(s["d"], s["mean"], color="C1", lw=0.8, alpha=0.35 + 0.2 * j, marker=".",
                label=f"weak net with the parameters of a width-{w} strong net")
    means = weak.groupby(["d", "width"])["rel_mse"].mean()
    best = means.groupby(level="d").idxmin()
    rows = pd.concat([weak[(weak["d"] == d) & (weak["width"] == w)] for d, w in best])
    s = summarize(rows, ["d"], "rel_mse")
    line_with_interval(ax, s["d"], s["mean"], s["lo"], s["hi"], label="best weak net over widths", color="C1")
    st = df[df["learner"] == "strong_net"]
    s = summarize(st, ["d"], "rel_mse")
    line_with_interval(ax, s["d"], s["mean"], s["lo"], s["hi"],
                       label=f"strong net, r = {int(st['width'].max()) if len(st) else 0}", color="C0")
    _label_dims(ax, df["d"])
    ax.set_xlabel("input dimension d (D_d, Eldan-Shamir law, a = 1)")
    _rel_axes(ax)
    ax.legend(fontsize=7)
