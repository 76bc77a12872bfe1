"""mondelli2019 — Mondelli & Montanari, "On the Connection Between Learning Two-Layers Neural Networks and
Tensor Decomposition", AISTATS 2019 (arXiv 1802.07301). The paper proves a conditional, asymptotic barrier; the
experiments test its finite-d trends with our own tensor learners."""

from __future__ import annotations

from depth2.papers.spec import FigureSpec, Lazy, Paper, figure_functions

_draw = figure_functions("mondelli2019")


TREND = ("The barrier is an asymptotic theorem conditional on sum-of-squares optimality: what a run shows is a "
         "finite-d trend, never the theorem.")

FIGURES = (
    FigureSpec("identities", ("identities",), "mondelli2019: risk identities",
               "**Identity** (exact for unit w_i): Var(y) = sum_k k! h_k^2 sum_ij <w_i, w_j>^k with "
               "p = sum_k h_k He_k; for He_3 neither ||x|| nor a linear function carries signal. **Plot shows** "
               "the empirical variance over the identity per (activation, r) (left; dots: seeds) and the "
               "risk / Var(y) of the norm-only and least-squares predictors (right): z^3 has a linear part 3z "
               "that least squares learns, He_2 + He_3 an even part partly seen from ||x||.", _draw("identities")),
    FigureSpec("frontier", ("frontier",), "mondelli2019: frontier of proper learning at n = infinity",
               "**Paper predicts**: for d^1.5 << r << d^2 no polynomial-time algorithm beats E[y], while the "
               "generic rank (d+1)(d+2)/6 ~ d^2/6 bounds where the weights are identifiable at all; so an "
               "efficient proper learner's frontier r*(d) should grow like d^1.5, more slowly than the generic "
               "rank. **Plot shows**, with the tensor learners reading the exact population moment T3 (n = "
               "infinity: no sampling noise), the fraction of planted weights recovered (left; the power method "
               "alone, and with the joint refinement run to its tolerance) and the test risk / Var(y) (middle; least "
               "squares has risk / Var(y) = 1 exactly at n = infinity for He_3, the dotted level, measured in the "
               "identities figure), against r / generic rank, one colour per d; right: r*(d), the largest "
               "grid r with at least half the weights recovered, per seed, against d^1.5 and the generic rank. "
               + TREND, _draw("frontier"), size=(13.0, 4.2)),
    FigureSpec("barrier", ("barrier",), "mondelli2019: finite-n arm (n proportional to r d^2)",
               "**Paper predicts** as in the frontier figure; with n samples the moment carries sampling noise "
               "of order sd(y) d / sqrt(n), so n is scaled as r d^2. **Plot shows** the fraction of weights "
               "recovered (left) and test risk / Var(y) beside least squares (right) of the power method alone "
               "and with the joint refinement, against r / generic rank, one colour per d. " + TREND,
               _draw("barrier"), size=(11.0, 4.5)),
    FigureSpec("weights_vs_risk", ("frontier", "barrier"), "mondelli2019: risk against weight recovery",
               "**Paper predicts**: a network generalizes only if its weights are learned accurately. **Plot "
               "shows** every proper fit (tensor learners, both arms): test risk / Var(y) against 1 - mean "
               "|cos|^6 of the matched weights; for near-orthogonal units with a least-squares output layer the "
               "two are equal (dashed line). Filled: r at most half the generic rank (the claim's regime); open: "
               "r between half and all of the generic rank, where other weights fit the low-degree moments and "
               "the relation is not expected.", _draw("weights_vs_risk"), size=(6.5, 4.5)),
    FigureSpec("cubic_control", ("cubic_control",), "mondelli2019: improper control (cubic ridge)",
               "**Control** (ours): ridge on all monomials of degree <= 3 is an improper learner that needs no "
               "weights; it learns y once n exceeds the C(d+2, 3) degree-3 Hermite features, whatever r. **Plot "
               "shows** its test risk / Var(y) against n / C(d+2, 3), one line per r: the hardness concerns "
               "proper learners, or n << d^3.", _draw("cubic_control"), size=(6.5, 4.5)),
    FigureSpec("student", ("student",), "mondelli2019: student network trained by gradient descent (no claim)",
               "**Paper predicts** (applied to GD as one polynomial-time algorithm): risk approaches Var(y) once "
               "d^1.5 << r. **Claim retired** (off by default): a clean test needs n >= 10 r d (no overfitting) "
               "and r at most half the generic rank (identifiable weights), and with r <= (d+1)(d+2)/12 the "
               "window d^1.5 << r needs d >> 144, beyond the budget; the first run's trend (n = d^3/12 fixed per "
               "d, n / (r d) ~ 1.2) was overfitting at the interpolation threshold. **Plot shows** the GD-trained "
               "r-unit student's test risk / Var(y) against r / d^1.5 per d, beside least squares. " + TREND,
               _draw("student"),
               size=(6.5, 4.5)),
)

PAPER = Paper(
    key="mondelli2019",
    citation="Mondelli & Montanari, AISTATS 2019, arXiv 1802.07301",
    experiments=Lazy("depth2.papers.mondelli2019.experiments", "experiments"),
    evaluate=Lazy("depth2.papers.mondelli2019.metrics", "evaluate"),
    figures=FIGURES,
    claims_module="depth2.papers.mondelli2019.claims",
    notebook_reads=("frontier",),
    modules={
        "data": ("depth2.papers.mondelli2019.data",),
        "evaluate": ("depth2.papers.mondelli2019.metrics", "depth2.papers.mondelli2019.data"),
        "figures": ("depth2.papers.mondelli2019.figures", "depth2.plotting"),
        "claims": ("depth2.papers.mondelli2019.claims",),
    },
)
