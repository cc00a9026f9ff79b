"""Writes fixtures/golden/ufunc-out.json: NumPy's ufuncs with `out=`, in place and overlapping.

Run with the Debian NumPy (1.24): /usr/bin/python3 scripts/prep/goldens/make_out_goldens.py
Each case runs one ufunc call with out= on fresh inputs and records the array holding `out`
afterwards (its base when out is a view) and the RuntimeWarnings. core's
test/elementwise/out.test.ts makes the same call with nd.<op>(..., { out }) and compares.
"""
import json
import math
import warnings
from pathlib import Path

import numpy as np


def sq_in_place():
    a = np.array([1.5, -2.0, 3.0, 0.0])
    np.multiply(a, a, out=a)
    return a


def reciprocal_in_place():
    a = np.array([2.0, 0.0, -4.0, -0.0, 0.5])
    np.divide(1, a, out=a)
    return a


def shifted_overlap():
    a = np.arange(6.0)
    np.add(a[:-1], a[1:], out=a[1:])
    return a


def reversed_operand():
    a = np.arange(6.0)
    np.subtract(a, a[::-1], out=a)
    return a


def broadcast_into_out():
    out = np.zeros((2, 3))
    np.add(np.array([1.0, 2.0, 3.0]), 10, out=out)
    return out


def scalars_into_out():
    out = np.zeros(4)
    np.multiply(np.float64(2.5), 4, out=out)
    return out


def int8_wraps_in_place():
    a = np.array([100, 120, -128], dtype=np.int8)
    np.add(a, 10, out=a)
    return a


def in_place_with_a_row():
    b = np.arange(6.0).reshape(2, 3)
    np.multiply(b, np.array([1.0, -1.0, 2.0]), out=b)
    return b


def float32_power_in_place():
    a = np.array([1.5, 3e13, -2.0], dtype=np.float32)
    np.power(a, np.float32(3), out=a)
    return a


def big_reciprocal_in_place():
    # Several in-place blocks; the zero (and its warning) is in a later one.
    a = np.arange(-30000.0, 10000.0)
    np.divide(1, a, out=a)
    return a


def compare_into_bool():
    out = np.zeros(4, dtype=bool)
    np.greater(np.array([1.0, 5.0, -1.0, 3.0]), 2.0, out=out)
    return out


def clip_in_place():
    a = np.array([-5.0, 0.5, 7.0, float("nan")])
    np.clip(a, 0.0, 1.0, out=a)
    return a


CASES = {
    "square in place": sq_in_place,
    "reciprocal in place (divide by zero warns)": reciprocal_in_place,
    "shifted overlap": shifted_overlap,
    "reversed operand": reversed_operand,
    "broadcast into out": broadcast_into_out,
    "scalars into out": scalars_into_out,
    "int8 wraps in place": int8_wraps_in_place,
    "in place with a broadcast row": in_place_with_a_row,
    "float32 power in place (overflow warns)": float32_power_in_place,
    "big reciprocal in place": big_reciprocal_in_place,
    "comparison into a bool out": compare_into_bool,
    "clip in place": clip_in_place,
}

# Elements of the big case kept in the fixture (it is 40000 long).
BIG_AT = [0, 1, 16383, 16384, 29999, 30000, 30001, 32768, 39999]


def encode(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


out = {}
for name, f in CASES.items():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = f()
    flat = r.ravel()
    at = BIG_AT if r.size > 1000 else list(range(r.size))
    out[name] = {
        "dtype": str(r.dtype),
        "shape": list(r.shape),
        "at": at,
        "data": [encode(bool(flat[i]) if r.dtype == bool else float(flat[i])) for i in at],
        "negative_zero": [i for i in at if r.dtype.kind == "f" and flat[i] == 0 and math.copysign(1, flat[i]) < 0],
        "warnings": sorted({str(w.message) for w in caught}),
    }

path = Path(__file__).resolve().parents[3] / "fixtures" / "golden" / "ufunc-out.json"
path.write_text(json.dumps({"numpy": np.__version__, "cases": out}, indent=1) + "\n")
print(f"wrote {len(out)} cases to {path}")
