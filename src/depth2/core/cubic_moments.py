"""The empirical order-3 Hermite moment ``T3 = mean_i r_i He_3(x_i)`` as an operator, never as a d^3 array.

``He_3(x)_{abc} = x_a x_b x_c - x_a delta_bc - x_b delta_ac - x_c delta_ab``; for ``x ~ N(0, I_d)`` and
``y = sum_i a_i p(<w_i, x>)`` with unit ``w_i`` and a cubic ``p(z) = sum_k coef[k] z^k``,
``E[y He_3(x)] = 6 coef[3] sum_i a_i w_i^{(x)3}`` (the He_3 coefficient of ``p`` is ``coef[3]``).

Every contraction is one pass over the rows (chunked GEMMs); with ``mu = mean r x`` and ``s = mean r``:

* ``vectors(U)``: ``T3(., u, u) = mean r [(x.u)^2 x - |u|^2 x - 2 (x.u) u]``, (d, k) in O(n d k);
* ``scalars(U)``: ``T3(u, u, u) = mean r [(x.u)^3 - 3 |u|^2 (x.u)]``, (k,) in O(n d k);
* ``matrix(g)`` / ``matrices(G)``: ``T3(., ., g) = mean r (x.g) x x^T - (mu.g) I - mu g^T - g mu^T``, O(n d^2) each;
* ``contract_pairs(V)``: ``T3(V, .)_c = sum_ab T_abc V_ab = mean r x_c (x^T V x - tr V) - ((V + V^T) mu)_c``,
  (d, k) for k matrices in O(n d^2 k).

``matrices`` and ``contract_pairs`` are the two halves of the (d^2 x d) flattening ``A = [vec T3(., ., e_j)]_j``:
``matrices(G) = A G`` and ``contract_pairs(V) = A^T vec(V)``. Both use the d(d+1)/2 products ``x_a x_b``
(a <= b) of a block of rows, so that k contractions cost one GEMM of (rows x d(d+1)/2) by (.. x k).

Labels are *residualized* first (``residualize`` = the highest degree removed): ``r = y - T0`` (0),
``- <T1, x>`` (1, the default), ``- (x^T T2 x - tr T2) / 2`` (2), with ``T0, T1, T2`` the empirical
Hermite moments of orders 0-2. These parts are orthogonal to He_3 in population but add to the sampling
variance of T3. ``None`` keeps the raw labels.

Rows are read from a :class:`~depth2.core.data.Samples` stream; when the stream is generated on the fly and
fits in ``cache_bytes`` it is materialized once (every learner makes many passes).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from depth2.core.data import Samples, as_samples

DENSE_MAX_D = 40
DEFAULT_CACHE_BYTES = 512 * 2**20
_FEATURE_FLOATS = 2**22  # max entries of one block of pair features x_a x_b (32 MiB)


def sym_pack(V: np.ndarray) -> np.ndarray:
    """Stack of matrices (d, d, k) -> (d(d+1)/2, k): entries ``V_ab + V_ba`` (a < b) and ``V_aa`` (a = b), so
    that ``<pair features of x, sym_pack(V)> = x^T V x``."""
    d = V.shape[0]
    iu, ju = np.triu_indices(d)
    S = V + V.transpose(1, 0, 2)
    S[np.arange(d), np.arange(d)] *= 0.5
    return S[iu, ju]


def sym_unpack(P: np.ndarray, d: int) -> np.ndarray:
    """(d(d+1)/2, k) upper-triangle values -> (k, d, d) symmetric matrices."""
    iu, ju = np.triu_indices(d)
    k = P.shape[1]
    out = np.zeros((k, d, d))
    out[:, iu, ju] = P.T
    out[:, ju, iu] = P.T
    return out


def pair_features(X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows (m, d) -> (m, d(d+1)/2) products ``x_a x_b`` for a <= b (``np.triu_indices`` order).

    Written slice by slice into ``out`` (an (>= m, d(d+1)/2) buffer, reused across blocks) when given.
    """
    m, d = X.shape
    F = np.empty((m, d * (d + 1) // 2)) if out is None else out[:m]
    o = 0
    for a in range(d):
        np.multiply(X[:, a : a + 1], X[:, a:], out=F[:, o : o + d - a])
        o += d - a
    return F


class _T3Operator:
    """What :class:`CubicMoments` and :class:`PopulationMoments` share: argument checks and the contractions that
    are compositions of the others (``matrix`` from ``matrices``, ``flattening_apply`` from ``contract_pairs``
    and ``matrices``). A subclass sets ``d`` and defines ``matrices`` and ``contract_pairs``."""

    d: int

    def _as_columns(self, U: np.ndarray, name: str) -> tuple[np.ndarray, bool]:
        """``U`` as a (d, k) float array of columns, and whether a single (d,) vector was given."""
        U = np.asarray(U, dtype=float)
        one = U.ndim == 1
        U2 = U[:, None] if one else U
        if U2.ndim != 2 or U2.shape[0] != self.d:
            raise ValueError(f"{name} must have shape (d,) or (d, k) with d = {self.d}, got {U.shape}")
        return U2, one

    def _as_matrices(self, V: np.ndarray) -> tuple[np.ndarray, bool]:
        """``V`` as a (d, d, k) float stack of matrices, and whether a single (d, d) matrix was given."""
        V = np.asarray(V, dtype=float)
        one = V.ndim == 2
        V3 = V[:, :, None] if one else V
        if V3.ndim != 3 or V3.shape[:2] != (self.d, self.d):
            raise ValueError(f"V must have shape (d, d) or (d, d, k) with d = {self.d}, got {V.shape}")
        return V3, one

    def matrices(self, G: np.ndarray) -> np.ndarray:
        """``T3(., ., g_j)`` for each column of G (d, k) -> (k, d, d); defined by each subclass."""
        raise NotImplementedError

    def contract_pairs(self, V: np.ndarray) -> np.ndarray:
        """``T3(V_j, .)`` for each matrix of V (d, d, k) -> (d, k); defined by each subclass."""
        raise NotImplementedError

    def matrix(self, g: np.ndarray) -> np.ndarray:
        """``T3(., ., g)``: g (d,) -> (d, d), one column of :meth:`matrices`."""
        g = np.asarray(g, dtype=float)
        if g.shape != (self.d,):
            raise ValueError(f"g must have shape ({self.d},), got {g.shape}")
        return self.matrices(g[:, None])[0]

    def flattening_apply(self, V: np.ndarray) -> np.ndarray:
        """``M(V_j) = sum_c T3(., ., e_c) <T3(., ., e_c), V_j> = T3(., ., T3(V_j, .))``: (d, d, k) -> (d, d, k)
        (or (d, d) -> (d, d)).

        ``M = A A^T`` for the (d^2 x d) flattening ``A`` of T3 (see the module docstring); two contractions
        (for :class:`CubicMoments` two passes over the rows, O(n d^2 k)).
        """
        V = np.asarray(V, dtype=float)
        out = self.matrices(self.contract_pairs(V)).transpose(1, 2, 0)
        return out[:, :, 0] if V.ndim == 2 else out


class CubicMoments(_T3Operator):
    """The order-3 Hermite moment ``T3 = mean r He_3(x)`` of (X, y) as an implicit operator.

    Parameters
    ----------
    X : (n, d) array or Samples
    y : (n,) array, or None with a Samples stream
    residualize : int or None
        Highest degree of the label's Hermite expansion removed before contracting (see the module
        docstring): None (raw labels), 0 (centred), 1 (default: centred and linear part removed), 2.
    chunk_rows : int
        Rows per GEMM block (small enough for the block to stay in cache across its two GEMMs).
    cache_bytes : int
        A generated (not stored) stream of at most this many bytes is materialized once.

    Attributes
    ----------
    n, d : int
    T0 : float, T1 : (d,), T2 : (d, d) or None
        Empirical Hermite moments of the raw labels (T2 only when ``residualize >= 2``).
    s0 : float, mu : (d,)
        ``mean r`` and ``mean r x`` of the residual labels (zero in population).
    passes : int
        Passes over the data made so far (a cost counter for diagnostics).
    """

    def __init__(self, X, y=None, *, residualize: int | None = 1, chunk_rows: int = 4096,
                 cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        if residualize not in (None, 0, 1, 2):
            raise ValueError(f"residualize must be None, 0, 1 or 2, got {residualize!r}")
        if int(chunk_rows) < 1:
            raise ValueError(f"chunk_rows must be positive, got {chunk_rows}")
        S: Samples = as_samples(X, y)
        if S.spec is not None and S.n * (S.d + 1) * 8 <= int(cache_bytes):
            S = as_samples(*S.materialize())
        self.samples = S
        self.n, self.d = S.n, S.d
        self.residualize = residualize
        self.chunk_rows = int(chunk_rows)
        self.passes = 0
        d = self.d
        s0, s1 = 0.0, np.zeros(d)
        s2 = np.zeros((d, d)) if residualize == 2 else None
        for Xc, yc in self._raw_blocks():
            s0 += float(yc.sum())
            s1 += Xc.T @ yc
            if s2 is not None:
                s2 += (Xc * yc[:, None]).T @ Xc
        n = self.n
        self.T0 = s0 / n
        self.T1 = s1 / n
        self.T2 = None if s2 is None else s2 / n - self.T0 * np.eye(d)
        self._r: list[np.ndarray] | None = None  # residual labels per block, filled by the next pass
        self.s0, self.mu = 0.0, np.zeros(d)
        r_blocks = []
        for Xc, rc in self._blocks():
            r_blocks.append(rc)
            self.s0 += float(rc.sum())
            self.mu += Xc.T @ rc
        self._r = r_blocks
        self.s0 /= n
        self.mu /= n

    # ------------------------------------------------------------------ passes over the rows
    def _raw_blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        self.passes += 1
        step = self.chunk_rows
        for Xc, yc in self.samples.chunks(chunk_rows=step):
            for s in range(0, Xc.shape[0], step):
                yield Xc[s : s + step], yc[s : s + step]

    def _residual(self, Xc: np.ndarray, yc: np.ndarray) -> np.ndarray:
        res = self.residualize
        if res is None:
            return yc
        r = yc - self.T0
        if res >= 1:
            r = r - Xc @ self.T1
        if res >= 2:
            quad = np.einsum("na,na->n", Xc @ self.T2, Xc)
            r = r - 0.5 * (quad - np.trace(self.T2))
        return r

    def _blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(X block, residual labels) over all rows, in a fixed order."""
        for i, (Xc, yc) in enumerate(self._raw_blocks()):
            yield Xc, (self._r[i] if self._r is not None else self._residual(Xc, yc))

    def _pair_blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(X sub-block, residual labels, pair features) with the feature block bounded in memory."""
        D = self.d * (self.d + 1) // 2
        step = max(1, min(self.chunk_rows, _FEATURE_FLOATS // D))
        buf = np.empty((step, D))
        for Xc, rc in self._blocks():
            for s in range(0, Xc.shape[0], step):
                Xs = Xc[s : s + step]
                yield Xs, rc[s : s + step], pair_features(Xs, buf)

    # ------------------------------------------------------------------ contractions
    def vectors(self, U: np.ndarray) -> np.ndarray:
        """``T3(., u_j, u_j)`` for each column: U (d, k) -> (d, k) (or (d,) -> (d,)), O(n d k).

        ``= mean r [(x.u)^2 x - |u|^2 x - 2 (x.u) u]``, two GEMMs per block of rows.
        """
        U2, one = self._as_columns(U, "U")
        acc = np.zeros_like(U2)
        sz = np.zeros(U2.shape[1])
        for Xc, rc in self._blocks():
            Z = Xc @ U2
            acc += Xc.T @ (rc[:, None] * Z * Z)
            sz += rc @ Z
        out = acc / self.n - np.outer(self.mu, np.sum(U2 * U2, axis=0)) - 2.0 * U2 * (sz / self.n)
        return out[:, 0] if one else out

    def scalars(self, U: np.ndarray) -> np.ndarray:
        """``T3(u_j, u_j, u_j)`` for each column: U (d, k) -> (k,) (or (d,) -> float), O(n d k)."""
        U2, one = self._as_columns(U, "U")
        acc = np.zeros(U2.shape[1])
        for Xc, rc in self._blocks():
            Z = Xc @ U2
            acc += rc @ (Z * Z * Z)
        out = acc / self.n - 3.0 * np.sum(U2 * U2, axis=0) * (self.mu @ U2)
        return float(out[0]) if one else out

    def matrices(self, G: np.ndarray) -> np.ndarray:
        """``T3(., ., g_j)`` for each column: G (d, k) -> (k, d, d), O(n d^2 k) (one pass for all k)."""
        G2, _ = self._as_columns(G, "G")
        D = self.d * (self.d + 1) // 2
        acc = np.zeros((D, G2.shape[1]))
        for Xs, rs, F in self._pair_blocks():
            acc += F.T @ (rs[:, None] * (Xs @ G2))
        out = sym_unpack(acc / self.n, self.d)
        mg = self.mu @ G2
        eye = np.eye(self.d)
        for j in range(G2.shape[1]):
            g = G2[:, j]
            out[j] -= mg[j] * eye + np.outer(self.mu, g) + np.outer(g, self.mu)
        return out

    def contract_pairs(self, V: np.ndarray) -> np.ndarray:
        """``c_j = T3(V_j, .)``, i.e. ``(c_j)_c = sum_ab T_abc (V_j)_ab``: V (d, d, k) -> (d, k) (or (d, d) -> (d,)).

        O(n d^2 k): ``x^T V_j x`` for every row and j is one GEMM against the packed pair features.
        """
        V3, one = self._as_matrices(V)
        P = sym_pack(V3)
        tr = np.einsum("aak->k", V3)
        acc = np.zeros((self.d, V3.shape[2]))
        for Xs, rs, F in self._pair_blocks():
            q = F @ P - tr
            acc += Xs.T @ (rs[:, None] * q)
        out = acc / self.n - np.einsum("abk,b->ak", V3 + V3.transpose(1, 0, 2), self.mu)
        return out[:, 0] if one else out

    def dense(self) -> np.ndarray:
        """The full (d, d, d) array of T3 — for tests on small d only.

        Raises
        ------
        ValueError
            If d > 40 (the dense array is what the operator exists to avoid).
        """
        d = self.d
        if d > DENSE_MAX_D:
            raise ValueError(f"dense() builds d^3 entries; refused for d = {d} > {DENSE_MAX_D}")
        M3 = np.zeros((d, d, d))
        for Xc, rc in self._blocks():
            M3 += np.einsum("n,na,nb,nc->abc", rc, Xc, Xc, Xc)
        M3 /= self.n
        eye, mu = np.eye(d), self.mu
        return M3 - (np.einsum("a,bc->abc", mu, eye) + np.einsum("b,ac->abc", mu, eye)
                     + np.einsum("c,ab->abc", mu, eye))


class PopulationMoments(_T3Operator):
    """The population order-3 Hermite moment of a planted network, as the same operator as
    :class:`CubicMoments` (n = infinity), in O(d r k) per contraction and never as a d^3 array.

    For ``y = sum_i a_i p(<w_i, x>)`` with unit ``w_i``, ``x ~ N(0, I_d)`` and ``p = sum_k h_k He_k``,
    ``T3 = E[y He_3(x)] = 6 h_3 sum_i a_i w_i^{(x)3} = sum_i l_i w_i^{(x)3}`` with ``l_i = 6 h_3 a_i``, so

    * ``vectors(U)``: ``T3(., u, u) = W (l o (W^T u)^2)``; ``scalars(U)``: ``sum_i l_i (w_i.u)^3``;
    * ``matrices(G)``: ``T3(., ., g) = W diag(l o W^T g) W^T``;
    * ``contract_pairs(V)``: ``sum_ab T_abc V_ab = W (l o (w_i^T V w_i)_i)``.

    The residualization of :class:`CubicMoments` removes parts that vanish in population, so ``s0 = 0`` and
    ``mu = 0``. ``covariance`` gives the exact second moments the output layer needs (see
    :func:`depth2.learners.poly_tensor.fit_output_layer_population`). Equivalence with :class:`CubicMoments`
    on many rows is tested in ``tests/test_poly_tensor.py``.

    Parameters
    ----------
    W : (d, r) planted directions (unit columns; normalized here)
    a : (r,) output weights
    hermite : (h_0, ..., h_K) Hermite coefficients of p (K >= 3)
    """

    n = float("inf")

    def __init__(self, W: np.ndarray, a: np.ndarray, hermite: np.ndarray) -> None:
        W = np.asarray(W, dtype=float)
        if W.ndim != 2:
            raise ValueError(f"W must have shape (d, r), got {W.shape}")
        norms = np.linalg.norm(W, axis=0)
        if np.any(norms == 0) or not np.all(np.isfinite(W)):
            raise ValueError("W must have finite, nonzero columns")
        self.W = W / norms
        self.a = np.asarray(a, dtype=float).reshape(-1)
        if self.a.shape != (self.W.shape[1],):
            raise ValueError(f"a must have shape ({self.W.shape[1]},), got {self.a.shape}")
        self.hermite = np.asarray(hermite, dtype=float).reshape(-1)
        if self.hermite.size < 4:
            raise ValueError("hermite must hold the coefficients h_0..h_3 at least")
        self.lam = 6.0 * self.hermite[3] * self.a
        self.d = self.W.shape[0]
        self.residualize = None
        self.passes = 0
        self.s0, self.mu = 0.0, np.zeros(self.d)
        self.samples = None

    def vectors(self, U: np.ndarray) -> np.ndarray:
        """``T3(., u_j, u_j)`` per column, O(d r k)."""
        U2, one = self._as_columns(U, "U")
        self.passes += 1
        P = self.W.T @ U2
        out = self.W @ (self.lam[:, None] * P * P)
        return out[:, 0] if one else out

    def scalars(self, U: np.ndarray) -> np.ndarray:
        """``T3(u_j, u_j, u_j)`` per column, O(d r k)."""
        U2, one = self._as_columns(U, "U")
        self.passes += 1
        P = self.W.T @ U2
        out = self.lam @ (P * P * P)
        return float(out[0]) if one else out

    def matrices(self, G: np.ndarray) -> np.ndarray:
        """``T3(., ., g_j)`` per column: (k, d, d), O(d^2 r k)."""
        G2, _ = self._as_columns(G, "G")
        self.passes += 1
        C = self.lam[:, None] * (self.W.T @ G2)  # (r, k)
        return np.einsum("ai,ik,bi->kab", self.W, C, self.W, optimize=True)

    def contract_pairs(self, V: np.ndarray) -> np.ndarray:
        """``sum_ab T_abc (V_j)_ab`` per matrix: (d, d, k) -> (d, k), O(d^2 r k)."""
        V3, one = self._as_matrices(V)
        self.passes += 1
        q = np.einsum("ai,abk,bi->ik", self.W, V3, self.W, optimize=True)  # w_i^T V_j w_i
        out = self.W @ (self.lam[:, None] * q)
        return out[:, 0] if one else out

    def covariance(self, V: np.ndarray, feature_hermite: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
        """Exact second moments of the features ``q(<v_j, x>)`` for unit columns V (d, m), ``q = sum_k f_k He_k``
        (``feature_hermite``): (Cov(F) (m, m), Cov(F, y) (m,), E[y], E[q(G)]), from ``E[He_k(<u, x>)
        He_l(<v, x>)] = k! <u, v>^k 1{k = l}``."""
        V = np.asarray(V, dtype=float)
        f = np.zeros(max(self.hermite.size, np.size(feature_hermite)))
        f[: np.size(feature_hermite)] = np.asarray(feature_hermite, dtype=float)
        h = np.zeros(f.size)
        h[: self.hermite.size] = self.hermite
        Gvv, Gvw = V.T @ V, V.T @ self.W
        cov_ff = np.zeros_like(Gvv)
        cov_fy = np.zeros(V.shape[1])
        fact = 1.0
        for k in range(1, f.size):
            fact *= k
            cov_ff += fact * f[k] ** 2 * Gvv**k
            cov_fy += fact * f[k] * h[k] * (Gvw**k) @ self.a
        return cov_ff, cov_fy, float(h[0] * self.a.sum()), float(f[0])

    def dense(self) -> np.ndarray:
        """The full (d, d, d) array, for tests on small d only."""
        if self.d > DENSE_MAX_D:
            raise ValueError(f"dense() builds d^3 entries; refused for d = {self.d} > {DENSE_MAX_D}")
        return np.einsum("i,ai,bi,ci->abc", self.lam, self.W, self.W, self.W)
