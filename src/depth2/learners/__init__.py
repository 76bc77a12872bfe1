"""The learner registry: every algorithm is ``fit(X, y=None, *, rng, **params) -> Fit``.

``get(name)`` returns a registered learner and ``names()`` lists them; the CLI and the Snakefile use only
this registry. Learner modules register themselves on import; :func:`_load_all` imports them lazily so
that a process that needs one learner does not pay for the others.
"""

from __future__ import annotations

import importlib

from depth2.learners.base import _MODULE_OF, _REGISTRY, Fit, Learner, register

__all__ = ["Fit", "Learner", "get", "names", "register", "module_of"]

# One module per learner family; each registers its learners on import. (The registry itself lives in
# base.py, so that adding a module here changes no learner's code hash.)
_MODULES = ("depth2.learners.trivial", "depth2.learners.single_relu", "depth2.learners.net_local",
            "depth2.learners.tensor_nets", "depth2.learners.poly_baselines",
            "depth2.learners.poly_tensor", "depth2.learners.ball_nets", "depth2.learners.exact_relu",
            "depth2.learners.relu_search", "depth2.learners.project_grid")

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
    _load_all()
    if name not in _REGISTRY:
        raise KeyError(f"unknown learner {name!r}; known learners: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def module_of(name: str) -> str:
    """The module that defines learner ``name`` (used to hash exactly the code a fit depends on)."""
    get(name)
    return _MODULE_OF[name]
