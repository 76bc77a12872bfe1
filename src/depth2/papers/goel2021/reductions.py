"""Hard instances for training depth-2 ReLU networks (goel2021): the Set Cover and hypergraph-colouring reductions.

Everything here is **our reconstruction** of the digest's reductions A and B (``shared/papers/goel2021.md``): the
paper's body (exact constructions and constants) could not be read. The statements below are derived and proved
here, and checked numerically in ``tests/test_goel_reductions.py``.

Set systems are sequences of sets, each an iterable of element indices in ``[0, n_elements)``; hypergraphs and
graphs are sequences of edges, each an iterable of distinct vertex indices in ``[0, n_vertices)`` (generators
return int arrays of shape (m, r)). Losses in this module are **sums** of squared errors; the pipeline's
learners minimise the **mean**, which is the sum divided by the number of points ``n`` (``n = N + m`` in both
reductions: one point per set / vertex, one per element / edge).

Reduction A (Set Cover -> one bias-free ReLU)
---------------------------------------------
Sets ``S_1..S_N`` of ``[m]``; ``T_j = {i : j in S_i}``. Points in ``R^N``: ``(e_i, 1)`` per set and
``(sqrt(M) 1_{T_j}, 0)`` per element. For ``f(x) = relu(<w, x>)`` the loss is

    L(w) = sum_i (relu(w_i) - 1)^2 + M sum_j relu(sum_{i in T_j} w_i)^2,

the digest's weighted loss (weight ``M`` on each element point) as an unweighted data set: by positive
homogeneity ``relu(<w, sqrt(M) x>)^2 = M relu(<w, x>)^2``.

* Upper bound: for a cover ``C``, ``w_i = -N`` on ``C`` and ``+1`` elsewhere gives ``L = |C|`` (each covered element
  has ``sum_{T_j} w <= -N + (N - 1) < 0``). So ``OPT <= tau``, the cover number.
* Lower bound: put ``theta = 1 / (1 + sqrt M)``, so ``(1 - theta)^2 = M theta^2 = (1 + M^{-1/2})^{-2}``. Let
  ``C = {i : w_i <= theta}``; each ``i in C`` pays ``>= (1 - theta)^2``. Each element ``j`` not covered by ``C`` has
  all its ``w_i > theta`` and pays ``>= M theta^2``. Adding one set per uncovered element to ``C`` gives a cover, so
  ``L(w) >= (|C| + #uncovered) (1 + M^{-1/2})^{-2} >= tau (1 + M^{-1/2})^{-2}``.
* Sharper lower bound (ours): ``OPT >= tau M / (M + 1)``, and this is tight (one set, one element:
  ``min_w (w - 1)^2 + M w^2 = M / (M + 1)``). Proof by randomized threshold rounding: draw ``theta`` in ``[0, 1]``
  with ``P(theta >= x) = G(x) = min(1, (1 + 1/M)(1 - x)^2)``, take ``C = {i : w_i <= theta}`` and patch each
  uncovered element with one set. A set pays ``(relu(w_i) - 1)^2 >= G(w_i) M / (M + 1)``; an element ``j`` is
  uncovered with probability ``1 - G(mu_j)``, ``mu_j = min_{T_j} w``, and when ``mu_j > 0`` it pays
  ``M (sum_{T_j} w)^2 >= M mu_j^2 >= (1 - G(mu_j)) M / (M + 1)`` because
  ``(M + 1) x^2 + (1 + 1/M)(1 - x)^2 >= 1`` (equality at ``x = 1 / (M + 1)``). So
  ``tau <= E[cover size] <= (1 + 1/M) L(w)``. Since ``M / (M + 1) > (1 + M^{-1/2})^{-2}`` for every ``M > 0``, the
  digest's bound is correct but never tight.
* Separation: ``tau <= t`` gives ``OPT <= t``; ``tau >= t + 1`` gives ``OPT >= (t + 1) rho(M)`` with ``rho`` the
  lower-bound factor. With the digest's ``rho = (1 + M^{-1/2})^{-2}`` this exceeds ``t`` iff
  ``M > (sqrt(1 + 1/t) - 1)^{-2}`` (about ``4 t^2 + 2 t``); the digest's ``M >= 9 t^2`` suffices
  (``(t + 1) / (1 + 1/(3t))^2 - t = (3t^2 - t) / (3t + 1)^2 > 0``) but guarantees only about ``t + 1/3``, so it does
  NOT justify a decision threshold ``t + 1/2``. With the sharp ``rho = M / (M + 1)``, ``M > t`` already separates
  and ``M > 2t + 1`` puts the gap above ``t + 1/2`` (true for the digest's ``M = 4N`` since ``t < tau <= N``).
  :func:`min_separating_M` and :func:`reduction_a_threshold` take either bound.
* Exact optimum (:func:`set_cover_relu_opt`): on the piece ``{w_i <= 0 for i in C, w_i >= 0 otherwise}`` the sets
  in ``C`` pay exactly 1, their weights can be made negative enough to zero every element they cover, and every
  other element pays ``M (sum_{T_j} w)^2`` with ``w >= 0``: ``OPT = min_C |C| + NNLS(C)``, a non-negative least
  squares problem per ``C``; only ``|C| < tau`` needs solving.

Reduction A with a bias: the origin gadget (ours; issue 19)
-----------------------------------------------------------
The paper's model has biases: ``f(x) = relu(<w, x> + b)``. On the points above one biased ReLU has loss 0 on
**every** instance: ``w = -c 1``, ``b = 1 + c`` with ``c = 1 / (sqrt(M) - 1)`` gives ``relu(1) = 1`` at every
``e_i`` and ``relu(1 + c - c sqrt(M) |T_j|) = 0`` at every element (``|T_j| >= 1``). The gadget: add ``W0`` copies
of the origin with label 0 (``origin = W0`` rows; the pipeline uses ``W0 = ceil(origin_scale N)``). Then, with
``rho = (1 + M^{-1/2})^{-2}`` and ``M >= 1``,

    tau rho W0 / (W0 + tau rho) <= OPT_bias <= tau.

* Upper: ``b = 0`` and the cover witness (the origin pays ``relu(0) = 0``).
* Lower. Write ``u_i = w_i + b`` (the set point's pre-activation) and ``s_j = sum_{i in T_j} u_i``; the element's
  pre-activation is ``sqrt(M) s_j - b (sqrt(M) |T_j| - 1)``. If ``b <= 0`` it is ``>= sqrt(M) s_j`` (as
  ``sqrt(M) |T_j| >= 1``), so the loss is at least the bias-free loss at ``u``, ``>= tau M / (M + 1) >= tau rho``.
  If ``b >= 1`` the origin alone pays ``W0 b^2 >= W0 >= `` the bound. If ``0 < b < 1`` put
  ``theta = b + (1 - b) / (1 + sqrt M)`` (in ``(b, 1)``), ``C = {i : u_i <= theta}``: each ``i in C`` pays
  ``(relu(u_i) - 1)^2 >= (1 - theta)^2 = (1 - b)^2 rho``; an element with every ``u_i > theta`` has pre-activation
  ``> sqrt(M) |T_j| (theta - b) + b >= sqrt(M) (theta - b)`` and pays ``>= M (theta - b)^2 = (1 - b)^2 rho``;
  ``C`` plus one set per uncovered element is a cover, so ``L >= W0 b^2 + tau rho (1 - b)^2``, whose minimum
  over ``b`` is ``tau rho W0 / (W0 + tau rho)``.

So the instance separates ``tau <= t`` from ``tau >= t + 1`` when :func:`reduction_a_bias_lower` at ``t + 1``
exceeds ``t``; e.g. ``N = 10``, ``M = 900``, ``W0 = 40``, ``tau = 3``: ``2.63 > 2``. The claims check this per
instance (their regime). Multiplicatively: ``1 <= tau / OPT <= 1 / lower-factor``, so an ``alpha``-approximate
trainer would give an ``alpha / factor``-approximate cover: Set Cover's ``(1 - o(1)) ln N`` inapproximability
transfers up to that factor (which tends to 1 as ``M, W0 / tau`` grow).

Reduction B (hypergraph k-colouring -> k positive ReLUs, realizable iff k-colourable)
--------------------------------------------------------------------------------------
Points in ``R^N``: ``(e_v, 1)`` per vertex and ``(1_E, 0)`` per edge; ``f(x) = sum_{c<k} relu(<w_c, x>)`` (no bias,
output weights +1). A proper colouring gives the witness ``w_c = 1`` on colour ``c``, ``off`` elsewhere: a vertex
gets ``relu(1) = 1``; an edge of size ``r`` with ``n_c <= r - 1`` vertices of colour ``c`` gets
``n_c + off (r - n_c) <= (r - 1) + off``, so zero loss needs ``off <= -(r - 1)``: ``-2`` is exactly enough for
3-uniform hypergraphs (a pre-activation of exactly 0, at the kink, when two vertices share a colour) and has margin 1
for graph edges (``r = 2``: ``n_c <= 1`` gives ``<= -1``). Conversely loss 0 gives each vertex a colour ``c`` with
``w_{c,v} > 0``, and no edge is monochromatic (its pre-activation would be positive). With output weights of mixed
sign and ``k = 2``: ``(-, -)`` cannot output 1; ``(+, -)`` forces ``u_v = 1 + relu(v_v)`` at the vertices and then
``sum_E u = sum_E v`` is impossible (``r + sum_E relu(v_v) > sum_E v_v``). Mixed signs for ``k >= 3`` are not
analysed; numerically (300 random-restart L-BFGS runs each, not a proof) signs ``(+, +, -)`` and ``(+, -, -)`` stay
at summed loss >= 1 on ``K_4``, ``W_5`` and ``K_7^(3)`` (none 3-colourable), while ``(+, +, -)`` does fit the Fano
plane (3-colourable, not 2-colourable) with loss ~0.

Reduction B with a bias (ours; issue 19). Without a gadget one biased ReLU fits every instance:
``w = -1/(r-1) 1``, ``b = 1 + 1/(r-1)`` outputs 1 at every vertex and ``relu(1 + 1/(r-1) - r/(r-1)) = 0`` at every
edge of size ``r``. Add ``origin`` rows ``(0, 0)`` (the pipeline uses one per vertex):

* **k positive biased ReLUs: realizable iff k-colourable.** A colouring gives the bias-free witness (``b = 0``,
  the origin pays 0). Conversely, loss 0 at the origin forces ``relu(b_c) = 0``, i.e. ``b_c <= 0`` for every unit;
  loss 0 at ``e_v`` gives a unit ``c`` with ``w_{c,v} + b_c > 0``, i.e. ``w_{c,v} > -b_c = |b_c|``: colour ``v`` by
  it. An edge monochromatic in ``c`` would have pre-activation ``sum_E w_c + b_c > r |b_c| - |b_c| >= 0`` and a
  positive output. The proof holds for every edge size ``r >= 2`` and every ``k``.
* **Mixed signs with a bias fit every instance, gadget or not** (so the biased reduction B holds only for positive
  output weights): with ``S(x) = <1, x>`` (0 at the origin, 1 at a vertex, ``r`` at an edge of size ``r``),

      f(x) = relu(S(x)) - relu(r / (r - 1) (S(x) - 1))

  is 0, 1, 0 there (:func:`mixed_sign_bias_net`). Two units ``(+, -)``; for ``k = 3`` add a zero unit, e.g. the
  ``(1, 1, -1)``, ``b = (0, 0, -2)`` fit of ``K_4``. The exact solver finds such fits (``K_5^(3)`` with signs
  ``(+, -)``, loss 0). The bias-free analysis above (``k = 2``, mixed signs impossible) does not survive a bias.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

log = logging.getLogger(__name__)

MAX_COVER_SUBSETS = 20_000_000  # min_cover gives up beyond this many subsets (about 10 s)
_COVER_CHUNK = 1 << 16
MAX_ELEMENTS = 64  # element sets are uint64 bitmasks
MAX_TRIPLE_VERTICES = 200  # random 3-uniform generators enumerate C(N, 3) triples (1.3 M at N = 200)

SetSystem = list[tuple[int, ...]]


class SetCoverInstance(NamedTuple):
    """A set system with its known cover number."""

    sets: SetSystem
    n_elements: int
    cover_number: int


# ---------------------------------------------------------------- argument checks


def _int(name: str, value: object, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo or (hi is not None
                                                                                            and value > hi):
        rng = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ValueError(f"{name} must be an integer {rng}, got {value!r}")
    return int(value)


def _real(name: str, value: object, lo: float, hi: float | None = None, *, lo_open: bool = False) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    v = float(value) if ok else np.nan
    if not (np.isfinite(v) and (v > lo if lo_open else v >= lo) and (hi is None or v <= hi)):
        left = "(" if lo_open else "["
        right = f"{hi}]" if hi is not None else "inf)"
        raise ValueError(f"{name} must be a finite number in {left}{lo}, {right}, got {value!r}")
    return v


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _index_tuple(name: str, items: Iterable, size: int, what: str) -> tuple[int, ...]:
    try:
        out = tuple(int(v) for v in items)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must hold integer {what} indices, got {items!r}") from err
    if any(v < 0 or v >= size for v in out):
        raise ValueError(f"{name} has {what} indices outside [0, {size}): {out}")
    return out


# ---------------------------------------------------------------- set systems


def incidence(sets: Sequence[Iterable[int]], n_elements: int) -> np.ndarray:
    """The incidence matrix ``A`` (N, m), ``A[i, j] = 1{j in S_i}`` (bool), validating ``sets``."""
    m = _int("n_elements", n_elements, 1)
    if len(sets) < 1:
        raise ValueError("sets must hold at least one set")
    A = np.zeros((len(sets), m), dtype=bool)
    for i, s in enumerate(sets):
        A[i, list(_index_tuple(f"sets[{i}]", s, m, "element"))] = True
    return A


def _as_sets(A: np.ndarray) -> SetSystem:
    return [tuple(int(j) for j in np.flatnonzero(row)) for row in A]


def random_set_system(rng: np.random.Generator, n_sets: int, n_elements: int, p: float) -> SetSystem:
    """``n_sets`` random subsets of ``[n_elements]`` that together cover it.

    Each element joins each set independently with probability ``p``; then every element in no set is added to
    one set chosen uniformly (so a cover exists: the repair changes the law only on the rare elements left out,
    probability ``(1 - p)^N`` each). Sets may be empty.

    Returns
    -------
    list of tuple of int
        ``N`` sorted tuples of element indices.
    """
    _check_rng(rng)
    N = _int("n_sets", n_sets, 1)
    m = _int("n_elements", n_elements, 1)
    p = _real("p", p, 0.0, 1.0)
    A = rng.random((N, m)) < p
    lonely = np.flatnonzero(~A.any(axis=0))
    A[rng.integers(0, N, size=lonely.size), lonely] = True
    return _as_sets(A)


def three_set_example() -> SetCoverInstance:
    """Three sets on six elements with cover number 2, on which the greedy algorithm needs 3.

    ``S_0 = {0, 1, 2}``, ``S_1 = {3, 4, 5}``, ``S_2 = {1, 2, 3, 4}``. No single set covers ``[6]``; ``{S_0, S_1}``
    does, so ``tau = 2``. Greedy (largest set first) takes ``S_2``, then still needs ``S_0`` (for 0) and ``S_1``
    (for 5): 3 sets.
    """
    return SetCoverInstance([(0, 1, 2), (3, 4, 5), (1, 2, 3, 4)], 6, 2)


def _masks(A: np.ndarray) -> np.ndarray:
    weights = np.left_shift(np.uint64(1), np.arange(A.shape[1], dtype=np.uint64))
    return np.bitwise_or.reduce(np.where(A, weights, np.uint64(0)), axis=1)


def min_cover(sets: Sequence[Iterable[int]], n_elements: int, max_subsets: int = MAX_COVER_SUBSETS) -> tuple[int, ...]:
    """A minimum cover by exhaustive search, by increasing size, on element bitmasks.

    For ``s = 1, 2, ...`` every ``s``-subset of the sets is tried in lexicographic order (in vectorized chunks: the
    OR of the ``s`` uint64 element masks compared with the full mask); the first hit is returned. Exact; cost
    ``sum_{s <= tau} C(N, s)`` subsets, bounded by ``max_subsets`` (fine for ``N <= 20``, any ``N`` when ``tau`` is
    small). ``n_elements <= 64``.

    Returns
    -------
    tuple of int
        Indices of the sets of a minimum cover (the lexicographically first of least size), increasing.

    Raises
    ------
    ValueError
        If some element is in no set (no cover exists), ``n_elements > 64``, or the search would exceed
        ``max_subsets`` subsets.
    """
    A = incidence(sets, n_elements)
    N, m = A.shape
    if m > MAX_ELEMENTS:
        raise ValueError(f"n_elements must be <= {MAX_ELEMENTS} (uint64 bitmasks), got {m}")
    budget = _int("max_subsets", max_subsets, 1)
    lonely = np.flatnonzero(~A.any(axis=0))
    if lonely.size:
        raise ValueError(f"sets admit no cover: elements {lonely.tolist()} are in no set")
    masks = _masks(A)
    full = np.uint64((1 << m) - 1) if m < 64 else np.uint64(np.iinfo(np.uint64).max)
    tried = 0
    for s in range(1, N + 1):
        combos = itertools.combinations(range(N), s)
        while True:
            block = np.fromiter(itertools.chain.from_iterable(itertools.islice(combos, _COVER_CHUNK)),
                                dtype=np.int64).reshape(-1, s)
            if block.shape[0] == 0:
                break
            tried += block.shape[0]
            hit = np.flatnonzero(np.bitwise_or.reduce(masks[block], axis=1) == full)
            if hit.size:
                log.debug("min_cover: N = %d, m = %d, cover number %d, %d subsets tried", N, m, s, tried)
                return tuple(int(i) for i in block[hit[0]])
            if tried > budget:
                raise ValueError(f"min_cover: more than max_subsets = {budget} subsets tried (N = {N}, size {s}); "
                                 "raise max_subsets or use a smaller instance")
    raise AssertionError("unreachable: the union of all sets is full")  # pragma: no cover


def cover_number(sets: Sequence[Iterable[int]], n_elements: int) -> int:
    """The cover number ``tau`` (least number of sets whose union is ``[n_elements]``), exactly (:func:`min_cover`)."""
    return len(min_cover(sets, n_elements))


def is_cover(sets: Sequence[Iterable[int]], cover: Iterable[int], n_elements: int) -> bool:
    """Whether the sets indexed by ``cover`` together contain every element of ``[n_elements]``."""
    A = incidence(sets, n_elements)
    idx = list(_index_tuple("cover", cover, A.shape[0], "set"))
    return bool(A[idx].any(axis=0).all()) if idx else False


# ---------------------------------------------------------------- reduction A


def set_cover_points(sets: Sequence[Iterable[int]], n_elements: int, M: float,
                     origin: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Reduction A's data set (module docstring): ``N + m + origin`` points in ``R^N``.

    Rows ``0..N-1``: ``(e_i, 1)``, one per set. Rows ``N..N+m-1``: ``(sqrt(M) sum_{i: j in S_i} e_i, 0)``, one per
    element. The scale ``sqrt(M)`` carries the weight ``M`` of the element points into an unweighted squared loss
    for a bias-free ReLU: ``relu(<w, sqrt(M) x>)^2 = M relu(<w, x>)^2`` (positive homogeneity). Then ``origin``
    rows ``(0, 0)``: the gadget that makes the reduction hold for a ReLU with a bias (module docstring).

    Returns
    -------
    X : ndarray (N + m, N)
    y : ndarray (N + m,)
    """
    A = incidence(sets, n_elements)
    M = _real("M", M, 0.0, lo_open=True)
    o = _int("origin", origin, 0)
    N, m = A.shape
    X = np.vstack([np.eye(N), np.sqrt(M) * A.T.astype(float), np.zeros((o, N))])
    y = np.concatenate([np.ones(N), np.zeros(m + o)])
    return X, y


def reduction_a_bias_lower(tau: int, M: float, origin: int) -> float:
    """The proven lower bound ``tau rho W0 / (W0 + tau rho)``, ``rho = (1 + M^{-1/2})^{-2}``, on the summed loss of
    one ReLU **with a bias** on reduction A's points plus ``origin = W0`` origin rows (module docstring; needs
    ``M >= 1``). 0 without the gadget (``origin = 0``: a biased ReLU then fits every instance exactly)."""
    tau = _int("tau", tau, 1)
    M = _real("M", M, 1.0)
    o = _int("origin", origin, 0)
    a = tau * _lower_factor(M, "digest")
    return a * o / (o + a)


def bias_free_fit_with_bias(M: float, n_sets: int) -> tuple[np.ndarray, float]:
    """``(w, b)`` of one biased ReLU with loss 0 on reduction A's points without the gadget: ``w = -c 1``,
    ``b = 1 + c``, ``c = 1 / (sqrt(M) - 1)`` (``M > 1``)."""
    M = _real("M", M, 1.0, lo_open=True)
    c = 1.0 / (np.sqrt(M) - 1.0)
    return np.full(_int("n_sets", n_sets, 1), -c), 1.0 + c


def cover_witness(sets: Sequence[Iterable[int]], cover: Iterable[int], n_elements: int) -> np.ndarray:
    """The weights ``w`` (N,) with ``w_i = -N`` for ``i`` in ``cover`` and ``+1`` elsewhere; on
    :func:`set_cover_points` their summed loss is exactly ``|cover|`` (for any ``M``).

    Raises
    ------
    ValueError
        If ``cover`` does not cover ``[n_elements]``.
    """
    A = incidence(sets, n_elements)
    idx = sorted(set(_index_tuple("cover", cover, A.shape[0], "set")))
    if not idx or not A[idx].any(axis=0).all():
        raise ValueError(f"cover {idx} does not cover all {A.shape[1]} elements")
    N = A.shape[0]
    w = np.ones(N)
    w[idx] = -float(N)
    return w


def sum_squared_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray, a: np.ndarray | None = None) -> float:
    """``sum_i (f(x_i) - y_i)^2`` for the bias-free net ``f(x) = sum_c a_c relu(<W[:, c], x>)``.

    ``W`` is (d,) (one ReLU) or (d, k); ``a`` (k,) defaults to all ones (positive signs). Divide by ``n`` for the
    mean squared loss the learners minimise.
    """
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    W2 = W[:, None] if W.ndim == 1 else W
    if X.ndim != 2 or W2.ndim != 2 or W2.shape[0] != X.shape[1]:
        raise ValueError(f"W must have shape (d,) or (d, k) with d = X.shape[1] = {X.shape[1] if X.ndim == 2 else '?'}"
                         f", got {W.shape}")
    a = np.ones(W2.shape[1]) if a is None else np.asarray(a, dtype=float)
    if a.shape != (W2.shape[1],):
        raise ValueError(f"a must have shape ({W2.shape[1]},), got {a.shape}")
    r = np.maximum(X @ W2, 0.0) @ a - np.asarray(y, dtype=float)
    return float(r @ r)


def _lower_factor(M: float, bound: str) -> float:
    if bound == "digest":
        return 1.0 / (1.0 + M**-0.5) ** 2
    if bound == "sharp":
        return M / (M + 1.0)
    raise ValueError(f"bound must be 'digest' or 'sharp', got {bound!r}")


def reduction_a_bounds(tau: int, M: float, bound: str = "digest") -> tuple[float, float]:
    """``(rho(M) tau, tau)``: the summed loss ``OPT`` of reduction A lies in this interval.

    ``bound="digest"``: ``rho = (1 + M^{-1/2})^{-2}`` (the digest's); ``bound="sharp"``: ``rho = M / (M + 1)`` (ours,
    tight; module docstring). For the mean loss divide both ends by ``n = N + m``.
    """
    tau = _int("tau", tau, 1)
    M = _real("M", M, 0.0, lo_open=True)
    return tau * _lower_factor(M, bound), float(tau)


def digest_separating_M(t: int) -> float:
    """The digest's sufficient weight ``M = 9 t^2`` separating ``tau <= t`` from ``tau >= t + 1``."""
    t = _int("t", t, 1)
    return 9.0 * t * t


def min_separating_M(t: int, bound: str = "digest") -> float:
    """The infimum of the weights ``M`` for which the bounds separate ``tau <= t`` from ``tau >= t + 1``, i.e.
    ``(t + 1) rho(M) > t`` (strict): ``(sqrt(1 + 1/t) - 1)^{-2}`` (about ``4 t^2 + 2 t``) for the digest's bound,
    ``t`` for the sharp one."""
    t = _int("t", t, 1)
    _lower_factor(1.0, bound)
    return 1.0 / (np.sqrt(1.0 + 1.0 / t) - 1.0) ** 2 if bound == "digest" else float(t)


def reduction_a_threshold(t: int, M: float, bound: str = "sharp") -> float:
    """Decision threshold on the summed loss for ``tau <= t`` (below) vs ``tau >= t + 1`` (above): the midpoint
    of the guaranteed gap ``(t, (t + 1) rho(M))`` (``bound`` as in :func:`reduction_a_bounds`).

    Raises
    ------
    ValueError
        If ``M <= min_separating_M(t, bound)`` (the bounds do not separate).
    """
    t = _int("t", t, 1)
    M = _real("M", M, 0.0, lo_open=True)
    lo_no = (t + 1) * _lower_factor(M, bound)
    if lo_no <= t:
        raise ValueError(f"M = {M} does not separate tau <= {t} from tau >= {t + 1} with the {bound} bound: need "
                         f"M > {min_separating_M(t, bound):.6g}")
    return 0.5 * (t + lo_no)


def set_cover_relu_opt(sets: Sequence[Iterable[int]], n_elements: int, M: float) -> tuple[float, np.ndarray]:
    """The exact optimum of reduction A's summed loss and a minimizer (module docstring, "Exact optimum").

    ``OPT = min_C |C| + min_{u >= 0} |u - 1|^2 + M |B u|^2``, where ``u`` are the weights of the sets outside ``C``
    that meet an element ``C`` leaves uncovered and ``B`` the incidence of those elements with those sets (the
    other sets outside ``C`` take weight 1 and pay nothing). ``C`` ranges over subsets with ``|C| < tau``, plus
    one minimum cover (value ``tau``); each inner problem is solved by :func:`scipy.optimize.nnls`. The sets in
    ``C`` get weight ``-(1 + sum of the positive weights)``. Cost ``sum_{s < tau} C(N, s)`` NNLS problems.

    Returns
    -------
    opt : float
        The summed loss (divide by ``N + m`` for the mean).
    w : ndarray (N,)
        Weights attaining it (up to the NNLS tolerance).
    """
    from scipy.optimize import nnls  # scipy.optimize costs ~0.5 s to import; most jobs never get here

    A = incidence(sets, n_elements)
    M = _real("M", M, 0.0, lo_open=True)
    cover = min_cover(sets, n_elements)
    N = A.shape[0]
    best_val, best_C, best_u = float(len(cover)), cover, np.zeros(0)
    best_free = np.zeros(0, dtype=int)
    for s in range(len(cover)):
        if s >= best_val:
            break
        for C in itertools.combinations(range(N), s):
            uncovered = ~A[list(C)].any(axis=0) if C else np.ones(A.shape[1], dtype=bool)
            free = np.flatnonzero(A[:, uncovered].any(axis=1))  # sets meeting an uncovered element (none in C)
            B = A[np.ix_(free, np.flatnonzero(uncovered))].T.astype(float)
            K = np.vstack([np.eye(free.size), np.sqrt(M) * B])
            u, res = nnls(K, np.concatenate([np.ones(free.size), np.zeros(B.shape[0])]))
            val = s + res * res
            if val < best_val:
                best_val, best_C, best_u, best_free = val, C, u, free
    w = np.ones(N)
    w[best_free] = best_u
    w[list(best_C)] = -(1.0 + float(np.sum(w[w > 0])))
    log.debug("set_cover_relu_opt: N = %d, tau = %d, OPT = %.6g (|C| = %d)", N, len(cover), best_val, len(best_C))
    return float(best_val), w


# ---------------------------------------------------------------- hypergraphs and graphs


def _all_triples(n: int) -> np.ndarray:
    if n > MAX_TRIPLE_VERTICES:
        raise ValueError(f"n_vertices must be <= {MAX_TRIPLE_VERTICES} (all C(n, 3) triples are enumerated), got {n}")
    return np.array(list(itertools.combinations(range(n), 3)), dtype=np.int64).reshape(-1, 3)


def fano_plane() -> np.ndarray:
    """The Fano plane: 7 points, 7 lines of 3, every pair of points on exactly one line; not 2-colourable
    (a classical fact; the tests check it by exhaustion). Returns edges (7, 3)."""
    return np.array([[0, 1, 2], [0, 3, 4], [0, 5, 6], [1, 3, 5], [1, 4, 6], [2, 3, 6], [2, 4, 5]], dtype=np.int64)


def complete_3_uniform(n_vertices: int = 5) -> np.ndarray:
    """``K_n^(3)``: all ``C(n, 3)`` triples. Not 2-colourable for ``n >= 5`` (a colour class has >= 3 vertices).
    Returns edges (C(n, 3), 3)."""
    return _all_triples(_int("n_vertices", n_vertices, 3))


def _balanced_colouring(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.permutation(np.arange(n) % k)


def planted_colourable(rng: np.random.Generator, n_vertices: int, n_edges: int,
                       k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """A random 3-uniform hypergraph that a hidden ``k``-colouring makes colourable.

    The hidden colouring is a uniformly permuted balanced one (class sizes differ by at most 1); ``n_edges`` distinct
    triples are drawn uniformly among those that are not monochromatic under it.

    Returns
    -------
    edges : ndarray (n_edges, 3)
    colouring : ndarray (n_vertices,)
        The hidden colouring, values in ``[0, k)``; it is proper for ``edges``.
    """
    _check_rng(rng)
    n = _int("n_vertices", n_vertices, 3)
    k = _int("k", k, 2)
    col = _balanced_colouring(rng, n, k)
    T = _all_triples(n)
    c = col[T]
    T = T[~((c[:, 0] == c[:, 1]) & (c[:, 1] == c[:, 2]))]
    m = _int("n_edges", n_edges, 0, T.shape[0])
    return T[np.sort(rng.choice(T.shape[0], size=m, replace=False))], col


def random_3_uniform(rng: np.random.Generator, n_vertices: int, n_edges: int) -> np.ndarray:
    """``n_edges`` distinct triples of ``[n_vertices]``, uniformly without replacement. Returns (n_edges, 3)."""
    _check_rng(rng)
    T = _all_triples(_int("n_vertices", n_vertices, 3))
    m = _int("n_edges", n_edges, 0, T.shape[0])
    return T[np.sort(rng.choice(T.shape[0], size=m, replace=False))]


def _pairs(n: int) -> np.ndarray:
    i, j = np.triu_indices(n, k=1)
    return np.stack([i, j], axis=1).astype(np.int64)


def random_graph(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Erdos-Renyi ``G(n, p)``: each pair ``i < j`` is an edge independently with probability ``p``.
    Returns edges (m, 2)."""
    _check_rng(rng)
    n = _int("n", n, 1)
    p = _real("p", p, 0.0, 1.0)
    P = _pairs(n)
    return P[rng.random(P.shape[0]) < p]


def planted_3_colourable(rng: np.random.Generator, n: int, p: float, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A random graph that a hidden balanced ``k``-colouring makes properly coloured: each pair of differently
    coloured vertices is an edge independently with probability ``p``.

    Returns
    -------
    edges : ndarray (m, 2)
    colouring : ndarray (n,)
    """
    _check_rng(rng)
    n = _int("n", n, 1)
    p = _real("p", p, 0.0, 1.0)
    k = _int("k", k, 2)
    col = _balanced_colouring(rng, n, k)
    P = _pairs(n)
    keep = (col[P[:, 0]] != col[P[:, 1]]) & (rng.random(P.shape[0]) < p)
    return P[keep], col


def complete_graph(n: int) -> np.ndarray:
    """``K_n``: all pairs (chromatic number ``n``; ``K_4`` is not 3-colourable). Returns edges (C(n, 2), 2)."""
    return _pairs(_int("n", n, 2))


def wheel_graph(n_rim: int) -> np.ndarray:
    """The wheel: hub 0 joined to every vertex of the cycle ``1..n_rim``. For odd ``n_rim`` (e.g. ``W_5``, 6
    vertices) the rim needs 3 colours and the hub a fourth: not 3-colourable. Returns edges (2 n_rim, 2)."""
    r = _int("n_rim", n_rim, 3)
    rim = np.arange(1, r + 1)
    spokes = np.stack([np.zeros(r, dtype=np.int64), rim], axis=1)
    cycle = np.stack([rim, np.roll(rim, -1)], axis=1)
    return np.vstack([spokes, np.sort(cycle, axis=1)]).astype(np.int64)


def _edge_list(edges: Iterable[Iterable[int]], n: int) -> list[tuple[int, ...]]:
    out = []
    for t, e in enumerate(edges):
        tup = _index_tuple(f"edges[{t}]", e, n, "vertex")
        if len(tup) < 2 or len(set(tup)) != len(tup):
            raise ValueError(f"edges[{t}] must hold >= 2 distinct vertices, got {tup}")
        out.append(tup)
    return out


def is_proper_colouring(edges: Iterable[Iterable[int]], colouring: np.ndarray) -> bool:
    """Whether no edge is monochromatic under ``colouring`` (n_vertices,)."""
    col = np.asarray(colouring)
    return all(len({int(col[v]) for v in e}) > 1 for e in _edge_list(edges, col.shape[0]))


def is_k_colourable(edges: Iterable[Iterable[int]], n_vertices: int, k: int) -> np.ndarray | None:
    """A proper ``k``-colouring (no monochromatic edge) by backtracking, or None if there is none. Exact.

    Vertices are coloured in order of decreasing degree; each edge is checked when its last vertex (in that
    order) is coloured; a vertex may take only colours ``<= 1 + max used so far`` (colour permutation symmetry).
    Worst case ``k^N``; instant for the instances here (``N <= ~30``).

    Returns
    -------
    ndarray (n_vertices,) of int or None
    """
    n = _int("n_vertices", n_vertices, 1)
    k = _int("k", k, 1)
    E = _edge_list(edges, n)
    deg = np.zeros(n, dtype=int)
    for e in E:
        deg[list(e)] += 1
    order = [int(v) for v in np.argsort(-deg, kind="stable")]
    pos = np.empty(n, dtype=int)
    pos[order] = np.arange(n)
    closing: list[list[tuple[int, ...]]] = [[] for _ in range(n)]  # edges checked when vertex order[t] is coloured
    for e in E:
        closing[max(int(pos[v]) for v in e)].append(e)
    col = np.full(n, -1, dtype=int)
    top = [0] * (n + 1)  # top[t]: largest colour index used by order[:t], plus 1
    nxt = [0] * n  # next colour to try at depth t
    t = 0
    while 0 <= t < n:
        v = order[t]
        placed = False
        while nxt[t] < min(k, top[t] + 1):
            c = nxt[t]
            nxt[t] += 1
            col[v] = c
            if all(any(col[u] != c for u in e) for e in closing[t]):
                placed = True
                break
        if placed:
            top[t + 1] = max(top[t], col[v] + 1)
            t += 1
            if t < n:
                nxt[t] = 0
        else:
            col[v] = -1
            t -= 1
    log.debug("is_k_colourable: N = %d, %d edges, k = %d -> %s", n, len(E), k, t == n)
    return col if t == n else None


# ---------------------------------------------------------------- reduction B


def colouring_points(edges: Iterable[Iterable[int]], n_vertices: int,
                     origin: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Reduction B's data set (module docstring): ``(e_v, 1)`` per vertex, then ``(1_E, 0)`` per edge, then
    ``origin`` rows ``(0, 0)`` (the gadget for biased units with positive output weights).

    Works for any edge sizes >= 2 (3-uniform hypergraphs, graphs).

    Returns
    -------
    X : ndarray (N + m, N)
    y : ndarray (N + m,)
    """
    n = _int("n_vertices", n_vertices, 1)
    E = _edge_list(edges, n)
    o = _int("origin", origin, 0)
    B = np.zeros((len(E), n))
    for t, e in enumerate(E):
        B[t, list(e)] = 1.0
    return np.vstack([np.eye(n), B, np.zeros((o, n))]), np.concatenate([np.ones(n), np.zeros(len(E) + o)])


def mixed_sign_bias_net(n_vertices: int, r: int) -> dict[str, np.ndarray]:
    """A two-unit net with a bias and output signs ``(+, -)`` that has loss 0 on reduction B's points of EVERY
    ``r``-uniform hypergraph on ``n_vertices`` vertices, with or without origin rows (module docstring):
    ``relu(S) - relu(r / (r - 1) (S - 1))``, ``S = <1, x>``. Returns ``{"a": (2,), "W": (N, 2), "b": (2,)}``."""
    n = _int("n_vertices", n_vertices, 1)
    r = _int("r", r, 2)
    c = r / (r - 1.0)
    W = np.stack([np.ones(n), np.full(n, c)], axis=1)
    return {"a": np.array([1.0, -1.0]), "W": W, "b": np.array([0.0, -c])}


def colouring_witness(colouring: np.ndarray, k: int, off: float = -2.0) -> np.ndarray:
    """The zero-loss weights ``V`` (N, k) of reduction B: ``V[v, c] = 1`` if ``colouring[v] == c``, else ``off``.

    For a proper colouring the net ``sum_c relu(<V[:, c], x>)`` has loss 0 on :func:`colouring_points` when every
    edge has size ``<= 1 - off``: ``off = -2`` (default) serves 3-uniform hypergraphs (tight) and graphs (margin 1).
    """
    col = np.asarray(colouring)
    k = _int("k", k, 1)
    off_ok = isinstance(off, int | float | np.integer | np.floating) and not isinstance(off, bool)
    if not (off_ok and np.isfinite(off) and off <= 0):
        raise ValueError(f"off must be a finite number <= 0, got {off!r}")
    if col.ndim != 1 or col.size == 0 or not np.issubdtype(col.dtype, np.integer) or col.min() < 0 or col.max() >= k:
        raise ValueError(f"colouring must be a non-empty 1-D integer array with values in [0, {k}), got {col!r}")
    V = np.full((col.size, k), float(off))
    V[np.arange(col.size), col] = 1.0
    return V


def arrangement_cells(n_hyperplanes: int, d: int) -> int:
    """``2 sum_{i<d} C(n - 1, i)``: the cells of a central arrangement of ``n >= 1`` hyperplanes in general position
    in ``R^d`` (Cover's function-counting theorem); 1 for ``n = 0``. At ``n = 2d`` it is ``2^(2d - 1)``."""
    n = _int("n_hyperplanes", n_hyperplanes, 0)
    d = _int("d", d, 1)
    if n == 0:
        return 1
    return 2 * sum(math.comb(n - 1, i) for i in range(d))


# ---------------------------------------------------------------- random-teacher control


def teacher_data(rng: np.random.Generator, n: int, d: int,
                 noise: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A random single-ReLU teacher on Gaussian inputs, the benign control for the reduction instances.

    ``w*`` uniform on the unit sphere of ``R^d``, ``b* ~ N(0, 1)``, ``x_i ~ N(0, I_d)``,
    ``y_i = relu(<w*, x_i> + b*) + noise * z_i`` with ``z_i ~ N(0, 1)`` (drawn in this order).

    Returns
    -------
    X : ndarray (n, d)
    y : ndarray (n,)
    w_star : ndarray (d,)
    b_star : float
    """
    _check_rng(rng)
    n = _int("n", n, 1)
    d = _int("d", d, 1)
    noise = _real("noise", noise, 0.0)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    b = float(rng.standard_normal())
    X = rng.standard_normal((n, d))
    y = np.maximum(X @ w + b, 0.0) + noise * rng.standard_normal(n)
    return X, y, w, b
