"""Shared engines: seeds, Gaussian closed forms, data streams, atomic I/O, code provenance."""
