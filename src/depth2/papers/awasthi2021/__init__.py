"""awasthi2021 — Awasthi, Tang & Vijayaraghavan, "Efficient Algorithms for Learning Depth-2 Neural Networks
with General ReLU Activations", NeurIPS 2021 (arXiv 2107.10209). The algorithm is our reconstruction of the
full-rank case (see ``depth2.learners.tensor_nets``)."""

from __future__ import annotations

from depth2.papers.spec import FigureSpec, Lazy, Paper, figure_functions

_draw = figure_functions("awasthi2021")


RECON = ("The algorithm is our reconstruction of the paper's full-rank method (Hermite tensors T2-T4, Jennrich, "
         "coefficient ratios); errors are after Hungarian matching of recovered to planted neurons.")

FIGURES = (
    FigureSpec("hermite_coeffs", ("hermite_coeffs",), "awasthi2021: Hermite coefficients of a biased ReLU",
               "**Identity**: c_k(b) = E[relu(z + b) He_k(z)] has the closed form c_0 = b Phi(b) + phi(b), "
               "c_1 = Phi(b), c_k = (-1)^k He_(k-2)(b) phi(b) for k >= 2; every moment step of the algorithm rests "
               "on it. **Plot shows** the closed form (curves) against the Monte Carlo mean over the Gaussian "
               "draws of every seed (points, +-2 standard errors) for k = 0..5, and each (b, k)'s pooled z-score "
               "(bottom right): under the identity they are standard normal.",
               _draw("hermite_coeffs"), size=(10.0, 5.5)),
    FigureSpec("recovery_vs_n", ("recovery_vs_n",), "awasthi2021: parameter recovery against n",
               "**Paper predicts**: polynomially many samples give eps-close parameters (a moment method: error ~ "
               "n^(-1/2)). **Plot shows**, against n per (d, m) and learner, the median over neurons of the direction "
               "error min|w_hat -+ w| (left; line: median over seeds, dots: seeds, with a slope -1/2 guide), the "
               "fraction of catastrophic failures, signed |w_hat - w| > bounds.fail_err (middle; a flipped or lost "
               "neuron, counted apart so that it cannot mask the rate), and test MSE / Var(y) (right). "
               + RECON, _draw("recovery_vs_n"), size=(13.0, 4.0)),
    FigureSpec("bias_sweep", ("bias_sweep",), "awasthi2021: recovery against the bias magnitude",
               "**Paper predicts**: recovery for |b_i| up to c sqrt(log(1/eps)); a neuron with large |b| looks "
               "linear (b > 0) or is almost never active (b < 0), and phi(b) shrinks its moments below the n^(-1/2) "
               "noise. **Plot shows** the fraction of neurons recovered as (w, b) (|w_hat - w| <= bounds.recovery_tol "
               "and |b_hat - b| <= bounds.bias_tol; Wilson 95%) and the median direction error against |b_i| (all "
               "neurons at +-|b|; orthonormal W, so that conditioning plays no part). " + RECON, _draw("bias_sweep")),
    FigureSpec("hermite_roots", ("hermite_roots",), "awasthi2021: biases at the Hermite roots",
               "**Paper's mechanism**: c_3(b) = -b phi(b) vanishes at b = 0 and c_4(b) = (b^2 - 1) phi(b) at b = +-1, "
               "so T3 alone cannot see a neuron with b = 0 and T4 alone one with b = +-1; both together see all. "
               "**Plot shows** the fraction of planted neurons recovered at each root (orthonormal W): for T3 only "
               "and T4 only the direction up to sign (min|w_hat -+ w| <= bounds.recovery_tol: the root argument is "
               "about which directions a tensor sees), for T3 + T4 with its sign (Wilson 95%). " + RECON,
               _draw("hermite_roots"), size=(6.5, 3.8)),
    FigureSpec("baselines", ("baselines",), "awasthi2021: baselines that do not use the bias structure",
               "**Question** (our framing; the paper runs no experiments): does low test error imply recovered "
               "parameters? **Plot shows** the fraction of planted neurons recovered as (w, b) (left; the zero-bias "
               "method would otherwise count directions it got right while its b = 0 is wrong) and test MSE / Var(y) "
               "(right) for the tensor method, L-BFGS on all parameters from random starts (local search) and the "
               "tensor method of a bias-free network (T2 and T4, every b_i = 0, output layer refit). A neuron "
               "fitted as (-w, -b) is a different function and counts as not recovered. " + RECON,
               _draw("baselines")),
    FigureSpec("conditioning", ("conditioning",), "awasthi2021: recovery against the condition of W",
               "**Paper predicts**: the sample complexity is polynomial in 1/s_m(W), so at a fixed n the error grows "
               "as W loses rank. **Plot shows** the median over neurons of the direction error and the fraction of "
               "catastrophic failures (signed |w_hat - w| > bounds.fail_err) against 1/s_m(W) (one point per seed; "
               "a smooth growth and step failures are different effects), W made ill-conditioned by a shared "
               "direction of weight c (collinearity). " + RECON, _draw("conditioning")),
)

PAPER = Paper(
    key="awasthi2021",
    citation="Awasthi, Tang & Vijayaraghavan, NeurIPS 2021, arXiv 2107.10209",
    experiments=Lazy("depth2.papers.awasthi2021.experiments", "experiments"),
    evaluate=Lazy("depth2.papers.awasthi2021.metrics", "evaluate"),
    figures=FIGURES,
    claims_module="depth2.papers.awasthi2021.claims",
    notebook_reads=("recovery_vs_n",),
    modules={
        "data": ("depth2.papers.awasthi2021.data",),
        "evaluate": ("depth2.papers.awasthi2021.metrics", "depth2.papers.awasthi2021.data"),
        "figures": ("depth2.papers.awasthi2021.figures", "depth2.plotting"),
        "claims": ("depth2.papers.awasthi2021.claims",),
    },
)
