"""The learner registry: every algorithm is ``fit(X, y=None, *, rng, **params) -> Fit``.

``get(name)`` returns a registered learner and ``names()`` lists them; the CLI and the Snakefile use only
this registry. Learner modules register themselves on import; :func:`_load_all` imports them lazily so
that a process that needs one learner does not pay for the others.
"""

from __future__ import annotations

import importlib

from depth2.learners.base import _MODULE_OF, _REGISTRY, Fit, Learner, register

__all__ = ["Fit", "Learner", "get", "names", "register", "module_of"]

# One module per learner family, with the learners it registers on import (the registry itself lives in
# base.py, so that adding a module here changes no learner's code hash). `get` imports only the module of the
# learner asked for: a fit job then pays for its own imports alone (scipy.optimize, scipy.linalg, ... cost
# tenths of a second each, in every one of hundreds of jobs). tests/test_learners.py checks this table
# against what the modules register.
_MODULES: dict[str, tuple[str, ...]] = {
    "depth2.learners.trivial": ("trivial", "zero"),
    "depth2.learners.single_relu": ("alg1", "gd", "gd_pop", "pca_tail", "sq", "sq_pca"),
    "depth2.learners.net_local": ("net_lbfgs",),
    "depth2.learners.tensor_nets": ("hermite_tensor", "hermite_tensor+refine", "hermite_tensor_t3",
                                    "hermite_tensor_t4", "hermite_tensor_zero_bias"),
    "depth2.learners.poly_baselines": ("cubic_ridge", "norm_only", "ols", "student_gd"),
    "depth2.learners.poly_tensor": ("tensor_jennrich", "tensor_power", "tensor_power_only", "tensor_spectral"),
    "depth2.learners.ball_nets": ("rf_ridge", "strong_net", "strong_net_gd", "strong_net_linear", "strong_net_sigmoid",
                                  "weak_net", "weak_net_adam", "weak_net_relu", "weak_net_sigmoid"),
    "depth2.learners.exact_relu": ("exact", "exact_bias"),
    "depth2.learners.relu_search": ("net_adam", "net_gd"),
    "depth2.learners.project_grid": ("poly_kernel", "project_grid"),
    "depth2.learners.project_exact": ("project_exact",),
}
_HOME = {name: mod for mod, names in _MODULES.items() for name in names}


def _load_all() -> None:
    for mod in _MODULES:
        importlib.import_module(mod)


def names() -> list[str]:
    """Sorted names of every registered learner."""
    _load_all()
    return sorted(_REGISTRY)


def get(name: str) -> Learner:
    """The learner registered as ``name``.

    Raises
    ------
    KeyError
        Naming the unknown learner and listing the known ones.
    """
    if name not in _HOME:
        raise KeyError(f"unknown learner {name!r}; known learners: {', '.join(sorted(_HOME))}")
    importlib.import_module(_HOME[name])
    if name not in _REGISTRY:
        raise RuntimeError(f"{_HOME[name]} does not register learner {name!r}: fix _MODULES in {__name__}")
    return _REGISTRY[name]


def module_of(name: str) -> str:
    """The module that defines learner ``name`` (used to hash exactly the code a fit depends on)."""
    get(name)
    return _MODULE_OF[name]
