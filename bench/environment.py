"""The environment a benchmark ran in, and the machine's measured float64 GEMM rate.

Nothing here needs a package beyond numpy: the BLAS runtime (its detected core and thread count) is read
through ``threadpoolctl`` when that happens to be installed, else straight from the loaded OpenBLAS
library with :mod:`ctypes`, else left as "unknown".
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def loaded_openblases() -> list[str]:
    """Paths of every OpenBLAS loaded into this process, in load order: numpy's first and, once scipy.linalg is
    imported, scipy's own (a separate library with its own thread pool)."""
    paths: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            for line in fh:
                path = line.split()[-1]
                if "openblas" in os.path.basename(path).lower() and ".so" in path and path not in paths:
                    paths.append(path)
    except OSError:
        pass
    return paths


def _loaded_openblas() -> str | None:
    """Path of the OpenBLAS shared library loaded into this process (numpy's), if any."""
    paths = loaded_openblases()
    return paths[0] if paths else None


def _openblas_setter(lib: ctypes.CDLL) -> Any:
    """OpenBLAS's ``set_num_threads`` under any of its symbol spellings (None if the library has none)."""
    for name in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads",
                 "scipy_openblas_set_num_threads"):
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.argtypes, fn.restype = [ctypes.c_int], None
            return fn
    return None


def _openblas_call(lib: ctypes.CDLL, stem: str, restype: Any) -> Any:
    """Call OpenBLAS's ``stem`` under any of its symbol spellings (plain, ILP64, scipy-openblas)."""
    names = (f"scipy_openblas_{stem}64_", f"openblas_{stem}64_", f"openblas_{stem}", f"scipy_openblas_{stem}")
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            out = fn()
            return out.decode() if isinstance(out, bytes) else out
    return None


def blas_runtime() -> dict[str, Any]:
    """What numpy's BLAS is at run time: ``library``, ``config``, ``corename`` and ``threads``.

    The build-time summary comes from ``numpy.show_config``; the run-time one (the core OpenBLAS picked,
    which ``OPENBLAS_CORETYPE`` overrides, and its thread count) from threadpoolctl or the library itself.
    """
    info: dict[str, Any] = {"library": "unknown", "config": "unknown", "corename": "unknown", "threads": None}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["library"] = f"{blas.get('name', '?')} {blas.get('version', '?')}"
        info["config"] = " ".join(str(blas.get("openblas configuration", "")).split()) or "unknown"
    except Exception:  # noqa: BLE001 - show_config's layout is not a stable API
        pass
    try:
        from threadpoolctl import threadpool_info  # optional: used only if already installed

        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                info["threads"] = pool.get("num_threads")
                info["corename"] = pool.get("architecture") or info["corename"]
                return info
    except ImportError:
        pass
    path = _loaded_openblas()
    if path is not None:
        try:
            lib = ctypes.CDLL(path)
            info["threads"] = _openblas_call(lib, "get_num_threads", ctypes.c_int)
            info["corename"] = _openblas_call(lib, "get_corename", ctypes.c_char_p) or info["corename"]
            config = _openblas_call(lib, "get_config", ctypes.c_char_p)
            if config:
                info["config"] = " ".join(config.split())
        except OSError:
            pass
    return info


def set_blas_threads(threads: int) -> bool:
    """Set numpy's BLAS thread count at run time (threadpoolctl if installed, else OpenBLAS via ctypes).

    Returns whether it took effect. Prefer :func:`blas_threads_limited`, which restores the old count.
    """
    try:
        from threadpoolctl import threadpool_limits  # optional: used only if already installed

        threadpool_limits(limits=int(threads), user_api="blas")
        return blas_runtime()["threads"] == int(threads)
    except ImportError:
        pass
    path = _loaded_openblas()
    if path is None:
        return False
    fn = _openblas_setter(ctypes.CDLL(path))
    if fn is None:
        return False
    fn(int(threads))
    return blas_runtime()["threads"] == int(threads)


@contextlib.contextmanager
def blas_threads_limited(threads: int) -> Iterator[bool]:
    """Context in which numpy's BLAS uses ``threads`` threads; yields whether that could be set."""
    before = blas_threads()
    ok = set_blas_threads(threads)
    try:
        yield ok
    finally:
        if ok:
            set_blas_threads(before)


@contextlib.contextmanager
def all_blas_threads_limited(threads: int) -> Iterator[dict[str, int | None]]:
    """Context in which every loaded OpenBLAS (numpy's and scipy's) uses ``threads`` threads; yields
    {library file: threads in effect}, and restores each library's count on exit.

    :func:`blas_threads_limited` sets one library only (numpy's), while code that also calls scipy's (L-BFGS-B,
    Cholesky solves) runs on scipy's pool too: on a busy machine a population tensor fit ran 10-30x slower with
    scipy's pool at 2 threads than at 1. scipy.linalg and scipy.optimize are imported first so that scipy's
    library is loaded before it is set.
    """
    import scipy.linalg  # noqa: F401  (loads scipy's OpenBLAS)
    import scipy.optimize  # noqa: F401

    state: list[tuple[str, Any, int | None]] = []
    for path in loaded_openblases():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = _openblas_setter(lib)
        if setter is None:
            continue
        state.append((path, setter, _openblas_call(lib, "get_num_threads", ctypes.c_int)))
        setter(int(threads))
    try:
        yield {os.path.basename(path): _openblas_call(ctypes.CDLL(path), "get_num_threads", ctypes.c_int)
               for path, _, _ in state}
    finally:
        for _, setter, before in state:
            if before:
                setter(int(before))


def blas_threads() -> int:
    """Threads numpy's BLAS uses (the CPU count when it cannot be read)."""
    threads = blas_runtime()["threads"]
    return int(threads) if threads else (os.cpu_count() or 1)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or ``platform.processor()``)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def gemm_gflops(size: int = 2000, repeats: int = 5) -> dict[str, float]:
    """Best-of-``repeats`` float64 ``size x size`` matmul: seconds and GFLOP/s (``2 size^3`` flops).

    One untimed call first warms the BLAS thread pool and the page cache of the output.
    """
    rng = np.random.default_rng(0)
    A = rng.standard_normal((size, size))
    B = rng.standard_normal((size, size))
    C = np.empty((size, size))
    np.matmul(A, B, out=C)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(A, B, out=C)
        best = min(best, time.perf_counter() - t0)
    return {"size": size, "repeats": repeats, "best_s": best, "gflops": 2.0 * size**3 / best / 1e9}


def collect(gemm_size: int = 2000, gemm_repeats: int = 5) -> dict[str, Any]:
    """Everything :func:`markdown` reports, GEMM rate included (takes about a second)."""
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        affinity = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "blas": blas_runtime(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "thread_env": {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ},
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": affinity,
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "gemm": gemm_gflops(gemm_size, gemm_repeats),
    }


def markdown(env: dict[str, Any]) -> str:
    """The environment as a Markdown section."""
    blas, gemm = env["blas"], env["gemm"]
    threads_env = ", ".join(f"`{k}={v}`" for k, v in env["thread_env"].items()) or "none set"
    load = env["loadavg"]
    load_s = " / ".join(f"{x:.2f}" for x in load) if load else "unknown"
    coretype = env["openblas_coretype"]
    lines = [
        "## Environment",
        "",
        "| item | value |",
        "| --- | --- |",
        f"| Python | {env['python']} ({env['platform']}) |",
        f"| numpy | {env['numpy']} |",
        f"| BLAS (build) | {blas['library']}: `{blas['config']}` |",
        f"| BLAS (run time) | core `{blas['corename']}`, {blas['threads'] or '?'} threads |",
        f"| `OPENBLAS_CORETYPE` | {f'`{coretype}`' if coretype else 'unset'} |",
        f"| thread variables | {threads_env} |",
        f"| CPU | {env['cpu_model']}; `os.cpu_count()` = {env['cpu_count']}, "
        f"usable = {env['cpu_affinity']} |",
        f"| load average at start (1 / 5 / 15 min) | {load_s} |",
        f"| float64 GEMM {gemm['size']}x{gemm['size']}, best of {gemm['repeats']} | "
        f"{gemm['best_s'] * 1e3:.1f} ms = **{gemm['gflops']:.1f} GFLOP/s** |",
        "",
        "The GEMM rate is the machine's practical float64 peak here; later benchmarks quote achieved GFLOP/s "
        "against it. The load average shows whether other work shared the cores during the run.",
        "",
    ]
    return "\n".join(lines)
