"""Writes fixtures/golden/warnings.json: the RuntimeWarnings NumPy gives for each warning case.

Run with the Debian NumPy (1.24): /usr/bin/python3 scripts/prep/goldens/make_warning_goldens.py
Each case names its inputs (float64 unless a dtype is given) and the NumPy expression;
packages/core/src/testing/warnings.ts builds the same expression with @chunked, and the tests
(core's test/safety/warnings.test.ts, executor-node's test/warnings.test.ts) compare the warning
messages, "scalar divide" read as "divide" (NumPy names the 0-d division differently).
"""
import json
import math
import os
import warnings

import numpy as np

x = [1.0, 2.0, 0.0, -1.0, 4.0, 0.5]
big = [1e308, 1e308, 1.0, 2.0]
with_nan = [1.0, float("nan"), 3.0, 4.0]
nan_col = [[float("nan"), 1.0], [float("nan"), 2.0], [float("nan"), 3.0]]
ints = [1, 2, 3, 4]
int_zero = [1, 0, 3, 4]

CASES = {
    # name: (inputs, expression over a, b)
    "divide by zero": ([x], lambda a: a / 0),
    "divide by an array with zeros": ([x, x], lambda a, b: a / b),
    "divide without zeros": ([x], lambda a: a / 2),
    "log of zero and negatives": ([x], lambda a: np.log(a)),
    "log1p of -1": ([x], lambda a: np.log1p(a)),
    "sqrt of negatives": ([x], lambda a: np.sqrt(a)),
    "arcsin out of domain": ([x], lambda a: np.arcsin(a)),
    "exp overflow": ([big], lambda a: np.exp(a)),
    "multiply overflow": ([big], lambda a: a * 10),
    "float32 multiply overflow": ([np.array([3e38, 1.0], dtype=np.float32)], lambda a: a * np.float32(2)),
    "power of zero by -1": ([x], lambda a: np.power(a, -1.0)),
    "power overflow": ([big], lambda a: np.power(a, 3.0)),
    "inf minus inf": ([[math.inf, 1.0]], lambda a: a - math.inf),
    "floor_divide by zero": ([x], lambda a: a // 0),
    "remainder by zero": ([x], lambda a: np.remainder(a, 0.0)),
    "int floor_divide by zero": ([np.array(ints, dtype=np.int32), np.array(int_zero, dtype=np.int32)], lambda a, b: a // b),
    "int remainder by zero": ([np.array(ints, dtype=np.int32), np.array(int_zero, dtype=np.int32)], lambda a, b: a % b),
    "int floor_divide without zeros": ([np.array(ints, dtype=np.int32)], lambda a: a // a),
    "cast to float32 overflows": ([big], lambda a: a.astype(np.float32)),
    "cast NaN to int32": ([with_nan], lambda a: a.astype(np.int32)),
    "cast 1e10 to int32": ([[1e10, 1.0]], lambda a: a.astype(np.int32)),
    "cast 300 to int8 (wraps silently)": ([[300.0, 1.0]], lambda a: a.astype(np.int8)),
    "NaN input propagates silently": ([with_nan], lambda a: a + 1),
    "exp of inf is silent": ([[math.inf, 1.0]], lambda a: np.exp(a)),
    "chained: sqrt then divide": ([x], lambda a: np.sqrt(a) / a),
    "sum overflow": ([big], lambda a: a.sum()),
    "prod overflow": ([[1e200, 1e200, 1.0, 1.0]], lambda a: a.prod()),
    "mean overflow": ([big], lambda a: a.mean()),
    "sum of a quotient (fused)": ([x], lambda a: (a / 0).sum()),
    "mean of a log (fused)": ([x], lambda a: np.log(a).mean()),
    "sum with inf is silent": ([[math.inf, 1e308, 1e308, 1.0]], lambda a: a.sum()),
    "mean of an empty axis": ([np.zeros((0, 3))], lambda a: a.mean(axis=0)),
    "var with ddof = n": ([x], lambda a: a.var(ddof=6)),
    "std of an empty axis": ([np.zeros((0, 3))], lambda a: a.std(axis=0)),
    "sum of an empty axis is silent": ([np.zeros((0, 3))], lambda a: a.sum(axis=0)),
    "nanmean of an all-NaN slice": ([nan_col], lambda a: np.nanmean(a, axis=0)),
    "nanmin of an all-NaN slice": ([nan_col], lambda a: np.nanmin(a, axis=0)),
    "nanmax of an all-NaN slice": ([nan_col], lambda a: np.nanmax(a, axis=0)),
    "nanvar of an all-NaN slice": ([nan_col], lambda a: np.nanvar(a, axis=0)),
    "nanstd with ddof = count": ([with_nan], lambda a: np.nanstd(a, ddof=3)),
    "nanmedian of an all-NaN slice": ([nan_col], lambda a: np.nanmedian(a, axis=0)),
    "nanquantile of an all-NaN slice": ([nan_col], lambda a: np.nanquantile(a, [0.25, 0.75], axis=0)),
    "median with a NaN is silent": ([with_nan], lambda a: np.median(a)),
    "nansum of an all-NaN slice is silent": ([nan_col], lambda a: np.nansum(a, axis=0)),
    "mean with a NaN is silent": ([with_nan], lambda a: a.mean()),
}


def encode(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


out = {}
for name, (inputs, f) in CASES.items():
    arrays = [np.asarray(a, dtype=None if isinstance(a, np.ndarray) else np.float64) for a in inputs]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f(*arrays)
    messages = sorted({str(w.message).replace("scalar divide", "divide") for w in caught})
    out[name] = {
        "inputs": [
            {"dtype": str(a.dtype), "shape": list(a.shape), "data": [encode(float(v)) for v in a.ravel()]}
            for a in arrays
        ],
        "warnings": messages,
    }

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
path = os.path.join(root, "fixtures", "golden", "warnings.json")
with open(path, "w") as fh:
    json.dump({"numpy": np.__version__, "cases": out}, fh, indent=1)
    fh.write("\n")
print(f"wrote {len(out)} cases to {path}")
