#!/usr/bin/python3
"""NumPy golden fixtures for @chunked: writes fixtures/golden/<family>.json.

Run from anywhere (Debian's numpy, not a pyenv python):

    /usr/bin/python3 scripts/prep/goldens/make_goldens.py

The outputs are committed; CI never runs Python. Each file is

    {"numpy": "<version>", "family": ..., "seed": ..., "promotion": "weak",
     "cases":  [{id, op, kwargs, inputs: [array | {"scalar": v}], expected: array}],
     "errors": [{id, op, kwargs, inputs, error: "<Python exception class>", message}]}

where array = {dtype, shape, data}, data flattened in C order, NaN/Inf/-Inf written as the
strings "nan"/"inf"/"-inf" and bools as 0/1. Integer-valued floats are written as JSON integers
(the dtype says they are floats); -0.0 keeps its sign. float32 values are written with their
shortest float32 repr, checked to round-trip through JavaScript's parse-to-double-then-fround.

Scalars follow NEP 50 (NumPy 2's "weak" Python scalars), which is also our JS rule: an
integer-valued scalar is a weak int, anything else a weak float. So a scalar is written as a JSON
integer exactly when it is a Python int; float scalars are never integer-valued here.
kwargs use @chunked's camelCase option names (axis as int | list | null, keepdims, ddof, ...).
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np

SEED = 20261125
ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "fixtures" / "golden"
MAX_BYTES = 200_000

# NumPy 1.24 (Debian 12) still defaults to value-based casting; NEP 50 "weak" promotion is what
# NumPy 2 does and what @chunked implements, so switch it on when this NumPy still has the knob.
if hasattr(np, "_set_promotion_state"):
    np._set_promotion_state("weak")
    PROMOTION = np._get_promotion_state()
else:
    PROMOTION = "weak"  # NumPy >= 2: NEP 50 is the only behaviour

rng = np.random.default_rng(SEED)

SUPPORTED = ["bool", "int8", "int16", "int32", "uint8", "uint16", "uint32", "float32", "float64"]
# Expected results may also be int64/uint64: @chunked returns float64 there (a recorded divergence).
EXPECTED_OK = set(SUPPORTED) | {"int64", "uint64"}


# ---------------------------------------------------------------------------------------------
# Encoding


class Scalar:
    """A Python scalar operand (weak in NEP 50 terms)."""

    def __init__(self, value: int | float):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            raise ValueError(f"float scalar {value!r} is integer-valued: JS would read it as a weak int")
        self.value = value


def enc_float(v: float):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 2**53 and not (v == 0 and math.copysign(1.0, v) < 0):
        return int(v)  # shorter; the dtype says it is a float
    return v


def enc_float32(x: np.float32):
    v = float(x)
    if not math.isfinite(v):
        return enc_float(v)
    e = enc_float(v)
    if isinstance(e, int) or v == 0:
        return e
    short = float(str(x))  # shortest repr that round-trips to this float32
    # JS parses to a double, then Float32Array rounds it: check that path gives x back exactly.
    return short if np.float32(short) == x else v


def enc_array(a) -> dict:
    a = np.asarray(a)
    dt = a.dtype.name
    if dt not in EXPECTED_OK:
        raise TypeError(f"dtype {dt} cannot be encoded")
    flat = a.ravel(order="C")
    if dt == "bool":
        data = [int(v) for v in flat.tolist()]
    elif dt == "float32":
        data = [enc_float32(v) for v in flat]
    elif dt == "float64":
        data = [enc_float(v) for v in flat.tolist()]
    else:
        data = [int(v) for v in flat.tolist()]
        if dt in ("int64", "uint64") and any(abs(v) > 2**53 for v in data):
            raise ValueError("int64 result beyond 2**53 cannot be represented by our float64 divergence")
    return {"dtype": dt, "shape": list(a.shape), "data": data}


def enc_input(x) -> dict:
    if isinstance(x, Scalar):
        v = x.value
        return {"scalar": enc_float(v) if isinstance(v, float) else int(v)}
    a = np.asarray(x)
    if a.dtype.name not in SUPPORTED:
        raise TypeError(f"input dtype {a.dtype.name} is not supported by @chunked")
    return enc_array(a)


def enc_kwargs(kw: dict) -> dict:
    out = {}
    for k, v in kw.items():
        if isinstance(v, float):
            v = enc_float(v)
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


def raw(x):
    return x.value if isinstance(x, Scalar) else x


def describe(x) -> str:
    if isinstance(x, Scalar):
        return repr(x.value)
    a = np.asarray(x)
    return f"{a.dtype.name}({','.join(map(str, a.shape))})"


def kw_text(kw: dict) -> str:
    return ",".join(f"{k}={json.dumps(enc_kwargs({k: v})[k])}" for k, v in kw.items())


class Family:
    def __init__(self, name: str):
        self.name = name
        self.cases: list[dict] = []
        self.errors: list[dict] = []
        self.ids: set[str] = set()

    def _id(self, op, inputs, kwargs, tag):
        base = f"{op}[{' '.join(describe(x) for x in inputs)}]" if inputs else op
        if kwargs:
            base += f" {kw_text(kwargs)}"
        if tag:
            base += f" ({tag})"
        cid, n = base, 2
        while cid in self.ids:
            cid, n = f"{base} #{n}", n + 1
        self.ids.add(cid)
        return cid

    def case(self, op, inputs, kwargs, expected, tag=None, id=None):
        cid = id or self._id(op, inputs, kwargs, tag)
        if id:
            assert id not in self.ids, id
            self.ids.add(id)
        self.cases.append(
            {
                "id": cid,
                "op": op,
                "kwargs": enc_kwargs(kwargs),
                "inputs": [enc_input(x) for x in inputs],
                "expected": enc_array(expected),
            }
        )

    def error(self, op, inputs, kwargs, fn, tag=None, id=None):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - we record whatever NumPy raises
            cid = id or self._id(op, inputs, kwargs, tag)
            self.errors.append(
                {
                    "id": cid,
                    "op": op,
                    "kwargs": enc_kwargs(kwargs),
                    "inputs": [enc_input(x) for x in inputs],
                    "error": type(e).__name__,
                    "message": str(e),
                }
            )
            return
        raise AssertionError(f"{self.name}: expected an error for {op} {kwargs}")

    def write(self) -> int:
        doc = {
            "numpy": np.__version__,
            "family": self.name,
            "seed": SEED,
            "promotion": PROMOTION,
            "generator": "scripts/prep/goldens/make_goldens.py",
            "cases": self.cases,
        }
        if self.errors:
            doc["errors"] = self.errors
        # One case per line: small diffs when regenerating, still compact.
        lines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in self.cases]
        head = {k: v for k, v in doc.items() if k not in ("cases", "errors")}
        text = json.dumps(head, separators=(",", ":"))[:-1] + ',\n"cases":[\n' + ",\n".join(lines) + "\n]"
        if self.errors:
            elines = [json.dumps(c, separators=(",", ":"), allow_nan=False) for c in self.errors]
            text += ',\n"errors":[\n' + ",\n".join(elines) + "\n]"
        text += "}\n"
        json.loads(text)  # sanity: valid JSON
        path = OUT / f"{self.name}.json"
        path.write_text(text)
        size = path.stat().st_size
        if size >= MAX_BYTES:
            raise SystemExit(f"{path} is {size} bytes (limit {MAX_BYTES})")
        return size


# ---------------------------------------------------------------------------------------------
# Data

RANGES = {
    "int8": (-100, 100),
    "int16": (-1000, 1000),
    "int32": (-100_000, 100_000),
    "uint8": (0, 200),
    "uint16": (0, 60_000),
    "uint32": (0, 4_000_000_000),
}


def data(dtype: str, shape, lo=None, hi=None, special=False, decimals=3):
    """Random data of a dtype; floats rounded to `decimals` to keep the JSON small."""
    shape = tuple(shape)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in RANGES:
        dlo, dhi = RANGES[dtype]
        return rng.integers(dlo if lo is None else lo, (dhi if hi is None else hi) + 1, size=shape, dtype=dtype)
    lo = -10.0 if lo is None else lo
    hi = 10.0 if hi is None else hi
    x = np.round(rng.uniform(lo, hi, size=shape), decimals).astype(dtype)
    if special and x.size >= 4:
        flat = x.reshape(-1)
        pos = rng.choice(flat.size, size=4, replace=False)
        flat[pos] = np.array([np.nan, np.inf, -np.inf, 0.0], dtype=dtype)
    return x


def arr(values, dtype):
    return np.array(values, dtype=dtype)


# ---------------------------------------------------------------------------------------------
# elementwise.json

BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "floorDiv": np.floor_divide,
    "mod": np.mod,
    "pow": np.power,
    "equal": np.equal,
    "notEqual": np.not_equal,
    "less": np.less,
    "lessEqual": np.less_equal,
    "greater": np.greater,
    "greaterEqual": np.greater_equal,
    "logicalAnd": np.logical_and,
    "logicalOr": np.logical_or,
    "logicalXor": np.logical_xor,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "arctan2": np.arctan2,
}

UNARY = {
    "neg": np.negative,
    "abs": np.abs,
    "logicalNot": np.logical_not,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "log1p": np.log1p,
    "expm1": np.expm1,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": np.round,
    "sign": np.sign,
    "isnan": np.isnan,
    "isfinite": np.isfinite,
    "isinf": np.isinf,
}

# Input domain per unary op, so results stay finite on random data (specials are tested apart).
DOMAIN = {
    "sqrt": (0, 50),
    "log": (0.01, 50),
    "log1p": (-0.99, 50),
    "arcsin": (-1, 1),
    "arccos": (-1, 1),
    "exp": (-20, 20),
    "expm1": (-5, 5),
    "sinh": (-5, 5),
    "cosh": (-5, 5),
}


def ew(g: Family, op: str, *inputs, tag=None, **kwargs):
    with np.errstate(all="ignore"):
        if op in BINARY:
            out = BINARY[op](*map(raw, inputs))
        elif op in UNARY:
            out = UNARY[op](*map(raw, inputs))
        elif op == "clip":
            out = np.clip(raw(inputs[0]), kwargs["min"], kwargs["max"])
        elif op == "where":
            # NumPy 2's np.where treats Python scalars as weak; 1.24 does not (even in "weak"
            # state), so give the scalar the NEP 50 result dtype ourselves.
            c, x, y = map(raw, inputs)
            common = np.result_type(x, y)
            out = np.where(c, np.asarray(x, dtype=common), np.asarray(y, dtype=common))
        elif op == "astype":
            out = np.asarray(inputs[0]).astype(kwargs["dtype"])
        else:
            raise KeyError(op)
    g.case(op, list(inputs), kwargs, np.asarray(out), tag=tag)


def ew_error(g: Family, op: str, *inputs, tag=None):
    g.error(op, list(inputs), {}, lambda: BINARY[op](*map(raw, inputs)), tag=tag)


def small_ints(dtype, shape, lo, hi):
    return rng.integers(lo, hi + 1, size=shape).astype(dtype)


def make_elementwise() -> Family:
    g = Family("elementwise")
    dts = SUPPORTED

    # Promotion matrix: add over every unordered dtype pair.
    for i, a in enumerate(dts):
        for b in dts[i:]:
            ew(g, "add", data(a, (7,)), data(b, (7,)), tag="promotion")

    # Edge: int8 overflow wraps around, as in C.
    ew(g, "add", arr([100, 127, -128, -100, 50, 1, 0], "int8"), arr([100, 1, -1, -100, 77, -1, 0], "int8"), tag="overflow")
    ew(g, "add", arr([250, 255, 0, 128], "uint8"), arr([10, 1, 0, 128], "uint8"), tag="overflow")

    pairs = [
        ("float64", "float64"),
        ("float32", "float32"),
        ("int32", "int32"),
        ("int8", "uint8"),  # -> int16
        ("int32", "float32"),  # -> float64
        ("uint32", "int32"),  # -> int64 (divergence)
        ("float32", "float64"),
        ("uint16", "int16"),  # -> int32
    ]
    # Arithmetic with divisors kept away from 0 (zero division has its own cases below).
    for op in ["sub", "mul", "div", "floorDiv", "mod"]:
        for a, b in pairs:
            x = data(a, (7,))
            y = data(b, (7,))
            if op in ("div", "floorDiv", "mod"):
                y = np.where(y == 0, np.asarray(3, dtype=b), y)
                if b.startswith("int"):
                    y[:3] = -np.abs(y[:3])  # negative divisors: floor and sign-of-divisor rules
            ew(g, op, x, y)
    ew(g, "mul", data("bool", (7,)), data("bool", (7,)))
    ew(g, "sub", arr([0, 1, 5, 200], "uint8"), arr([1, 2, 5, 100], "uint8"), tag="wrap")
    # floor/mod sign rules on small signed values
    x = arr([7, -7, 7, -7, 0, 6, -6], "int16")
    y = arr([2, 2, -2, -2, 3, -4, 4], "int16")
    ew(g, "floorDiv", x, y, tag="signs")
    ew(g, "mod", x, y, tag="signs")
    xf = arr([7.5, -7.5, 7.5, -7.5, 0.0, -0.0, 1e-300], "float64")
    yf = arr([2.0, 2.0, -2.0, -2.0, -3.0, 3.0, 7.0], "float64")
    ew(g, "floorDiv", xf, yf, tag="signs")
    ew(g, "mod", xf, yf, tag="signs")

    # pow: non-negative integer exponents (numpy raises for negative int powers).
    ew(g, "pow", small_ints("int32", (7,), -5, 5), small_ints("int32", (7,), 0, 5))
    ew(g, "pow", small_ints("int8", (7,), -4, 4), small_ints("int8", (7,), 0, 4))
    ew(g, "pow", small_ints("uint8", (7,), 0, 9), small_ints("uint8", (7,), 0, 4), tag="wrap")
    ew(g, "pow", data("float64", (7,), 0.1, 5), data("float64", (7,), -3, 3))
    ew(g, "pow", data("float32", (7,), 0.1, 5), data("float32", (7,), -3, 3))
    ew(g, "pow", arr([-8.0, -2.0, 0.0, 0.0, 2.0, np.nan, 1.0], "float64"), arr([1 / 3, 2.0, 0.0, -1.0, np.inf, 0.0, np.nan], "float64"), tag="special")
    ew(g, "pow", small_ints("int16", (7,), -5, 5), data("float32", (7,), -2, 2))

    # Comparisons and logical ops.
    cmp_pairs = [("float64", "float64"), ("int32", "float32"), ("uint32", "int32"), ("int8", "uint8"), ("bool", "bool")]
    for op in ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"]:
        for a, b in cmp_pairs:
            if a == "bool":
                x, y = data(a, (7,)), data(b, (7,))
            else:
                x = small_ints(a, (7,), 0, 4) if a != "float64" else np.floor(data(a, (7,), 0, 4))
                y = small_ints(b, (7,), 0, 4) if b != "float64" else np.floor(data(b, (7,), 0, 4))
            ew(g, op, x, y)
        ew(g, op, arr([np.nan, np.nan, 1.0, np.inf, -np.inf, 0.0, -0.0], "float64"), arr([np.nan, 1.0, np.nan, np.inf, np.inf, -0.0, 0.0], "float64"), tag="nan")
    for op in ["logicalAnd", "logicalOr", "logicalXor"]:
        ew(g, op, data("bool", (7,)), data("bool", (7,)))
        ew(g, op, small_ints("int32", (7,), -1, 1), arr([0.0, 0.5, np.nan, -0.0, 2.0, 0.0, 1.0], "float64"))
    ew(g, "logicalNot", data("bool", (7,)))
    ew(g, "logicalNot", arr([0, 1, -2, 0, 5, 0, 3], "int8"))
    ew(g, "logicalNot", arr([0.0, -0.0, np.nan, 1.5, np.inf, 0.0, 1e-300], "float64"))

    # maximum/minimum propagate NaN (fmax/fmin would not).
    for op in ["maximum", "minimum"]:
        ew(g, op, data("float64", (7,)), data("float64", (7,)))
        ew(g, op, data("int8", (7,)), data("uint8", (7,)))
        ew(g, op, data("float32", (5, 6), special=True), data("float32", (5, 6), special=True), tag="nan")
        ew(g, op, arr([np.nan, 1.0, np.nan, -0.0, 0.0, np.inf, -np.inf], "float64"), arr([1.0, np.nan, np.nan, 0.0, -0.0, np.nan, 5.0], "float64"), tag="nan")
        ew(g, op, data("bool", (7,)), data("bool", (7,)))

    ew(g, "arctan2", data("float64", (7,)), data("float64", (7,)))
    ew(g, "arctan2", data("float32", (7,)), data("float32", (7,)))
    ew(g, "arctan2", arr([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, np.inf], "float64"), arr([0.0, 0.0, -0.0, -0.0, 0.0, 0.0, np.inf], "float64"), tag="signed zeros")
    ew(g, "arctan2", small_ints("int16", (7,), -3, 3), small_ints("int16", (7,), -3, 3))

    # Division by zero: floats follow IEEE; integer floor_divide/mod by zero give 0 in NumPy.
    ew(g, "div", arr([1.0, 0.0, -1.0, np.nan, np.inf, -np.inf, 2.0], "float64"), arr([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0], "float64"), tag="by zero")
    ew(g, "div", arr([1.0, 0.0, -1.0, 3.0], "float32"), arr([0.0, 0.0, 0.0, -0.0], "float32"), tag="by zero")
    ew(g, "div", arr([1, 0, -1, 5], "int32"), arr([0, 0, 0, 0], "int32"), tag="by zero")
    ew(g, "floorDiv", arr([1.0, 0.0, -1.0, 5.5, np.inf], "float64"), arr([0.0, 0.0, 0.0, -0.0, 2.0], "float64"), tag="by zero")
    ew(g, "mod", arr([1.0, 0.0, -1.0, 5.5, np.inf], "float64"), arr([0.0, 0.0, 0.0, -0.0, 2.0], "float64"), tag="by zero")
    for dt in ["int32", "int8", "uint8", "uint16"]:
        lo = 0 if dt.startswith("u") else -7
        x = arr([7, lo, 0, 3], dt)
        y = arr([0, 0, 0, 2], dt)
        ew(g, "floorDiv", x, y, tag="by zero")
        ew(g, "mod", x, y, tag="by zero")

    # Weak Python scalars (NEP 50): the array's dtype wins within a kind.
    f32 = data("float32", (7,))
    ew(g, "add", f32, Scalar(2.5), tag="weak scalar")
    ew(g, "mul", data("float32", (5, 6)), Scalar(1e-3), tag="weak scalar")
    ew(g, "add", data("int8", (7,), -50, 50), Scalar(3), tag="weak scalar")
    ew(g, "add", data("int8", (7,)), Scalar(2.5), tag="weak float -> float64")
    ew(g, "sub", arr([0, 1, 2, 255, 10, 0, 7], "uint8"), Scalar(1), tag="weak scalar wraps")
    ew(g, "div", data("int32", (7,)), Scalar(2), tag="weak scalar")
    ew(g, "sub", Scalar(10), data("int16", (7,)), tag="scalar first")
    ew(g, "div", Scalar(1), data("float32", (7,), 0.5, 4), tag="scalar first")
    ew(g, "add", data("bool", (7,)), Scalar(1), tag="bool+int -> int64")
    ew(g, "mul", data("bool", (7,)), Scalar(2.5), tag="weak scalar")
    ew(g, "pow", data("float64", (7,)), Scalar(2), tag="weak scalar")
    ew(g, "pow", small_ints("int32", (7,), -9, 9), Scalar(2), tag="weak scalar")
    ew(g, "pow", Scalar(2), small_ints("int8", (7,), 0, 8), tag="scalar first, wraps")
    ew(g, "mod", data("int32", (7,)), Scalar(3), tag="weak scalar")
    ew(g, "floorDiv", data("float32", (7,)), Scalar(0.5), tag="weak scalar")
    ew(g, "maximum", data("float32", (7,)), Scalar(0), tag="weak scalar")
    ew(g, "equal", small_ints("int32", (7,), 0, 4), Scalar(3), tag="weak scalar")
    # float32 vs weak 0.1: 0.1 is rounded to float32 first, so float32(0.1) == 0.1 is True.
    ew(g, "equal", arr([0.1, 0.2, 0.3, 0.1], "float32"), Scalar(0.1), tag="weak float rounds to float32")
    ew(g, "greater", arr([0.1, 0.2, 0.3, 0.1], "float32"), Scalar(0.1), tag="weak float rounds to float32")
    ew(g, "equal", arr([0.1, 0.2, 0.3, 0.1], "float64"), Scalar(0.1), tag="weak scalar")

    # Broadcasting.
    ew(g, "add", data("float64", (3, 1)), data("float64", (1, 4)), tag="broadcast")
    ew(g, "mul", data("float32", (5, 6)), data("float32", (6,)), tag="broadcast")
    ew(g, "sub", np.asarray(data("float64", ())), data("float64", (3, 4)), tag="broadcast 0-d")
    ew(g, "sub", data("float64", (3, 4)), np.asarray(data("float64", ())), tag="broadcast 0-d")
    ew(g, "add", data("int32", (4, 1, 6)), data("int32", (5, 1)), tag="broadcast")
    ew(g, "maximum", data("float64", (1,)), data("float64", (7,)), tag="broadcast")
    ew(g, "div", data("float64", (3, 4, 5)), data("float64", (4, 1), 1, 5), tag="broadcast")
    ew(g, "less", data("int16", (3, 1)), data("float32", (1, 4)), tag="broadcast")
    # 0-d arrays are not weak: they promote like any array (differs from a scalar).
    ew(g, "add", data("float32", (3, 4)), np.asarray(data("float64", ())), tag="0-d is strong")
    ew(g, "add", data("int8", (7,), -50, 50), np.asarray(3, dtype="int32"), tag="0-d is strong")
    ew(g, "add", np.asarray(data("float64", ())), np.asarray(data("float64", ())), tag="0-d")
    ew_error(g, "add", data("float64", (3,)), data("float64", (4,)), tag="shape mismatch")
    ew_error(g, "add", data("float64", (2, 3)), data("float64", (3, 2)), tag="shape mismatch")

    # Unary ops.
    floats_only = {"sqrt", "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "floor", "ceil"}
    for op in UNARY:
        if op == "logicalNot":
            continue
        lo, hi = DOMAIN.get(op, (-10, 10))
        ew(g, op, data("float64", (7,), lo, hi))
        ew(g, op, data("float32", (5, 6), lo, hi))
        if op in floats_only and op not in ("floor", "ceil"):
            # int16 -> float32, int32 -> float64 (int8/uint8 would give float16, which we lack).
            ilo, ihi = max(-30, math.ceil(lo)), min(30, math.floor(hi))
            ew(g, op, small_ints("int32", (7,), ilo, ihi))
            ew(g, op, small_ints("int16", (7,), ilo, ihi))
        elif op not in floats_only:
            ew(g, op, data("int32", (7,)))
            if op not in ("isnan", "isfinite", "isinf"):
                ew(g, op, arr([-128, -1, 0, 1, 127, -5, 5], "int8"))
                ew(g, op, arr([0, 1, 2, 254, 255, 128, 7], "uint8"))
    specials = arr([np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1e-300], "float64")
    for op in UNARY:
        if op != "logicalNot":
            ew(g, op, specials, tag="special")
    for op in ["isnan", "isfinite", "isinf", "abs", "sign"]:
        ew(g, op, data("float32", (3, 4, 5), special=True), tag="special")
    # Half to even (np.round), unlike Math.round.
    halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.675, 0.49999999999999994, 4503599627370495.5, -0.4]
    ew(g, "round", arr(halves, "float64"), tag="half to even")
    ew(g, "round", arr([0.5, 1.5, 2.5, -0.5, -2.5, 3.5, 8388607.5], "float32"), tag="half to even")
    ew(g, "round", data("int32", (7,)))
    ew(g, "abs", data("bool", (7,)))
    ew(g, "sign", arr([-3, 0, 3, -1, 1, 0, 2], "int16"))
    ew(g, "exp", arr([700.0, 710.0, -745.0, -746.0], "float64"), tag="overflow")
    ew(g, "exp", arr([88.0, 89.0, -103.0, -104.0], "float32"), tag="overflow")
    ew(g, "expm1", arr([1e-10, -1e-10, 1e-300, -1e-5], "float64"), tag="tiny")
    ew(g, "log1p", arr([1e-10, -1e-10, 1e-300, -1.0, -2.0], "float64"), tag="tiny")
    ew(g, "sqrt", arr([-1.0, -0.0, 0.0, 2.0, 1e-320], "float64"), tag="special")
    ew(g, "sin", data("float64", (3, 4, 5), -100, 100, decimals=6))
    ew(g, "neg", arr([0.0, -0.0, 1.5, np.nan, np.inf], "float64"), tag="signed zero")

    # clip (kwargs min, max; max may be null).
    ew(g, "clip", data("float64", (5, 6), special=True), min=-2.5, max=3.5)
    ew(g, "clip", data("float32", (7,)), min=-1.5, max=1.5)
    ew(g, "clip", data("int32", (7,)), min=-50_000, max=50_000)
    ew(g, "clip", data("uint8", (7,)), min=10, max=100)
    ew(g, "clip", data("float64", (7,)), min=0, max=None)
    ew(g, "clip", data("int16", (3, 4, 5)), min=None, max=100)
    ew(g, "clip", arr([1.0, 5.0, np.nan, -np.inf, np.inf, 3.0, -0.0], "float64"), min=2.5, max=4.5, tag="special")

    # where (3 inputs: cond, x, y).
    ew(g, "where", data("bool", (5, 6)), data("float64", (5, 6)), data("float64", (5, 6)))
    ew(g, "where", data("bool", (5, 1)), data("float32", (1, 6)), data("float32", ()), tag="broadcast")
    ew(g, "where", data("bool", (7,)), data("int32", (7,)), data("float32", (7,)), tag="promotion")
    ew(g, "where", data("bool", (7,)), data("int8", (7,)), data("uint8", (7,)), tag="promotion")
    ew(g, "where", data("bool", (7,)), data("float32", (7,)), Scalar(0), tag="weak scalar")
    ew(g, "where", data("bool", (3, 4, 5)), data("int16", (3, 4, 5)), data("int16", (4, 5)), tag="broadcast")
    ew(g, "where", arr([0.0, 1.0, np.nan, -0.0, 2.0], "float64"), arr([1, 2, 3, 4, 5], "int32"), arr([-1, -2, -3, -4, -5], "int32"), tag="nonbool cond")

    # astype (kwargs dtype): truncation toward zero, wraparound, bool of NaN.
    ew(g, "astype", arr([-2.7, -0.5, 0.5, 2.7, 100.9, -100.9, 3.0], "float64"), dtype="int32")
    ew(g, "astype", arr([0.0, 1.9, 254.9, 255.0, 17.5], "float64"), dtype="uint8")
    ew(g, "astype", data("float64", (7,), decimals=12), dtype="float32")
    ew(g, "astype", arr([300, -129, 127, -128, 255, 256, 0], "int32"), dtype="int8")
    ew(g, "astype", arr([0, 3, -1, 0, 2], "int32"), dtype="bool")
    ew(g, "astype", data("bool", (7,)), dtype="float32")
    ew(g, "astype", arr([0.0, -0.0, np.nan, 0.5, np.inf], "float64"), dtype="bool")
    ew(g, "astype", arr([3_000_000_000, 0, 2_147_483_648, 4_294_967_295], "uint32"), dtype="int32")
    ew(g, "astype", arr([-1, 0, -32768, 32767], "int16"), dtype="uint16")
    ew(g, "astype", data("int32", (5, 6)), dtype="float64")
    ew(g, "astype", arr([np.nan, np.inf, -np.inf, 1e40, -1e40, 1e-50], "float64"), dtype="float32")
    return g


# ---------------------------------------------------------------------------------------------
# reductions.json

REDUCTIONS = {
    "sum": np.sum,
    "prod": np.prod,
    "mean": np.mean,
    "var": np.var,
    "std": np.std,
    "min": np.min,
    "max": np.max,
    "any": np.any,
    "all": np.all,
    "argmin": np.argmin,
    "argmax": np.argmax,
    "nansum": np.nansum,
    "nanprod": np.nanprod,
    "nanmean": np.nanmean,
    "nanvar": np.nanvar,
    "nanstd": np.nanstd,
    "nanmin": np.nanmin,
    "nanmax": np.nanmax,
    "nanargmin": np.nanargmin,
    "nanargmax": np.nanargmax,
}
ARG = {"argmin", "argmax", "nanargmin", "nanargmax"}
DDOF = {"var", "std", "nanvar", "nanstd"}


def red(g: Family, op: str, x, tag=None, **kwargs):
    kw = {}
    if "axis" in kwargs:
        axis = kwargs["axis"]
        kw["axis"] = tuple(axis) if isinstance(axis, list) else axis
    if "keepdims" in kwargs:
        kw["keepdims"] = kwargs["keepdims"]
    if "ddof" in kwargs:
        kw["ddof"] = kwargs["ddof"]
    with np.errstate(all="ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out = REDUCTIONS[op](x, **kw)
    g.case(op, [x], kwargs, np.asarray(out), tag=tag)


def red_error(g: Family, op: str, x, tag=None, **kwargs):
    kw = dict(kwargs)
    if isinstance(kw.get("axis"), list):
        kw["axis"] = tuple(kw["axis"])
    g.error(op, [x], kwargs, lambda: REDUCTIONS[op](x, **kw), tag=tag)


def with_nans(x, frac=0.25):
    x = x.copy()
    flat = x.reshape(-1)
    k = max(1, int(flat.size * frac))
    flat[rng.choice(flat.size, size=k, replace=False)] = np.nan
    return x


def prod_data(dtype, shape):
    """Values whose products stay small and exact (|prod| < 2**53)."""
    if dtype == "bool":
        return rng.random(shape) < 0.8
    if dtype.startswith("float"):
        return np.round(rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1, 1], size=shape), 3).astype(dtype)
    vals = [1, 1, 1, 2, 3] if dtype.startswith("u") else [-1, 1, 1, 2, -2]
    return rng.choice(vals, size=shape).astype(dtype)


def make_reductions() -> Family:
    g = Family("reductions")
    # (shape, axis, keepdims) variants exercised by every plain reduction.
    axes = [
        ((7,), None, False),
        ((5, 6), None, False),
        ((5, 6), 0, False),
        ((5, 6), -1, True),
        ((3, 4, 5), [0, 2], False),
        ((3, 4, 5), 1, True),
        ((3, 4, 5), None, True),
        ((3, 4, 5), [-1, 0], True),
        ((4, 1, 6), 1, False),
        ((4, 1, 6), [0, 1], True),
        ((), None, False),
        ((), [], False),
        ((1, 5), 0, False),
    ]
    dtypes = ["float64", "float32", "int32", "uint8", "bool"]
    plain = ["sum", "prod", "mean", "min", "max", "any", "all"]
    for op in plain:
        for i, (shape, axis, kd) in enumerate(axes):
            dt = dtypes[i % len(dtypes)] if op not in ("any", "all") else ["bool", "float64", "int32"][i % 3]
            if op in ("min", "max", "mean") and dt == "bool" and op == "mean":
                dt = "float64"
            x = prod_data(dt, shape) if op == "prod" else data(dt, shape)
            if op in ("any", "all") and dt != "bool":
                x = np.where(rng.random(shape) < 0.3, 0, x).astype(dt)
            red(g, op, x, axis=axis, keepdims=kd)
        # one more pass over float64 with the awkward axes
        red(g, op, prod_data("float64", (3, 4, 5)) if op == "prod" else data("float64", (3, 4, 5)), axis=[1, 2], keepdims=False)
    red(g, "mean", data("bool", (5, 6)), axis=1, tag="bool")
    red(g, "mean", data("uint8", (5, 6)), axis=0)
    red(g, "sum", data("uint8", (5, 6), 200, 255), axis=None, tag="uint8 -> uint64")
    red(g, "sum", data("int32", (5, 6), 2_000_000_000, 2_147_483_647), axis=0, tag="no int32 overflow")
    red(g, "sum", data("bool", (3, 4, 5)), axis=[0, 1], tag="bool -> int64")
    red(g, "max", data("float64", (5, 6), special=True), axis=1, tag="nan propagates")
    red(g, "min", data("float32", (5, 6), special=True), axis=0, tag="nan propagates")
    red(g, "sum", data("float64", (5, 6), special=True), axis=0, tag="nan inf")
    red(g, "mean", data("float64", (5, 6), special=True), axis=1, tag="nan inf")

    # var/std with ddof 0 and 1.
    for op in ["var", "std"]:
        for ddof in (0, 1):
            red(g, op, data("float64", (7,)), axis=None, ddof=ddof)
            red(g, op, data("float64", (5, 6)), axis=0, ddof=ddof)
            red(g, op, data("float32", (3, 4, 5)), axis=[0, 2], keepdims=True, ddof=ddof)
            red(g, op, data("int32", (5, 6)), axis=-1, ddof=ddof)
            red(g, op, data("uint8", (4, 1, 6)), axis=None, ddof=ddof)
        red(g, op, data("bool", (5, 6)), axis=1, ddof=0)
        red(g, op, data("float64", (4, 1, 6)), axis=1, ddof=1, tag="ddof >= n gives nan")
        red(g, op, np.asarray(data("float64", ())), axis=None, ddof=0)
    # Large mean with small spread: naive E[x^2]-E[x]^2 fails, Chan/Welford pass.
    big = 1e8 + np.round(rng.standard_normal(200), 6)
    red(g, "var", big, axis=None, tag="large mean")
    red(g, "std", big, axis=None, ddof=1, tag="large mean")
    big2 = 1e8 + np.round(rng.standard_normal((20, 10)), 6)
    red(g, "var", big2, axis=0, tag="large mean")
    red(g, "nanvar", with_nans(big2, 0.1), axis=1, ddof=1, tag="large mean")

    # float32 accumulation: 10_000 values around 1e4 sum to ~1e8, far beyond float32's 2**24.
    acc = rng.integers(9_000, 11_001, size=10_000).astype("float32")
    red(g, "sum", acc, axis=None, tag="float32 accumulation")
    acc2 = (rng.integers(36_000, 44_001, size=(40, 50)) / 4).astype("float32")
    red(g, "mean", acc2, axis=None, tag="float32 accumulation")

    # argmin/argmax: axis int or None; ties resolve to the first occurrence; NaN wins.
    for op in ["argmin", "argmax"]:
        red(g, op, data("float64", (7,)), axis=None)
        red(g, op, data("float64", (5, 6)), axis=0)
        red(g, op, data("float32", (3, 4, 5)), axis=-1)
        red(g, op, data("float32", (3, 4, 5)), axis=None)
        red(g, op, small_ints("int32", (5, 6), 0, 2), axis=1, tag="ties")
        red(g, op, small_ints("uint8", (4, 1, 6), 0, 3), axis=0, keepdims=True, tag="ties")
        red(g, op, data("bool", (5, 6)), axis=1)
        red(g, op, data("int32", (4, 1, 6)), axis=1, tag="size-1 axis")
        red(g, op, data("float64", (5, 6)), axis=None, keepdims=True)
        red(g, op, with_nans(data("float64", (5, 6))), axis=1, tag="nan")
        red(g, op, np.asarray(data("float64", ())), axis=None)

    # nan-variants.
    nan_ops = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmin", "nanmax", "nanargmin", "nanargmax"]
    for op in nan_ops:
        is_arg = op in ARG
        mk = (lambda dt, sh: prod_data(dt, sh)) if op == "nanprod" else (lambda dt, sh: data(dt, sh))
        red(g, op, with_nans(mk("float64", (7,))), axis=None)
        red(g, op, with_nans(mk("float64", (5, 6))), axis=0)
        red(g, op, with_nans(mk("float32", (3, 4, 5))), axis=-1 if is_arg else [0, 2], keepdims=not is_arg)
        if is_arg:  # an all-NaN slice raises for nanargmin/nanargmax: keep one number per row
            x = with_nans(mk("float64", (4, 1, 6)))
            x[:, :, 0] = mk("float64", (4, 1))
            red(g, op, x, axis=2)
        else:
            red(g, op, with_nans(mk("float64", (4, 1, 6))), axis=1)
        red(g, op, mk("int32", (5, 6)), axis=1, tag="int, no nan")
        red(g, op, with_nans(mk("float64", (5, 6)), 0.0), axis=None, keepdims=True)
        if op in DDOF:
            red(g, op, with_nans(data("float64", (5, 6))), axis=1, ddof=1)
            red(g, op, with_nans(data("float32", (3, 4, 5))), axis=None, ddof=1)
        if op.startswith("nanarg"):
            red(g, op, small_ints("float64", (5, 6), 0, 2), axis=0, tag="ties")
            red_error(g, op, arr([[np.nan, 1.0], [np.nan, np.nan]], "float64"), axis=1, tag="all-nan slice")
        else:
            # An all-NaN row: nansum 0, nanprod 1, nanmean/nanvar/nanmin nan (with a warning).
            x = with_nans(mk("float64", (4, 5)))
            x[2, :] = np.nan
            red(g, op, x, axis=1, tag="all-nan slice")
    red(g, "nanmean", data("bool", (5, 6)), axis=0, tag="bool")
    red(g, "nanmax", data("uint8", (5, 6)), axis=None, tag="uint8")
    red_error(g, "sum", data("float64", (5, 6)), axis=2, tag="axis out of range")
    red_error(g, "sum", data("float64", (5, 6)), axis=[0, 0], tag="repeated axis")
    red_error(g, "min", np.zeros((0, 3)), axis=0, tag="empty")
    return g


# ---------------------------------------------------------------------------------------------
# indexing.json


def enc_selection(idx) -> list:
    items = idx if isinstance(idx, tuple) else (idx,)
    out = []
    for it in items:
        if it is None:
            out.append("newaxis")
        elif it is Ellipsis:
            out.append("...")
        elif isinstance(it, slice):
            out.append({"slice": [it.start, it.stop, it.step]})
        elif isinstance(it, int):
            out.append({"int": it})
        else:
            raise TypeError(it)
    return out


def parse_index(text: str):
    # NumPy syntax -> the index tuple, through Python's own parser (np.s_ builds it for us).
    idx = eval(f"np.s_[{text}]", {"np": np})  # noqa: S307 - our own literal strings
    return idx if isinstance(idx, tuple) else (idx,)


def make_indexing() -> Family:
    g = Family("indexing")
    base = {
        (10,): np.arange(10, dtype="int32"),
        (7, 9): np.arange(63, dtype="int32").reshape(7, 9),
        (4, 5, 6): np.arange(120, dtype="int32").reshape(4, 5, 6),
    }
    sels = {
        (10,): [
            "3", "-1", "-10", "2:7", "::2", "::-1", "::-3", "7:2:-1", "-3:", ":-3", "-100:100",
            "100:", "5:2", "3:3", ":", "1::4", "8:-12:-2", "-1:-11:-1", "None", "...", "..., None",
            "None, 2:5", "9::-4", ":0:-1", "None, None, ::-2", "-2, ...",
        ],
        (7, 9): [
            "1, 2", "-1, ::-2", "::2, 3", "..., -1", "None, :, None", "2:5, ...", "..., ::-3",
            "::-2, 3, None", "3", "-2:, 1:8:3", ":, None, ::-1", "5:1:-2, -9:", "-7, -9", "10:, :",
            "::-1, ::-1", "..., 4:100", "None, ...", "1:2, 3:4",
        ],
        (4, 5, 6): [
            "1, ..., 2", "..., 0", "::-1, None, 1:4, ::2", "-1, -1, -1", "..., None", "None, ..., None",
            ":, 2", "1:3, :, ::-2", "2, ::-1", "::3, ::4, ::5", "..., -1, :", "-4, None, -5:, 5",
            "2:, 1:-1, 3:0:-1", ":, :, :, ...",
        ],
    }
    for shape, texts in sels.items():
        x = base[shape]
        for text in texts:
            idx = parse_index(text)
            out = x[idx]
            g.case(
                "getitem",
                [x],
                {"selection": enc_selection(idx), "syntax": text},
                np.asarray(out),
                id=f"getitem[{describe(x)}] {text}",
            )
    # A float64 input too, so the dtype is not always int32.
    xf = data("float64", (4, 5, 6))
    for text in ["::-2, 1, ::3", "None, -1, ..., 2:4"]:
        idx = parse_index(text)
        g.case("getitem", [xf], {"selection": enc_selection(idx), "syntax": text}, np.asarray(xf[idx]), id=f"getitem[{describe(xf)}] {text}")
    # Errors.
    for shape, text in [((10,), "10"), ((10,), "-11"), ((10,), "::0"), ((7, 9), "1, 2, 3"), ((7, 9), "..., 1, ..."), ((4, 5, 6), "4, 0, 0"), ((4, 5, 6), ":, -6")]:
        x = base[shape]
        idx = parse_index(text)
        g.error("getitem", [x], {"selection": enc_selection(idx), "syntax": text}, lambda x=x, idx=idx: x[idx], id=f"getitem[{describe(x)}] {text}")
    return g


# ---------------------------------------------------------------------------------------------
# joining.json


def make_joining() -> Family:
    g = Family("joining")

    def stack(xs, axis, tag=None):
        g.case("stack", xs, {"axis": axis}, np.stack(xs, axis=axis), tag=tag)

    def concat(xs, axis, tag=None):
        g.case("concatenate", xs, {"axis": axis}, np.concatenate(xs, axis=axis), tag=tag)

    stack([data("float64", (3, 4)) for _ in range(2)], 0)
    stack([data("float64", (3, 4)) for _ in range(3)], 1)
    stack([data("int32", (3, 4)) for _ in range(2)], 2)
    stack([data("float32", (3, 4)) for _ in range(2)], -1)
    stack([data("float32", (3, 4)) for _ in range(2)], -3)
    stack([np.asarray(data("float64", ())) for _ in range(3)], 0, tag="0-d")
    stack([data("int8", (7,)), data("float32", (7,))], 0, tag="promotion")
    stack([data("bool", (4, 1, 6)) for _ in range(2)], 1)
    stack([data("uint8", (5,))], 0, tag="one input")

    concat([data("float64", (2, 3)), data("float64", (4, 3))], 0)
    concat([data("float64", (3, 2)), data("float64", (3, 5))], -1)
    concat([data("int32", (2, 3, 4)), data("int32", (2, 1, 4)), data("int32", (2, 5, 4))], 1)
    concat([data("float32", (3, 4, 5)), data("float32", (3, 4, 2))], -1)
    concat([data("uint8", (7,)), data("int8", (3,))], 0, tag="promotion")
    concat([data("int32", (2, 2)), data("float32", (1, 2))], 0, tag="promotion")
    concat([data("bool", (3,)), data("int8", (2,))], 0, tag="promotion")
    concat([data("float64", (7,))], 0, tag="one input")
    concat([data("float64", (2, 3)), data("float64", (2, 2))], None, tag="flatten")
    g.error("concatenate", [data("float64", (2, 3)), data("float64", (3, 2))], {"axis": 0},
            lambda: np.concatenate([np.zeros((2, 3)), np.zeros((3, 2))], axis=0), tag="shape mismatch")
    g.error("concatenate", [data("float64", (2, 3)), data("float64", (2, 3))], {"axis": 2},
            lambda: np.concatenate([np.zeros((2, 3)), np.zeros((2, 3))], axis=2), tag="axis out of range")
    g.error("stack", [data("float64", (2, 3)), data("float64", (3, 2))], {"axis": 0},
            lambda: np.stack([np.zeros((2, 3)), np.zeros((3, 2))], axis=0), tag="shape mismatch")

    def one(op, fn, x, tag=None, **kw):
        g.case(op, [x], kw, np.asarray(fn(x)), tag=tag)

    for shape, axes in [((3, 4, 5), None), ((3, 4, 5), [1, 0, 2]), ((3, 4, 5), [-1, 0, 1]), ((3, 4, 5), [2, 1, 0]),
                        ((5, 6), None), ((5, 6), [0, 1]), ((7,), None), ((), None), ((4, 1, 6), [1, 2, 0])]:
        x = data("float64" if len(shape) != 2 else "int16", shape)
        kw = {} if axes is None else {"axes": axes}
        one("transpose", lambda a, axes=axes: np.transpose(a, axes), x, **kw)
    for shape, a1, a2 in [((3, 4, 5), 0, 2), ((3, 4, 5), -1, 1), ((5, 6), 0, 1), ((4, 1, 6), 1, 1), ((5, 6), -2, -1)]:
        one("swapaxes", lambda a, a1=a1, a2=a2: np.swapaxes(a, a1, a2), data("float32", shape), axis1=a1, axis2=a2)
    for shape, axis in [((4, 1, 6), None), ((4, 1, 6), 1), ((4, 1, 6), -2), ((1, 5, 1), [0, 2]), ((1, 1), None),
                        ((1,), 0), ((5, 6), None), ((1, 5, 1), -1)]:
        kw = {} if axis is None else {"axis": axis}
        one("squeeze", lambda a, axis=axis: np.squeeze(a, axis=tuple(axis) if isinstance(axis, list) else axis),
            data("float64", shape), **kw)
    g.error("squeeze", [data("float64", (4, 1, 6))], {"axis": 0},
            lambda: np.squeeze(np.zeros((4, 1, 6)), axis=0), tag="axis not size 1")
    for shape, axis in [((5, 6), 0), ((5, 6), 2), ((5, 6), -1), ((5, 6), [0, 3]), ((), 0), ((7,), [-1, 0]), ((3, 4, 5), -2)]:
        one("expandDims", lambda a, axis=axis: np.expand_dims(a, tuple(axis) if isinstance(axis, list) else axis),
            data("int32", shape), axis=axis)
    for shape, to in [((6,), [5, 6]), ((5, 1), [5, 6]), ((), [3, 4]), ((1,), [3, 2, 1]), ((4, 1, 6), [2, 4, 5, 6]),
                      ((7,), [7]), ((1, 1), [1, 3])]:
        one("broadcastTo", lambda a, to=to: np.broadcast_to(a, tuple(to)), data("float64" if shape else "bool", shape), shape=to)
    g.error("broadcastTo", [data("float64", (3,))], {"shape": [4]}, lambda: np.broadcast_to(np.zeros(3), (4,)), tag="incompatible")
    g.error("broadcastTo", [data("float64", (2, 3))], {"shape": [3]}, lambda: np.broadcast_to(np.zeros((2, 3)), (3,)), tag="fewer dims")
    return g


# ---------------------------------------------------------------------------------------------
# creation.json


def make_creation() -> Family:
    g = Family("creation")

    def arange(start, stop, step, dtype=None, tag=None):
        kw = {"start": start, "stop": stop, "step": step}
        if dtype:
            kw["dtype"] = dtype
        g.case("arange", [], kw, np.arange(start, stop, step, dtype=dtype), tag=tag)

    arange(0, 10, 1, tag="int -> int64")
    arange(2, 11, 3)
    arange(10, 0, -2)
    arange(0, 10, 1, "int32")
    arange(0, 1, 0.1)
    arange(1, 0, -0.25)
    arange(0.5, 4, 1)
    arange(-3, 3, 0.5)
    arange(0, 2.5, 0.5)
    arange(1, 1.3, 0.1, tag="length rounds up")
    arange(0, 0.3, 0.1)
    arange(0, 1, 0.1, "float32")
    arange(5, 5, 1, tag="empty")
    arange(5, 0, 1, tag="empty")
    arange(0, 5, 1, "uint8")
    g.error("arange", [], {"start": 0, "stop": 5, "step": 0}, lambda: np.arange(0, 5, 0), tag="zero step")

    def linspace(start, stop, num, endpoint=True, dtype=None, tag=None):
        kw = {"start": start, "stop": stop, "num": num, "endpoint": endpoint}
        if dtype:
            kw["dtype"] = dtype
        g.case("linspace", [], kw, np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype), tag=tag)

    linspace(0, 1, 5)
    linspace(0, 1, 5, False)
    linspace(2, 3, 1)
    linspace(2, 3, 1, False)
    linspace(-1, 1, 7)
    linspace(10, 0, 6)
    linspace(0, 1, 0, tag="empty")
    linspace(0, 1, 50)
    linspace(0.1, 0.7, 7, False)
    linspace(0, 1, 5, True, "float32")
    linspace(1e8, 1e8 + 1, 3)

    def eye(N, M=None, k=0, dtype=None, tag=None):
        kw = {"N": N}
        if M is not None:
            kw["M"] = M
        if k:
            kw["k"] = k
        if dtype:
            kw["dtype"] = dtype
        g.case("eye", [], kw, np.eye(N, M, k, dtype=dtype or float), tag=tag)

    eye(3)
    eye(3, 5)
    eye(4, 3, 1)
    eye(4, k=-2)
    eye(3, k=5, tag="k beyond")
    eye(2, dtype="int32")
    eye(1)
    eye(4, 4, -1, "bool")
    eye(5, 2, -3, "float32")

    def full(shape, fill, dtype=None, tag=None):
        kw = {"shape": shape, "fillValue": fill}
        if dtype:
            kw["dtype"] = dtype
        g.case("full", [], kw, np.full(tuple(shape), fill, dtype=dtype), tag=tag)

    full([2, 3], 7.5)
    full([3], 7, tag="int -> int64")
    full([2, 2], 3, "int8")
    full([], float("nan"))
    full([4], float("inf"), "float32")
    full([2, 3], True)
    full([1, 4, 1], -2.25, "float32")
    full([3], 300, "uint16")

    for op, fn in [("zeros", np.zeros), ("ones", np.ones)]:
        for shape, dtype in [([3, 4], None), ([], "int32"), ([2, 1, 3], "bool"), ([5], "float32"), ([7], "uint8"), ([0, 3], None)]:
            kw = {"shape": shape}
            if dtype:
                kw["dtype"] = dtype
            g.case(op, [], kw, fn(tuple(shape), dtype=dtype or float))
    return g


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for make in (make_elementwise, make_reductions, make_indexing, make_joining, make_creation):
        g = make()
        size = g.write()
        total += size
        print(f"fixtures/golden/{g.name}.json  {size:>7} bytes  {len(g.cases):>4} cases  {len(g.errors):>3} errors")
    print(f"total {total} bytes; numpy {np.__version__}; promotion {PROMOTION}; seed {SEED}", file=sys.stderr)


if __name__ == "__main__":
    main()
