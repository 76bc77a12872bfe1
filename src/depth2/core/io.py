"""Atomic file output: a job writes to a temporary file beside the target and renames it.

An interrupted or failing job therefore never leaves a file that looks finished: either the complete
file is there under its final name, or nothing is.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas costs ~0.5 s of start-up; jobs that write no table never import it
    import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; rename it to ``path`` when the block succeeds.

    The temporary file keeps the target's suffix (writers such as ``np.savez`` and matplotlib look at it).
    On any exception the temporary file is removed and the exception propagates.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def dumps(obj: Any) -> str:
    """Canonical JSON (sorted keys, numpy scalars and arrays converted): equal objects give equal text."""
    return json.dumps(_jsonable(obj), sort_keys=True, indent=1, allow_nan=True)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` as canonical JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(dumps(obj) + "\n")


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text())


def write_npz(path: str | os.PathLike, arrays: Mapping[str, np.ndarray]) -> None:
    """Write arrays to an uncompressed ``.npz``, atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **{k: np.asarray(v) for k, v in arrays.items()})


def read_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` into a dict (the file is closed on return)."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def write_table(path: str | os.PathLike, table: pd.DataFrame) -> None:
    """Write a table as Parquet (``.parquet``) or CSV (``.csv``), atomically and byte-reproducibly."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix == ".parquet":
            table.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
        elif path.suffix == ".csv":
            table.to_csv(tmp, index=False, float_format="%.10g", lineterminator="\n")
        else:
            raise ValueError(f"table path must end in .parquet or .csv, got {str(path)!r}")


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a table written by :func:`write_table`."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path, engine="pyarrow")
    if path.suffix == ".csv":
        return pd.read_csv(path)
    raise ValueError(f"table path must end in .parquet or .csv, got {str(path)!r}")
