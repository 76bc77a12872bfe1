"""Datasets: bit-identical regeneration, chunking invariance, input validation, artifacts round trip."""

from __future__ import annotations

import numpy as np
import pytest

from depth2 import artifacts
from depth2.core.data import DatasetSpec, Samples, as_samples, generate_hidden
from depth2.core.rng import seed_sequence, stable_hash


def _spec(n=20_000, block_rows=4096, **kw) -> DatasetSpec:
    return DatasetSpec(family="guo2025.realizable", n=n, d=4, replicates=2, params={"b": -1.0, "kappa": 0.01},
                       seed_path=[5, "guo2025", "exp", "pt"], block_rows=block_rows, **kw)


def _samples(spec: DatasetSpec, r: int = 0) -> Samples:
    hid = generate_hidden(spec)
    return Samples(spec.n, spec.d, spec=spec, replicate=r, hidden={k: v[r] for k, v in hid.items()})


def test_stable_hash_is_sha256_based_and_keys_the_seed_sequence():
    import hashlib

    expected = int.from_bytes(hashlib.sha256(b"guo2025").digest()[:4], "little")
    assert stable_hash("guo2025") == expected
    assert seed_sequence(1, "a", 2).spawn_key == (stable_hash("a"), 2)


def test_regenerated_rows_are_identical_in_any_chunking():
    S = _samples(_spec())
    X, y = S.materialize()
    parts = list(S.chunks(1000, 15_000))
    Xc = np.concatenate([p[0] for p in parts])
    np.testing.assert_array_equal(Xc, X[1000:15_000])
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), y[1000:15_000])
    np.testing.assert_array_equal(_samples(_spec()).materialize(5, 9)[0], X[5:9])


def test_replicates_differ_and_rows_depend_on_the_seed():
    X0 = _samples(_spec(), 0).materialize(0, 10)[0]
    X1 = _samples(_spec(), 1).materialize(0, 10)[0]
    assert not np.array_equal(X0, X1)


def test_stored_and_regenerated_datasets_agree(tmp_path):
    spec = _spec()
    stored = artifacts.write_dataset(tmp_path / "a" / "data.npz", spec, {"b": -1}, max_stored_mb=100, sample_rows=10)
    streamed = artifacts.write_dataset(tmp_path / "b" / "data.npz", spec, {"b": -1}, max_stored_mb=1e-6, sample_rows=10)
    assert stored.stored and not streamed.stored
    for r in range(2):
        a, b = stored.replicate(r).materialize(), streamed.replicate(r).materialize()
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(streamed.sample_X[1], stored.replicate(1).materialize(0, 10)[0])


def test_as_samples_validates_inputs():
    with pytest.raises(ValueError, match="2-D"):
        as_samples(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="shape"):
        as_samples(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="finite"):
        as_samples(np.full((3, 2), np.nan), np.zeros(3))
    with pytest.raises(ValueError, match="y is required"):
        as_samples(np.zeros((3, 2)))


def test_spec_rejects_bad_sizes():
    with pytest.raises(ValueError, match="positive"):
        DatasetSpec(family="guo2025.eq4", n=0, d=3, replicates=1, seed_path=[1])


def test_fits_round_trip_and_predict(tmp_path):
    from depth2.learners import Fit

    fits = [Fit("relu_neuron", {"w": np.array([1.0, -2.0]), "b": np.array(0.5)}, {"t": 1}),
            Fit("relu_neuron", {"w": np.array([0.0, 1.0]), "b": np.array(-1.0)}, {"t": 2})]
    artifacts.write_fits(tmp_path / "fit" / "x.npz", "x", fits, {"p": 1})
    back = artifacts.load_fits(tmp_path / "fit" / "x.npz")
    X = np.array([[1.0, 0.0], [0.0, 3.0]])
    for f, g in zip(fits, back, strict=True):
        np.testing.assert_array_equal(f.predict(X), g.predict(X))
        assert f.info == g.info


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    from depth2.core.io import atomic_path

    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("partial")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
