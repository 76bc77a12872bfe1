"""goel2021 — Goel, Klivans, Manurangsi, Reichman, "Tight Hardness Results for Training Depth-2 ReLU Networks",
ITCS 2021 (LIPIcs 185, 22:1-22:14, arXiv 2011.13550). Theory only: its lower bounds are conditional and
asymptotic. The runs test what small instances can show, on our reconstruction of the reductions and of the
upper-bound algorithm (the paper's body could not be read)."""

from __future__ import annotations

from depth2.papers.spec import FigureSpec, Lazy, Paper, figure_functions

_draw = figure_functions("goel2021")


RECON = ("The reductions are our reconstruction on the source problems the paper names (its constructions could "
         "not be read); no finite run can confirm a conditional, asymptotic lower bound.")

FIGURES = (
    FigureSpec("reduction_a", ("reduction_a",), "goel2021: Set Cover to one ReLU",
               "**Paper states**: training a single ReLU (with a bias) is NP-hard, by a reduction from Set Cover. "
               "**Our reconstruction** (reduction A): one point e_i with label 1 per set, one point sqrt(M) 1_{T_j} "
               "with label 0 per element (weight M by homogeneity), M = m_scale N^2, plus the origin gadget: "
               "W0 = ceil(origin_scale N) origin rows with label 0. Without the gadget a biased ReLU "
               "(w = -c 1, b = 1 + c, c = 1/(sqrt M - 1)) fits every instance with loss 0 (crosses); with it we "
               "prove tau rho W0 / (W0 + tau rho) <= OPT <= tau, rho = (1 + M^-1/2)^-2 (dashed), and bias-free "
               "units keep tau M / (M + 1) <= OPT <= tau (dotted). **Plot shows** the exact optimum (exhaustive "
               "over activation cells, one QP each) of one bias-free ReLU and of one ReLU with a bias on the same "
               "instances, against the brute-force cover number: every point must fall in the grey band "
               "tau - 1 < OPT <= tau for the threshold t to separate tau <= t from tau >= t + 1. " + RECON,
               _draw("reduction_a"), size=(6.5, 4.8)),
    FigureSpec("m_scan", ("m_scan",), "goel2021: how tight is M = 9 N^2? (figure only, no claim)",
               "**No claim** (issue 19). Reduction A's element weight M = m_scale N^2: the proof's m_scale = 9 "
               "(dashed line) is sufficient for tau - 1 < OPT <= tau, hence for a threshold t to separate tau <= t "
               "from tau >= t + 1. **Plot shows** the exact optimum of one bias-free ReLU and of one ReLU with a "
               "bias (with the origin gadget, ceil(origin_scale N) origin rows), fitted as in reduction_a, on the "
               "same random Set Cover instances (and the hand-built 3-set system) at every m_scale of a grid: left, "
               "the fraction of instances with tau - 1 < OPT <= tau; right, OPT - (tau - 1) per instance (the band "
               "is (0, 1], grey). Where the fraction reaches 1 below 9 the separation already starts on these "
               "instances; this says how tight the constant is on small instances only, not in the worst case. "
               + RECON, _draw("m_scan"), size=(11.0, 4.2)),
    FigureSpec("reduction_b", ("reduction_b",), "goel2021: colouring to k ReLUs",
               "**Paper states**: training k >= 2 ReLUs is NP-hard even on realizable data, from hypergraph "
               "colouring. **Our reconstruction** (reduction B): a point e_v with label 1 per vertex, 1_E with "
               "label 0 per edge and (the gadget for biased units) one origin row with label 0 per vertex; a proper "
               "k-colouring gives k positive ReLUs with loss 0 (w_c = 1 on colour c, -2 elsewhere, b = 0), and loss "
               "0 with positive output signs, with or without biases, gives a colouring. With a bias and mixed "
               "signs the reduction fails: relu(S) - relu(r/(r-1) (S - 1)), S = <1, x>, fits every instance (a "
               "test). Instances: the Fano plane and K_5^(3) (not 2-colourable), planted and uniform random "
               "3-uniform hypergraphs (k = 2, bias-free and with a bias), K_4, the wheel W_5 and planted and random "
               "graphs (k = 3, bias-free only). **Plot shows** the exact optimum of k positive ReLUs per instance "
               "and model, coloured by brute-force colourability: realizable exactly when colourable. " + RECON,
               _draw("reduction_b"), size=(7.5, 8.0)),
    FigureSpec("solver_cost", ("solver_cost",), "goel2021: the cost of exact training",
               "**Exhaustive proper training** of one bias-free ReLU in R^d visits every cell of the arrangement of "
               "the n' positive-label points' hyperplanes: exactly 2 sum_{i<d} C(n' - 1, i) cells (Cover's count; "
               "a check in the claims table), one convex QP each unless pruned. **Plot shows** left, the wall "
               "time against n'; middle, the cells enumerated (dotted: the count) and the QPs solved against n', "
               "d = 2..5, on Gaussian data with a planted ReLU plus noise; right, the growth in d at n' = 2d "
               "(labels lifted to be positive): 2^(2d - 1) cells and the wall time, exponential in d, while pruning "
               "leaves few QPs on these benign instances. Extrapolated, d = 10 and n' = 10^4 has about "
               "2 C(9999, 9) = 5.5e30 cells. The paper's hardness says no algorithm avoids such growth in the worst "
               "case (under P != NP / Gap-ETH); this plot shows only the exhaustive algorithm's cost.",
               _draw("solver_cost"), size=(14.0, 4.2)),
    FigureSpec("local_search", ("local_search",), "goel2021: local search on hard and benign instances",
               "**Paper states**: the hardness is for proper learning in the worst case. **Plot shows** left, "
               "the fraction of random restarts of gradient descent and Adam (bias-free ReLUs, output weights "
               "trained; each restart runs until its own convergence test stops it, within a step budget) whose "
               "final loss is within success_tol of the instance's known optimum (reduction A: the "
               "exact optimum by its own NNLS method; colourable instances and noiseless teachers: 0), at the "
               "proper width; right, on the planted 2-colourable hypergraph and the Fano plane, against the "
               "width: over-parameterization makes the hard instances easy for local search, as proper hardness "
               "allows. " + RECON, _draw("local_search"), size=(11.0, 4.2)),
    FigureSpec("project_grid", ("project_grid",),
               "goel2021: two proper learners (grid, exact ERM) against an improper learner",
               "**Paper states**: bounded one-hidden-layer nets are properly learnable in time 2^{O~(1/eps)} "
               "(realizable) or 2^{O~(1/eps^2)} (agnostic) times poly(n, d), matching the lower bounds. **Our "
               "reconstruction**: a Gaussian projection to m = ceil(c k / eps) (realizable) or ceil(c k / eps^2) "
               "(agnostic) dimensions, then exhaustive search over a delta = eps / k grid of the unit ball, the "
               "output weight solved exactly in [-1, 1]. Beside it, the improper learner of Goel et al. (COLT 2017): "
               "kernel ridge regression with the multinomial kernel of degree ceil(1/eps) (poly(1/eps) work). And a "
               "second proper arm (ours): the same projection, then the exact single-ReLU ERM on the projected rows; "
               "its work grows like rows^(m - 1), so at a fixed cell budget (exact_max_cells) the rows it can afford "
               "fall as eps shrinks (1000 rows at m = 2, about 140 at m = 3, 20 at m = 5-6) and its test excess "
               "grows: exact ERM buys accuracy with n^O(1/eps) work, the same exponential in 1/eps. "
               "**Plot shows** left, the work (proper: grid candidates or arrangement cells x rows; improper: kernel "
               "flops plus the solve) against 1/eps; right, the excess test loss over the teacher relative to "
               "E[y^2] (a bounded ReLU on unit inputs; agnostic: plus Gaussian label noise). The guarantee "
               "OPT + eps is not observable where eps exceeds the zero predictor's excess (about 0.18 here; the "
               "constant predictor's about 0.11), and the grid size depends on eps alone: the claims table lists "
               "the growth of grid points as a check, not evidence.", _draw("project_grid"),
               size=(11.0, 4.2)),
)

PAPER = Paper(
    key="goel2021",
    citation="Goel, Klivans, Manurangsi, Reichman, ITCS 2021, arXiv 2011.13550",
    experiments=Lazy("depth2.papers.goel2021.experiments", "experiments"),
    evaluate=Lazy("depth2.papers.goel2021.metrics", "evaluate"),
    figures=FIGURES,
    claims_module="depth2.papers.goel2021.claims",
    notebook_reads=("local_search", "reduction_a", "reduction_b", "solver_cost"),
    modules={
        "data": ("depth2.papers.goel2021.data", "depth2.papers.goel2021.reductions"),
        "evaluate": ("depth2.papers.goel2021.metrics", "depth2.papers.goel2021.reductions",
                     "depth2.papers.goel2021.data"),
        "figures": ("depth2.papers.goel2021.figures", "depth2.papers.goel2021.reductions", "depth2.plotting"),
        "claims": ("depth2.papers.goel2021.claims",),
    },
)
