"""safran2022 — Safran & Lee, "Optimization-Based Separations for Neural Networks", COLT 2022 (PMLR 178,
arXiv 2112.02393). The paper has no experiments; the figures test the trends its theorems predict."""

from __future__ import annotations

from depth2.papers.safran2022 import figures
from depth2.papers.safran2022.claims import CLAIMS
from depth2.papers.safran2022.experiments import experiments
from depth2.papers.safran2022.metrics import evaluate
from depth2.papers.spec import FigureSpec, Paper

CONSTANTS = ("The theorems' constants (widths like 12000^4, exponential time bounds) are not observable "
             "literally: the plot tests the trend they predict at the sizes run.")

FIGURES = (
    FigureSpec("strong_vs_width", ("strong_vs_width",), "safran2022: the strong net learns the ball",
               "**Paper predicts** (Theorem 8): GD on the output layer of clip01(sum_j w_j erf(<u_j, x> + b_j)), "
               "hidden layer frozen at its Assumption-7 draw, reaches any risk eps for every radial law of "
               "Assumption 6 once the width is large enough. **Plot shows** test MSE / trivial MSE against the "
               "width, one line per radial law (D'_d = sphere_sum at the middle of its hard band; D_d = "
               "eldan_shamir with our a = 1). " + CONSTANTS, figures.strong_vs_width, size=(6.5, 4.5)),
    FigureSpec("weak_vs_strong", ("weak_vs_strong",), "safran2022: weak against strong nets",
               "**Paper predicts** (Theorems 2-5): one-hidden-layer nets need width or weights exponential in d "
               "on D'_d, while the strong net does not. **Plot shows** test MSE / trivial MSE against d at equal "
               "trainable parameter counts (weak nets trained on all parameters by GD at step 1/L0, L0 the "
               "Gauss-Newton curvature at initialization; no line search yet), beside random-feature ridge on "
               "the strong net's own features. " + CONSTANTS, figures.weak_vs_strong, size=(6.5, 4.5)),
    FigureSpec("output_ablation", ("output_ablation",), "safran2022: the output unit",
               "**Ablation** (ours): the paper's clipped output against a sigmoid and a linear output on the same "
               "frozen features and width, each trained by GD at its smoothness step. **Plot shows** test MSE / "
               "trivial MSE per radial law (dots: seeds).", figures.output_ablation, size=(6.5, 4.0)),
)

PAPER = Paper(
    key="safran2022",
    citation="Safran & Lee, COLT 2022, PMLR 178, arXiv 2112.02393",
    experiments=experiments,
    evaluate=evaluate,
    figures=FIGURES,
    claims=CLAIMS,
    modules={
        "data": ("depth2.papers.safran2022.data",),
        "evaluate": ("depth2.papers.safran2022.metrics", "depth2.papers.safran2022.data"),
        "figures": ("depth2.papers.safran2022.figures", "depth2.plotting"),
        "claims": ("depth2.papers.safran2022.claims",),
    },
)
