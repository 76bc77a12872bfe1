"""safran2022 — Safran & Lee, "Optimization-Based Separations for Neural Networks", COLT 2022 (PMLR 178,
arXiv 2112.02393). The paper has no experiments; the figures test the trends its theorems predict."""

from __future__ import annotations

from depth2.papers.spec import FigureSpec, Lazy, Paper, figure_functions

_draw = figure_functions("safran2022")


CONSTANTS = ("The theorems' constants (widths like 12000^4, exponential time bounds) are not observable "
             "literally: the plot tests the trend they predict at the sizes run.")

SOLVER = ("The strong nets (every output) share one frozen hidden layer per seed and are trained by Nesterov's "
          "accelerated gradient at the step 1/L_hat with adaptive restart, to their convergence test, with the "
          "iterate chosen on a 20% validation split. ")

FIGURES = (
    FigureSpec("strong_vs_width", ("strong_vs_width",), "safran2022: the strong net learns the ball",
               "**Paper predicts** (Theorem 8): GD on the output layer of clip01(sum_j w_j erf(<u_j, x> + b_j)), "
               "hidden layer frozen at its Assumption-7 draw, reaches any risk eps for every radial law of "
               "Assumption 6 once the width (and the number of steps) is large enough, at a width polynomial in "
               "d. " + SOLVER + "**Plot shows** test MSE / trivial MSE, one line per radial law (D'_d = sphere_sum "
               "at the middle of its hard band; D_d = eldan_shamir with our a = 1): left, against the width at the "
               "main d, solid for the accelerated solver and dashed for the paper's fixed-step GD with a step "
               "budget proportional to r; middle, along the optimization path of the widest net (test error of "
               "the iterate at each logged step, up to the validation-chosen one); right, against d with the "
               "width growing with d (n >= 10 r). " + CONSTANTS, _draw("strong_vs_width"), size=(13.0, 4.2)),
    FigureSpec("weak_vs_strong", ("weak_vs_strong",), "safran2022: weak against strong nets at stated resources",
               "**Paper predicts** (Theorems 2-5): one-hidden-layer nets need width or weights exponential in d "
               "for a small error (below c/d^4 on D_d, 1/400 on D'_d), while the strong net needs polynomial "
               "resources; at the errors reachable here the theorems predict no ordering. **Plot shows** test "
               "MSE / trivial MSE per learner at equal trainable parameters (tick labels): the strong net, ridge on "
               "its own features (penalty chosen on validation), and weak nets (tanh, sigmoid, ReLU) trained by Adam "
               "to their convergence test with the iterate chosen on validation. " + SOLVER + CONSTANTS,
               _draw("weak_vs_strong"), size=(6.5, 4.5)),
    FigureSpec("output_ablation", ("output_ablation",), "safran2022: the output unit",
               "**Ablation** (ours): the paper's clipped output against a sigmoid and a linear output (with a bias) "
               "on one shared frozen hidden layer and width, each trained to convergence at its smoothness step. "
               + SOLVER + "**Plot shows** test MSE / trivial MSE per radial law (dots: seeds).",
               _draw("output_ablation"), size=(6.5, 4.0)),
    FigureSpec("movement", ("movement",), "safran2022: weak-net GD on D'_d stays near its start",
               "**Paper predicts** (Theorem 3, key step): GD on the one-hidden-layer net with a step below 2/L "
               "moves its weights at most sqrt(T eta L(theta_0) / (1 - eta L / 2)) <= 2 T sqrt(L(theta_0)) / L "
               "after T steps, and for time sub-exponential in d its error stays above 1/400. **We run** GD "
               "with a backtracking (Armijo, c = 1/2) line search instead of a fixed step (a step fixed at "
               "initialization can blow up as the curvature grows), so the bound is its form for the accepted "
               "steps: sqrt(L(theta_0) sum_t eta_t / c) (the fixed-step form is the case eta_t = eta, "
               "c = 1 - eta L / 2). Adam is the second variant; the bound does not apply to it. **Plot shows** "
               "left, the movement |theta_t - theta_0| (solid GD, dotted Adam) and the bound (dashed); right, "
               "the test MSE of each logged iterate against the 1/400 floor and the trivial MSE. The theorem's "
               "time bound and its constants are not observable at these sizes: the figure shows that the "
               "iterates stay inside the bound and how far above 1/400 the error stays for the steps run. The "
               "bound follows from the sufficient-decrease condition: the claims table lists it as a check (an "
               "implementation check, not the theorem's exponential-time content).",
               _draw("movement"), size=(11.0, 4.2)),
    FigureSpec("heavy_tails", ("heavy_tails",), "safran2022: GD under heavy-tailed inputs",
               "**Paper predicts** (Assumption 6 and Theorem 8): the strong net's guarantee holds for heavy-tailed "
               "radial laws such as a Cauchy norm, because its erf features are bounded, so the smoothness "
               "constant L_hat <= 2 r does not depend on the input's tails. **Plot shows** the test MSE / "
               "trivial MSE of each logged iterate (one line per seed) for the strong net (left) and, as the "
               "contrast, a ReLU one-hidden-layer net at equal parameters trained by GD at the fixed step "
               "1/L0 set at initialization (right; its features are unbounded), on Cauchy- and Gaussian-radial "
               "inputs. A run whose loss becomes non-finite is marked as diverged.", _draw("heavy_tails"),
               size=(11.0, 4.2)),
    FigureSpec("eldan_shamir_sweep", ("eldan_shamir_sweep",), "safran2022: D_d, the best weak net against d",
               "**Paper predicts** (Theorem 4, with Eldan and Shamir): on D_d every one-hidden-layer net of width "
               "below c e^{c d} has error >= c / d^4, while the strong net learns the ball. The Omega(d^-4) "
               "floor is far below the errors reachable here (1e-4 of the trivial MSE at d = 10 with the "
               "unknown constant 1), so it is **not observable**. **Plot shows** what is: the final test "
               "MSE / trivial MSE against d of the tanh weak net at several widths (equal-parameter widths of "
               "the strong net; thin lines) and of the best of them per d (thick), beside the strong net at "
               "the largest width. The weak nets are trained by Adam to their convergence test with the iterate "
               "chosen on validation; the best width is picked on the test error itself, which favours the weak "
               "net. " + CONSTANTS, _draw("eldan_shamir_sweep"), size=(6.5, 4.5)),
)

PAPER = Paper(
    key="safran2022",
    citation="Safran & Lee, COLT 2022, PMLR 178, arXiv 2112.02393",
    experiments=Lazy("depth2.papers.safran2022.experiments", "experiments"),
    evaluate=Lazy("depth2.papers.safran2022.metrics", "evaluate"),
    figures=FIGURES,
    claims_module="depth2.papers.safran2022.claims",
    notebook_reads=("movement", "strong_vs_width"),
    modules={
        "data": ("depth2.papers.safran2022.data",),
        "evaluate": ("depth2.papers.safran2022.metrics", "depth2.papers.safran2022.data"),
        "figures": ("depth2.papers.safran2022.figures", "depth2.papers.safran2022.metrics",
                    "depth2.papers.safran2022.claims", "depth2.plotting"),
        "claims": ("depth2.papers.safran2022.claims", "depth2.papers.safran2022.metrics"),
    },
)
