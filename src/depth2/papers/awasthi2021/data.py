"""awasthi2021 data.

Family ``awasthi2021.gaussian_1d``: rows z ~ N(0, 1) (d = 1, labels all 0), the Monte Carlo draws against
which the closed-form Hermite coefficients c_k(b) of relu(z + b) are checked; its "hidden" parameter is the
grid of biases ``biases`` where they are evaluated.

Family ``awasthi2021.relu_net``: a planted depth-2 ReLU network ``y = sum_i a_i relu(<w_i, x> + b_i)``, x ~ N(0, I_d).

Family ``awasthi2021.relu_net``, parameters:

* ``m``: width; ``a`` magnitudes uniform in [a_min, a_max] with random signs;
* biases: ``bias_mode = "uniform"`` draws ``b_i ~ U[-bias, bias]``; ``"pm"`` sets ``b_i = +-bias`` (random
  signs); ``"list"`` cycles through ``biases`` (e.g. the Hermite roots 0, 1, -1);
* ``collinearity`` c in [0, 1): ``w_i = normalize(sqrt(1 - c) g_i + sqrt(c) u)`` with one shared random unit u,
  so that pairwise cosines are about c and the smallest singular value s_m(W) shrinks as c -> 1;
* ``orthonormal`` (default false): the g_i are orthonormalized first (QR), so that with c = 0 every singular
  value of W is 1 (the Hermite-roots experiment, which must not mix in the conditioning effect).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from depth2.core.data import register_family


def planted_network(rng: np.random.Generator, d: int, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """(a (m,), W (d, m) unit columns, b (m,)) drawn as the module docstring says."""
    m = int(params["m"])
    c = float(params.get("collinearity", 0.0))
    G = rng.standard_normal((d, m))
    G /= np.linalg.norm(G, axis=0)
    if params.get("orthonormal", False):
        G = np.linalg.qr(G)[0] * np.sign(np.diag(np.linalg.qr(G)[1]))  # s_m(W) = 1: no conditioning effect
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    W = np.sqrt(1.0 - c) * G + np.sqrt(c) * u[:, None]
    W /= np.linalg.norm(W, axis=0)
    mode, scale = params.get("bias_mode", "uniform"), float(params.get("bias", 1.0))
    if mode == "uniform":
        b = rng.uniform(-scale, scale, m)
    elif mode == "pm":
        b = scale * rng.choice([-1.0, 1.0], m)
    elif mode == "list":
        vals = list(params["biases"])
        b = np.array([float(vals[i % len(vals)]) for i in range(m)])
    else:
        raise ValueError(f"bias_mode must be 'uniform', 'pm' or 'list', got {mode!r}")
    a = rng.choice([-1.0, 1.0], m) * rng.uniform(float(params.get("a_min", 0.5)), float(params.get("a_max", 1.5)), m)
    return {"a": a, "W": W, "b": b}


@register_family("awasthi2021.relu_net")
class ReluNet:
    def hidden(self, rng, d, params):
        return planted_network(rng, d, params)

    def sample(self, rng, m, d, params, hidden):
        X = rng.standard_normal((m, d))
        y = np.maximum(X @ hidden["W"] + hidden["b"], 0.0) @ hidden["a"]
        return X, y


@register_family("awasthi2021.gaussian_1d")
class Gaussian1d:
    def hidden(self, rng, d, params):
        return {"biases": np.asarray(params["biases"], dtype=float)}

    def sample(self, rng, m, d, params, hidden):
        return rng.standard_normal((m, 1)), np.zeros(m)
