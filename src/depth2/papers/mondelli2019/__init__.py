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
    FigureSpec("barrier", ("barrier",), "mondelli2019: proper tensor learners against r / d^1.5",
               "**Paper predicts**: for d^1.5 << r << d^2 no polynomial-time algorithm beats E[y] (risk / Var(y) "
               "= 1). **Plot shows** test risk / Var(y) (left) and the fraction of planted weights recovered "
               "(right) of Jennrich (r <= d only), the tensor power method and a spectral method (top-r "
               "eigenspace of the d^2 x d flattening of T3, r <= d only: not the Hopkins-Schramm-Shi-Steurer "
               "lifting, which needs the d^3 tensor or O(n^2) sample pairs), each with a joint refinement and a "
               "ridge output layer, against r / d^1.5, one colour per d, with least squares as the linear "
               "baseline; points with r above max_width are left out (d = 100 stops at r = 250). " + TREND,
               _draw("barrier"), size=(11.0, 4.5)),
    FigureSpec("weights_vs_risk", ("barrier", "student"), "mondelli2019: risk against weight error",
               "**Paper predicts**: a network generalizes only if its weights are learned accurately. **Plot "
               "shows** every proper fit (tensor learners and student GD) as a point: test risk / Var(y) against "
               "the median matched weight error 1 - |cos|.", _draw("weights_vs_risk"), size=(6.5, 4.5)),
    FigureSpec("cubic_control", ("cubic_control",), "mondelli2019: improper control (cubic ridge)",
               "**Control** (ours): ridge on all monomials of degree <= 3 is an improper learner that needs no "
               "weights; it learns y once n exceeds the C(d+2, 3) degree-3 Hermite features, whatever r. **Plot "
               "shows** its test risk / Var(y) against n / C(d+2, 3), one line per r: the hardness concerns "
               "proper learners, or n << d^3.", _draw("cubic_control"), size=(6.5, 4.5)),
    FigureSpec("student", ("student",), "mondelli2019: student network trained by gradient descent",
               "**Paper predicts** (applied to GD as one polynomial-time algorithm): with r d < n << d^3 / 6 samples, "
               "risk approaches Var(y) as r / d^1.5 grows. **Plot shows** the GD-trained r-unit student's test "
               "risk / Var(y) against r / d^1.5 per d, beside least squares. " + TREND, _draw("student"),
               size=(6.5, 4.5)),
)

PAPER = Paper(
    key="mondelli2019",
    citation="Mondelli & Montanari, AISTATS 2019, arXiv 1802.07301",
    experiments=Lazy("depth2.papers.mondelli2019.experiments", "experiments"),
    evaluate=Lazy("depth2.papers.mondelli2019.metrics", "evaluate"),
    figures=FIGURES,
    claims_module="depth2.papers.mondelli2019.claims",
    modules={
        "data": ("depth2.papers.mondelli2019.data",),
        "evaluate": ("depth2.papers.mondelli2019.metrics", "depth2.papers.mondelli2019.data"),
        "figures": ("depth2.papers.mondelli2019.figures", "depth2.plotting"),
        "claims": ("depth2.papers.mondelli2019.claims",),
    },
)
