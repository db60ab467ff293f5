"""Latency summaries shared by the engine and the end-to-end benchmarks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentiles(samples_ms: Sequence[float]) -> dict[str, float | None]:
    if not samples_ms:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    arr = np.asarray(samples_ms, dtype=np.float64)
    return {"p50": float(np.percentile(arr, 50)), "p95": float(np.percentile(arr, 95)),
            "p99": float(np.percentile(arr, 99)), "max": float(arr.max())}
