"""guo2025 figures: each draws from the aggregated tables of its experiments."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from depth2.claims import proportion_interval
from depth2.plotting import color, line_with_interval, summarize

LEARNER_LABEL = {"zero": "zero function", "gd": "GD (empirical)", "gd_pop": "GD (exact population)",
                 "sq": "SQ: PCA + reweighted PGD", "sq_pca": "SQ: PCA only", "alg1": "Algorithm 1"}
FAMILY_LABEL = {"eq4": "eq. (4) family (adversarial)", "realizable": "realizable control",
                "hermite_truncated": "Hermite-truncated (CSQ instance)"}


def ratio_vs_bias(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["bias_sweep"]
    fams = [f for f in ("eq4", "realizable") if f in set(df["family"])]
    axes = fig.subplots(1, len(fams), sharey=True, squeeze=False)[0]
    for ax, fam in zip(axes, fams, strict=True):
        sub = df[df["family"] == fam]
        for learner in sorted(set(sub["learner"]), key=list(LEARNER_LABEL).index):
            s = summarize(sub[sub["learner"] == learner], ["b"], "ratio", log=True)
            line_with_interval(ax, s["b"], s["mean"], s["lo"], s["hi"], label=LEARNER_LABEL[learner],
                               color=color(learner))
        zero = sub.groupby("b")["zero_ratio"].first()
        ax.plot(zero.index, zero.to_numpy(), color=color("zero"), ls="--", lw=1.2, label="zero function")
        ax.axhline(1.0, color="k", lw=0.8, ls=":")
        ax.set_yscale("log")
        # intervals of 3 seeds can be very wide: keep the axis on the data (wide bands are clipped)
        ax.set_ylim(0.7, 3.0 * float(sub["zero_ratio"].max()))
        ax.set_xlabel("bias b of the optimal ReLU")
        ax.set_title(FAMILY_LABEL[fam])
    axes[0].set_ylabel("exact loss / OPT  (geometric mean, 95% CI over seeds)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))


def population_gd(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["population_gd"]
    biases = sorted(set(df["b"]), reverse=True)
    grid = fig.subplots(3, len(biases), squeeze=False)
    axes, times, scatter = grid[0], grid[1], grid[2]
    fams = [f for f in ("hermite_truncated", "eq4", "realizable") if f in set(df["family"])]
    for ax, b in zip(scatter, biases, strict=True):
        for fam, marker in zip(fams, ("o", "s", "x"), strict=False):
            sub = df[(df["b"] == b) & (df["family"] == fam)]
            ax.scatter(sub["initial_overlap"], sub["ratio"], s=12, marker=marker, color=color(fam),
                       label=FAMILY_LABEL[fam])
        ax.set_yscale("log")
        ax.set_xlabel("initial overlap <w0, v> / |w0|")
        ax.set_title(f"b = {b:g}: final L/OPT of each init")
    scatter[0].set_ylabel("final exact L/OPT")
    for ax, b in zip(axes, biases, strict=True):
        for fam in fams:
            sub = df[(df["b"] == b) & (df["family"] == fam)]
            if sub.empty:
                continue
            rows = [(d, *proportion_interval(int(g["escaped"].sum()), len(g))) for d, g in sub.groupby("d")]
            d, p, lo, hi = (np.array(v) for v in zip(*rows, strict=True))
            line_with_interval(ax, d, p, lo, hi, label=FAMILY_LABEL[fam], color=color(fam))
        ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("dimension d")
        ax.set_title(f"b = {b:g}")
    axes[0].set_ylabel("fraction escaping the zero function\n(Wilson 95%)")
    axes[-1].legend(loc="best")
    for ax, b in zip(times, biases, strict=True):
        for fam in fams:
            sub = df[(df["b"] == b) & (df["family"] == fam) & df["escape_step"].notna()]
            if sub.empty:
                continue
            q = sub.groupby("d")["escape_step"].quantile([0.25, 0.5, 0.75]).unstack()
            line_with_interval(ax, q.index, q[0.5], q[0.25], q[0.75], label=FAMILY_LABEL[fam], color=color(fam))
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_xlabel("dimension d")
        ax.set_title(f"b = {b:g}: escape time of the runs that escape")
    times[0].set_ylabel("GD steps to half the zero\nfunction's loss (median, quartiles)")


def _overlap_gap(ax, df: pd.DataFrame, overlap_min: float, what: str) -> None:
    """1 - |<w0, v>| (log) against n Phi(b), one line per (family, b), with the overlap_min line."""
    df = df.assign(gap=(1.0 - df["abs_overlap"]).clip(lower=1e-12))
    for (fam, b), sub in df.groupby(["family", "b"], sort=True):
        s = summarize(sub, ["n_phi"], "gap", log=True)
        line_with_interval(ax, s["n_phi"], s["mean"], s["lo"], s["hi"], label=f"{FAMILY_LABEL[fam]}, b = {b:g}")
    ax.axhline(1.0 - overlap_min, color="k", lw=0.8, ls="--", label=f"overlap {overlap_min:g} (Thm 7's warm start)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n Phi(b)  (expected number of rows with <v, x> > -b)")
    ax.set_ylabel(f"1 - |<w0, v>| of {what}\n(geometric mean, 95% CI)")
    ax.legend(loc="best", fontsize=7)


def pca_overlap(tables: Mapping[str, pd.DataFrame], fig, overlap_min: float = 0.9) -> None:
    _overlap_gap(fig.subplots(1, 1), tables["pca_overlap"], overlap_min, "the selected PCA start")


def pca_tail(tables: Mapping[str, pd.DataFrame], fig, overlap_min: float = 0.9) -> None:
    _overlap_gap(fig.subplots(1, 1), tables["pca_tail"], overlap_min, "the PCA start at the true guess")


def sq_vs_n(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["sq_vs_n"]
    ax = fig.subplots(1, 1)
    x = "n_phi" if "n_phi" in df.columns else "n"
    for fam, sub in df.groupby("family", sort=True):
        s = summarize(sub, [x], "ratio", log=True)
        line_with_interval(ax, s[x], s["mean"], s["lo"], s["hi"], label=FAMILY_LABEL[fam], color=color(fam))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n Phi(b)  (expected active rows; n = n Phi(b) / Phi(b))" if x == "n_phi" else "samples n")
    ax.set_ylabel("SQ algorithm: exact loss / OPT")
    ax.set_title(f"b = {df['b'].iloc[0]:g}" if len(df) else "")
    ax.legend(loc="best")


def csq(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["csq"]
    fams = [f for f in ("hermite_truncated", "realizable") if f in set(df["family"])]
    axes = fig.subplots(1, len(fams), sharey=True, squeeze=False)[0]
    learners = sorted(set(df["learner"]), key=list(LEARNER_LABEL).index)
    for ax, fam in zip(axes, fams, strict=True):
        sub = df[df["family"] == fam]
        groups = sorted({(b, d) for b, d in zip(sub["b"], sub["d"], strict=True)}, key=lambda t: (-t[0], t[1]))
        width = 0.8 / max(len(learners), 1)
        for j, learner in enumerate(learners):
            s = summarize(sub[sub["learner"] == learner], ["b", "d"], "ratio").set_index(["b", "d"])
            means = [s.loc[g, "mean"] if g in s.index else np.nan for g in groups]
            x = np.arange(len(groups)) + (j - (len(learners) - 1) / 2) * width
            ax.bar(x, means, width=width, color=color(learner), label=LEARNER_LABEL[learner])
            for xi, learner_rows in zip(x, groups, strict=True):
                pts = sub[(sub["learner"] == learner) & (sub["b"] == learner_rows[0]) & (sub["d"] == learner_rows[1])]
                ax.plot(np.full(len(pts), xi), pts["ratio"], "k.", ms=3)
        ax.set_xticks(np.arange(len(groups)), [f"b={b:g}\nd={d}" for b, d in groups])
        ax.set_yscale("log")
        ax.axhline(1.0, color="k", lw=0.8, ls=":")
        ax.set_title(FAMILY_LABEL[fam])
    axes[0].set_ylabel("exact loss / OPT (bars: mean; dots: seeds)")
    axes[-1].legend(loc="best")


def gd_pairs(tables: Mapping[str, pd.DataFrame], fig) -> None:
    """Escape rate of exact population GD against b, adversarial family and control from the same inits, one
    panel per experiment (eq4_gd, csq_gd), one line per (family, d)."""
    names = [n for n in ("eq4_gd", "csq_gd") if n in tables and not tables[n].empty]
    axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
    for ax, name in zip(axes, names, strict=True):
        df = tables[name]
        dims = sorted(set(df["d"]))
        markers = dict(zip(dims, ("o", "s", "^", "D"), strict=False))
        for (fam, d), sub in df.groupby(["family", "d"], sort=True):
            rows = [(b, *proportion_interval(int(g["escaped"].sum()), len(g))) for b, g in sub.groupby("b")]
            b, p, lo, hi = (np.array(v) for v in zip(*rows, strict=True))
            shift = 0.03 if fam == "realizable" else -0.03  # identical rates would hide one family behind the other
            line_with_interval(ax, b + shift, p, lo, hi, label=f"{FAMILY_LABEL[fam]}, d = {d}", color=color(fam),
                               marker=markers.get(d, "o"))
        adv = df[df["family"] != "realizable"].groupby("b").first()
        if name == "eq4_gd":
            neg = adv.index[adv["exy"] < 0]
            if len(neg):
                ax.axvspan(float(neg.min()) - 0.25, float(neg.max()) + 0.25, color="0.9", zorder=0,
                           label="exact E[yz] < 0 (p. 6)")
            ax.set_title(f"eq. (4), alpha = {float(df['alpha'].iloc[0]):g}")
        else:
            ax.set_title(f"CSQ instance, alpha = {float(df['alpha'].iloc[0]):g}; t_e = "
                         + ", ".join(f"{int(t)} at b={b:g}" for b, t in adv["t_e"].items()))
        ax.set_xlabel("bias b")
        ax.set_ylim(-0.03, 1.03)
        ax.legend(loc="best", fontsize=7)
    axes[0].set_ylabel("fraction of inits escaping the zero function\n(exact population GD; Wilson 95%)")
