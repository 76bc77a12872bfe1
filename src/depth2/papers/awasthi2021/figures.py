"""awasthi2021 figures."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from depth2.claims import proportion_interval
from depth2.plotting import line_with_interval, summarize

LABEL = {"hermite_tensor": "tensor method", "hermite_tensor+refine": "tensor method + refinement",
         "hermite_tensor_t3": "T3 only", "hermite_tensor_t4": "T4 only",
         "hermite_tensor_zero_bias": "zero-bias tensor method", "net_lbfgs": "L-BFGS from random starts"}


def _per_replicate(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per replicate: the median over neurons of the direction error (up to sign), the fraction of
    catastrophic failures (signed error > bounds.fail_err), the replicate's test error."""
    return df.groupby([*keys, "learner", "replicate"], as_index=False).agg(
        dir_err=("dir_err", "median"), failed=("failed", "mean"), rel_mse=("rel_mse", "first"))


def hermite_coeffs(tables: Mapping[str, pd.DataFrame], fig) -> None:
    """One panel per k: the closed form c_k(b) as a curve, the replicate-pooled Monte Carlo mean with
    +-2 standard errors as points; the bottom-right panel gives every pooled z-score."""
    from depth2.core.hermite import relu_hermite_coeff

    df = tables["hermite_coeffs"]
    pooled = df.groupby(["k", "b"], as_index=False).agg(mc=("mc", "mean"), se=("se", lambda v: float(
        np.sqrt(np.sum(np.asarray(v) ** 2)) / len(v))), z=("z", lambda v: float(np.sum(v) / np.sqrt(len(v)))))
    ks = sorted(set(pooled["k"]))
    axes = fig.subplots(2, (len(ks) + 2) // 2).ravel()
    grid = np.linspace(pooled["b"].min(), pooled["b"].max(), 200)
    for ax, k in zip(axes, ks, strict=False):
        g = pooled[pooled["k"] == k]
        ax.plot(grid, relu_hermite_coeff(k, grid), color="k", lw=1.0, label="closed form")
        ax.errorbar(g["b"], g["mc"], yerr=2 * g["se"], fmt="o", ms=3, color="C3", capsize=2, label="MC +- 2 s.e.")
        ax.set_title(f"c_{k}(b)", fontsize=9)
        ax.set_xlabel("b")
    axes[0].legend(fontsize=7)
    zax = axes[len(ks)] if len(axes) > len(ks) else None
    if zax is not None:
        for k in ks:
            g = pooled[pooled["k"] == k]
            zax.plot(g["b"], g["z"], marker="o", ms=3, lw=0.6, label=f"k={k}")
        zax.axhline(0, color="k", lw=0.6)
        zax.set_title("pooled z-score (MC - closed form) / s.e.", fontsize=9)
        zax.set_xlabel("b")
        zax.legend(fontsize=6, ncol=2)
    for ax in axes[len(ks) + 1 :]:
        ax.set_visible(False)


def recovery_vs_n(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = _per_replicate(tables["recovery_vs_n"], ["d", "m", "n"])
    ax1, ax2, ax3 = fig.subplots(1, 3)
    for k, ((d, m, learner), g) in enumerate(df.groupby(["d", "m", "learner"], sort=True)):
        label = f"{LABEL[learner]}, d={d}, m={m}"
        c = f"C{k}"
        for ax, col in ((ax1, "dir_err"), (ax2, "failed"), (ax3, "rel_mse")):
            med = g.groupby("n")[col].median() if col != "failed" else g.groupby("n")[col].mean()
            ax.plot(med.index, med.to_numpy(), marker="o", ms=4, lw=1.4, color=c, label=label)
            if col != "failed":
                ax.scatter(g["n"] * (1 + 0.04 * (k - 1.5)), g[col], s=9, color=c, alpha=0.45, lw=0)
    n = np.array(sorted(set(df["n"])), dtype=float)
    ref = df[df["n"] == n.min()]["dir_err"].median()
    ax1.plot(n, ref * np.sqrt(n.min() / n), "k--", lw=0.8, label="slope -1/2")
    for ax, lab in ((ax1, "median over neurons of min|w_hat -+ w|\n(line: median; dots: seeds)"),
                    (ax2, "fraction of neurons failed\n(signed |w_hat - w| > bounds.fail_err)"),
                    (ax3, "test MSE / Var(y)\n(line: median; dots: seeds)")):
        ax.set_xscale("log")
        if ax is not ax2:
            ax.set_yscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(n, [f"{v:.0e}" for v in n])
        ax.set_xlabel("samples n")
        ax.set_ylabel(lab)
    ax2.set_ylim(-0.02, 1.02)
    ax1.legend(fontsize=7)


def bias_sweep(tables: Mapping[str, pd.DataFrame], fig) -> None:
    """Fraction of neurons recovered as (w, b) (Wilson 95%) and the per-seed median direction error."""
    raw = tables["bias_sweep"]
    df = _per_replicate(raw, ["bias"])
    ax1, ax2 = fig.subplots(1, 2)
    for learner, g in raw.groupby("learner", sort=True):
        bs, p, lo, hi = [], [], [], []
        for bb, h in g.groupby("bias", sort=True):
            pi, li, hi_ = proportion_interval(int(h["wb_recovered"].sum()), len(h))
            bs.append(bb)
            p.append(pi)
            lo.append(max(pi - li, 0.0))
            hi.append(max(hi_ - pi, 0.0))
        ax1.errorbar(bs, p, yerr=[lo, hi], marker="o", ms=4, capsize=3, label=LABEL[learner])
    for learner, g in df.groupby("learner", sort=True):
        s = summarize(g, ["bias"], "dir_err", log=True)
        line_with_interval(ax2, s["bias"], s["mean"], s["lo"], s["hi"], label=LABEL[learner])
    ax1.set_ylim(-0.02, 1.05)
    ax1.set_ylabel("fraction of neurons recovered as (w, b)\n(Wilson 95%)")
    ax2.set_ylabel("median over neurons of min|w_hat -+ w|")
    ax2.set_yscale("log")
    for ax in (ax1, ax2):
        ax.set_xlabel("|b_i| (all neurons, random signs)")
    ax1.legend()


def hermite_roots(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["hermite_roots"]
    ax = fig.subplots(1, 1)
    learners = ["hermite_tensor_t3", "hermite_tensor_t4", "hermite_tensor"]
    roots = sorted(set(df["b_true"]))
    width = 0.8 / len(learners)
    from depth2.papers.awasthi2021.claims import ROOT_SCORE

    for j, learner in enumerate(learners):
        sub = df[df["learner"] == learner]
        p, lo, hi = [], [], []
        for b in roots:
            g = sub[sub["b_true"] == b]
            pi, li, hi_ = proportion_interval(int(g[ROOT_SCORE[learner]].sum()), len(g))
            p.append(pi)
            lo.append(max(pi - li, 0.0))  # rounding can put p a hair outside its own interval
            hi.append(max(hi_ - pi, 0.0))
        x = np.arange(len(roots)) + (j - 1) * width
        ax.bar(x, p, width=width, yerr=[lo, hi], capsize=3, label=LABEL[learner])
    ax.set_xticks(np.arange(len(roots)), [f"b = {b:g}" for b in roots])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of planted neurons recovered\n(T3 / T4 only: up to sign; Wilson 95%)")
    ax.legend()


def baselines(tables: Mapping[str, pd.DataFrame], fig) -> None:
    """Recovery rate (left) and test MSE / Var(y) (right) of the tensor method and the baselines."""
    df = tables["baselines"]
    shapes = sorted({(int(d), int(m)) for d, m in zip(df["d"], df["m"], strict=True)})
    learners = ["hermite_tensor", "net_lbfgs", "hermite_tensor_zero_bias"]
    learners = [ln for ln in learners if ln in set(df["learner"])]
    ax1, ax2 = fig.subplots(1, 2)
    width = 0.8 / len(learners)
    for j, learner in enumerate(learners):
        x = np.arange(len(shapes)) + (j - (len(learners) - 1) / 2) * width
        rate, err, mse = [], [[], []], []
        for d, m in shapes:
            g = df[(df["learner"] == learner) & (df["d"] == d) & (df["m"] == m)]
            p, lo, hi = proportion_interval(int(g["wb_recovered"].sum()), len(g))
            rate.append(p)
            err[0].append(max(p - lo, 0.0))
            err[1].append(max(hi - p, 0.0))
            mse.append(g.groupby("replicate")["rel_mse"].first().to_numpy())
        ax1.bar(x, rate, width=width, yerr=err, capsize=3, label=LABEL[learner], color=f"C{j}")
        for xi, vals in zip(x, mse, strict=True):
            ax2.scatter(np.full(len(vals), xi), vals, s=14, color=f"C{j}")
            ax2.plot([xi - width / 3, xi + width / 3], [np.median(vals)] * 2, color=f"C{j}", lw=2)
    for ax in (ax1, ax2):
        ax.set_xticks(np.arange(len(shapes)), [f"d={d}, m={m}" for d, m in shapes])
    ax1.set_ylim(0, 1.05)
    ax1.set_ylabel("fraction of planted neurons recovered\nas (w, b) (Wilson 95%)")
    ax2.set_yscale("log")
    ax2.set_ylabel("test MSE / Var(y)\n(dots: seeds; bar: median)")
    ax1.legend(fontsize=7)


def conditioning(tables: Mapping[str, pd.DataFrame], fig) -> None:
    """Per-seed median direction error and fraction of failed neurons against 1 / s_m(W), one point per seed."""
    df = tables["conditioning"]
    per = df.groupby(["collinearity", "replicate"], as_index=False).agg(
        dir_err=("dir_err", "median"), failed=("failed", "mean"), s_min=("s_min", "first"))
    ax1, ax2 = fig.subplots(1, 2)
    for k, (c, g) in enumerate(per.groupby("collinearity", sort=True)):
        for ax, col in ((ax1, "dir_err"), (ax2, "failed")):
            ax.scatter(1 / g["s_min"], g[col], s=18, color=f"C{k}", label=f"collinearity {c:g}")
    for ax, lab in ((ax1, "median over neurons of min|w_hat -+ w|"),
                    (ax2, "fraction of neurons failed\n(signed |w_hat - w| > bounds.fail_err)")):
        ax.set_xscale("log")
        ax.set_xlabel("1 / s_m(W)  (smallest singular value of the planted W)")
        ax.set_ylabel(lab)
    ax1.set_yscale("log")
    ax2.set_ylim(-0.02, 1.02)
    ax1.legend(fontsize=7)
