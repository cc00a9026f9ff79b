#!/usr/bin/python3
"""NumPy goldens for 64-bit integers (issue #14, item 7): fixtures/golden/int64.json.

Run from anywhere with Debian's numpy:

    /usr/bin/python3 scripts/prep/goldens/make_int64_goldens.py

Where NumPy returns int64/uint64 (integer sums and products, arg-reductions, counts, promotions
that need 64 bits, arange of large ranges) and what it does past 2^53 and at 2^63/2^64
(wrap-around). Unlike make_goldens.py, inputs may be int64/uint64 too; 64-bit values past
±2^53 travel as decimal strings (the decoder in testing/golden.ts reads them as bigints), so
kwargs holding such values (arange's bounds) are strings as well.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_goldens as mg  # noqa: E402

GENERATOR = "scripts/prep/goldens/make_int64_goldens.py"
SEED = 20261207
rng = np.random.default_rng(SEED)
INPUT_DTYPES = set(mg.SUPPORTED) | {"int64", "uint64"}


def enc_array(a) -> dict:
    a = np.asarray(a)
    dt = a.dtype.name
    if dt not in INPUT_DTYPES:
        raise TypeError(f"dtype {dt} cannot be encoded")
    if dt in ("int64", "uint64"):
        data = [int(v) if abs(int(v)) <= 2**53 else str(int(v)) for v in a.ravel(order="C").tolist()]
        return {"dtype": dt, "shape": list(a.shape), "data": data}
    return mg.enc_array(a)


def enc_input(x) -> dict:
    if isinstance(x, mg.Scalar):
        assert abs(x.value) <= 2**53, "scalars travel as JSON numbers"
        return mg.enc_input(x)
    return enc_array(x)


class Family(mg.Family):
    def case(self, op, inputs, kwargs, expected, tag=None):
        self.cases.append(
            {
                "id": self._id(op, inputs, kwargs, tag),
                "op": op,
                "kwargs": mg.enc_kwargs(kwargs),
                "inputs": [enc_input(x) for x in inputs],
                "expected": enc_array(expected),
            }
        )

    def write(self) -> int:
        size = super().write()
        path = mg.OUT / f"{self.name}.json"
        text = path.read_text()
        text = text.replace('"generator":"scripts/prep/goldens/make_goldens.py"', f'"generator":"{GENERATOR}"')
        text = text.replace(f'"seed":{mg.SEED}', f'"seed":{SEED}')
        path.write_text(text)
        return size


def big(shape, dtype="int64"):
    """64-bit values spread over the whole range, with neighbours that differ past 2^53."""
    info = np.iinfo(dtype)
    n = int(np.prod(shape))
    base = rng.integers(info.min // 2, info.max // 2, size=n, dtype=dtype, endpoint=True)
    base[::3] = np.array(2**60 if dtype == "int64" else 2**63, dtype=dtype) + rng.integers(0, 4, size=len(base[::3]), dtype=dtype)
    return base.reshape(shape)


def ints(shape, dtype, lo, hi):
    return rng.integers(lo, hi, size=tuple(shape), endpoint=True).astype(dtype)


def make_int64() -> Family:
    g = Family("int64")
    with warnings.catch_warnings():
        # Wrap-around is the point here; NumPy warns only for scalars, never for arrays.
        warnings.simplefilter("ignore")
        reductions(g)
        elementwise(g)
        counts(g)
        creation(g)
        products(g)
        diffs(g)
        wide_products(g)
        weighted_histograms(g)
    return g


def reductions(g: Family) -> None:
    i32 = ints((5, 6), "int32", 2**30, 2**31 - 1)  # sums pass 2^31: int64 in NumPy
    u32 = ints((4, 7), "uint32", 2**31, 2**32 - 1)
    i8 = ints((3, 9), "int8", -128, 127)
    b = rng.random((6, 4)) < 0.5
    i64 = big((4, 5))
    u64 = big((3, 6), "uint64")
    for x in (i32, u32, i8, b, i64, u64):
        for axis in (None, 0, 1):
            g.case("sum", [x], {"axis": axis}, np.sum(x, axis=axis))
            g.case("prod", [x], {"axis": axis}, np.prod(x, axis=axis))
            g.case("argmax", [x], {"axis": axis}, np.argmax(x, axis=axis))
            g.case("argmin", [x], {"axis": axis}, np.argmin(x, axis=axis))
        g.case("cumsum", [x], {"axis": 1}, np.cumsum(x, axis=1))
        g.case("cumprod", [x], {"axis": 0}, np.cumprod(x, axis=0))
        g.case("cumsum", [x], {"axis": None}, np.cumsum(x))
    for x in (i64, u64):
        g.case("max", [x], {"axis": 0}, np.max(x, axis=0))
        g.case("min", [x], {"axis": None}, np.min(x))
        g.case("sum", [x], {"axis": 1, "keepdims": True}, np.sum(x, axis=1, keepdims=True))
    # Sums that wrap past 2^63 and 2^64.
    top = np.array([2**62, 2**62, 2**62, 5, -3, 2**62], dtype="int64")
    g.case("sum", [top], {"axis": None}, np.sum(top), tag="wraps past 2^63")
    g.case("cumsum", [top], {"axis": None}, np.cumsum(top), tag="wraps past 2^63")
    utop = np.array([2**63, 2**63, 7, 2**62, 2**62, 2**62], dtype="uint64")
    g.case("sum", [utop], {"axis": None}, np.sum(utop), tag="wraps past 2^64")
    g.case("prod", [np.array([2**40, 2**30, 3], dtype="int64")], {"axis": None}, np.prod(np.array([2**40, 2**30, 3], dtype="int64")), tag="wraps")
    # Narrow integer products past 2^64 wrap too: to 0 once 2^64 divides them, else to their residue.
    big_factors = np.where(np.arange(200) % 3 == 0, -100000, 100000).astype("int32").reshape(10, 20)
    odd_factors = np.array([3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73] * 2, dtype="int32").reshape(4, 10)
    for x in (big_factors, odd_factors, i32, u32):
        for axis in (None, 0, 1):
            g.case("prod", [x], {"axis": axis}, np.prod(x, axis=axis), tag="past 2^64")
            g.case("nanprod", [x], {"axis": axis}, np.nanprod(x, axis=axis))
            g.case("nansum", [x], {"axis": axis}, np.nansum(x, axis=axis))
    # argmax sees values that float64 cannot tell apart.
    close = np.array([2**60 + 1, 2**60 + 3, 2**60 + 2, 2**60, 2**60 + 3], dtype="int64")
    g.case("argmax", [close], {"axis": None}, np.argmax(close), tag="past 2^53")
    g.case("argmin", [close], {"axis": None}, np.argmin(close), tag="past 2^53")


def elementwise(g: Family) -> None:
    u32 = np.array([0, 1, 2**31, 2**32 - 1, 4_000_000_000, 7], dtype="uint32")
    i32 = np.array([-5, 2**31 - 1, -(2**31), 9, -1, 0], dtype="int32")
    i64 = big((6,))
    j64 = big((6,))
    u64 = big((6,), "uint64")
    v64 = big((6,), "uint64")
    pairs = [
        (u32, i32),  # -> int64
        (i32, u32.astype("uint16")),  # -> int32
        (u32, np.array([1, 2, 3, 4, 5, 6], dtype="int8")),  # -> int64
        (i64, j64),
        (u64, v64),
        (i64, u64),  # -> float64
        (u64, i32),  # -> float64
        (u64, u32),  # -> uint64
        (i64, i32),  # -> int64
        (i64, rng.random(6) < 0.5),
    ]
    for a, b in pairs:
        for op in ("add", "subtract", "multiply", "maximum", "greater", "equal"):
            g.case(op, [a, b], {}, getattr(np, op)(a, b))
    nonzero = np.array([3, -7, 2**40, -(2**62), 1, -1], dtype="int64")
    for op in ("floor_divide", "remainder"):
        name = "floorDivide" if op == "floor_divide" else "mod"
        g.case(name, [i64, nonzero], {}, getattr(np, op)(i64, nonzero))
        g.case(name, [u64, nonzero.astype("uint64")], {}, getattr(np, op)(u64, nonzero.astype("uint64")))
    for x in (i64, u64):
        g.case("negative", [x], {}, np.negative(x))
        g.case("abs", [x], {}, np.abs(x))
        g.case("add", [x, mg.Scalar(3)], {}, np.add(x, 3), tag="weak Python int")
        k = -2 if x.dtype == np.int64 else 2
        g.case("multiply", [x, mg.Scalar(k)], {}, np.multiply(x, k), tag="weak Python int")
    edge = np.array([-(2**63), 2**63 - 1, -1, 0], dtype="int64")
    g.case("negative", [edge], {}, np.negative(edge), tag="-(-2^63) wraps")
    g.case("abs", [edge], {}, np.abs(edge), tag="|-2^63| wraps")
    g.case("add", [edge, np.array([-1, 1, 1, 1], dtype="int64")], {}, edge + np.array([-1, 1, 1, 1], dtype="int64"), tag="wraps")
    for to in ("int32", "uint32", "int8", "float64", "uint64", "int64"):
        for x in (i64, u64):
            if x.dtype.name != to:
                g.case("astype", [x], {"dtype": to}, x.astype(to))
    for x in (u32, i32, np.array([1.5e18, -2.5, 9.2e18, 3.0, -9.2e18, 0.9], dtype="float64")):
        g.case("astype", [x], {"dtype": "int64"}, x.astype("int64"))
    g.case("astype", [u32], {"dtype": "uint64"}, u32.astype("uint64"))
    g.case("where", [i64 > j64, i64, i32], {}, np.where(i64 > j64, i64, i32))
    g.case("concatenate", [i64, i32], {}, np.concatenate([i64, i32]))


def counts(g: Family) -> None:
    x = ints((5, 6), "int32", -3, 3)
    g.case("countNonzero", [x], {"axis": None}, np.count_nonzero(x))
    g.case("countNonzero", [x], {"axis": 0}, np.count_nonzero(x, axis=0))
    g.case("countNonzero", [big((4, 5))], {"axis": 1}, np.count_nonzero(big((4, 5)), axis=1))
    v = ints((23,), "int64", 0, 9)
    g.case("bincount", [v], {}, np.bincount(v))
    g.case("bincount", [v.astype("uint8")], {"minlength": 12}, np.bincount(v.astype("uint8"), minlength=12))
    f = rng.normal(size=(17,))
    g.case("histogram", [f], {"bins": 5, "range": [-2, 2]}, np.histogram(f, bins=5, range=(-2.0, 2.0))[0])
    g.case("nonzero", [x], {"index": 1}, np.nonzero(x)[1])
    g.case("argwhere", [x], {}, np.argwhere(x))
    s = np.sort(v)
    g.case("searchsorted", [s, np.array([0, 4, 9, 10], dtype="int64")], {"side": "right"}, np.searchsorted(s, np.array([0, 4, 9, 10]), side="right"))
    w = np.array([5, 2**53 - 1, -(2**53) + 1, 5, 0, 2**40, 3, -1], dtype="int64")
    g.case("sort", [w], {}, np.sort(w), tag="within 2^53")
    g.case("argsort", [w], {}, np.argsort(w, kind="stable"), tag="within 2^53")
    g.case("unique", [w], {}, np.unique(w))


def creation(g: Family) -> None:
    for start, stop, step in [
        (2**40, 2**40 + 25, 3),
        (2**62, 2**62 + 17, 1),
        (-(2**63), -(2**63) + 30, 7),
        (2**63 - 1, 2**63 - 40, -9),
        (0, 2**60, 2**57),
    ]:
        kw = {"start": str(start), "stop": str(stop), "step": str(step)}
        g.case("arange", [], kw, np.arange(start, stop, step, dtype="int64"))


def products(g: Family) -> None:
    """Integer matrix products wrap in their dtype, as the elementwise ops do."""
    a = ints((5, 7), "int32", -(2**31), 2**31 - 1)
    b = ints((7, 4), "int32", -(2**31), 2**31 - 1)
    g.case("matmul", [a, b], {}, a @ b, tag="wraps")
    u8 = ints((6, 9), "uint8", 0, 255)
    g.case("matmul", [u8, u8.T.copy()], {}, u8 @ u8.T, tag="wraps")
    s16 = ints((4, 3, 5), "int16", -(2**15), 2**15 - 1)
    t16 = ints((5, 3, 2), "int16", -(2**15), 2**15 - 1)
    g.case("tensordot", [s16, t16], {"axes": [[1, 2], [1, 0]]}, np.tensordot(s16, t16, axes=([1, 2], [1, 0])), tag="wraps")
    u32 = ints((9,), "uint32", 0, 2**32 - 1)
    g.case("dot", [u32, u32[::-1].copy()], {}, np.dot(u32, u32[::-1]), tag="wraps")
    i8 = ints((6,), "int8", -128, 127)
    g.case("outer", [i8, i8], {}, np.outer(i8, i8), tag="wraps")
    sa = ints((2, 3, 4), "int32", -(2**31), 2**31 - 1)
    sb = ints((2, 4, 3), "int32", -(2**31), 2**31 - 1)
    g.case("matmul", [sa, sb], {}, sa @ sb, tag="stacked, wraps")
    w = ints((4, 6), "int64", -(2**20), 2**20)
    g.case("matmul", [w, w.T.copy()], {}, w @ w.T, tag="int64 within 2^53")
    for sub, ops in [("ij,jk->ik", [a, b]), ("ij->j", [a]), ("i,i->", [u32, u32]), ("ii->i", [a[:5, :5].copy()]), ("i,j->ij", [i8, i8])]:
        g.case("einsum", ops, {"subscripts": sub}, np.einsum(sub, *ops), tag="wraps")


def wide_products(g: Family) -> None:
    """int64/uint64 products add modulo 2^64 (NumPy wraps without a warning for arrays): sums
    just below and past 2^53 (where float64 would round), and past 2^63/2^64."""
    near = np.array([[2**53 - 1, 1, 3], [2**52, 2**52 + 1, -7], [-(2**53) + 5, 2, 2**26]], dtype="int64")
    ones = np.array([[1, 2], [1, 1], [1, 3]], dtype="int64")
    g.case("matmul", [near, ones], {}, near @ ones, tag="sums near 2^53")
    wide = big((5, 6))
    wide_b = big((6, 4))
    g.case("matmul", [wide, wide_b], {}, wide @ wide_b, tag="int64 wraps at 2^64")
    uw = big((4, 5), "uint64")
    g.case("matmul", [uw, uw.T.copy()], {}, uw @ uw.T, tag="uint64 wraps at 2^64")
    sa = big((2, 3, 4))
    sb = big((2, 4, 3))
    g.case("matmul", [sa, sb], {}, sa @ sb, tag="stacked int64 wraps")
    i32 = ints((4, 6), "int32", -(2**31), 2**31 - 1)
    u32 = ints((6, 3), "uint32", 0, 2**32 - 1)
    g.case("matmul", [i32, u32], {}, i32 @ u32, tag="int32 @ uint32 is int64, wraps")
    g.case("matmul", [i32, wide_b], {}, i32 @ wide_b, tag="int32 @ int64 wraps")
    flags = rng.random((3, 6)) < 0.5
    bw = big((6, 2))
    g.case("matmul", [flags, bw], {}, flags @ bw, tag="bool @ int64")
    t1 = big((3, 4, 5))
    t2 = big((5, 4, 2))
    g.case("tensordot", [t1, t2], {"axes": [[1, 2], [1, 0]]}, np.tensordot(t1, t2, axes=([1, 2], [1, 0])), tag="int64 wraps")
    v = big((9,))
    g.case("dot", [v, v[::-1].copy()], {}, np.dot(v, v[::-1]), tag="int64 wraps")
    uv = big((7,), "uint64")
    g.case("dot", [uv, uv], {}, np.dot(uv, uv), tag="uint64 wraps")
    g.case("dot", [wide, wide_b], {}, np.dot(wide, wide_b), tag="int64 matrices wrap")
    g.case("outer", [v, v], {}, np.outer(v, v), tag="int64 wraps")
    c = big((4, 5))
    for sub, ops in [
        ("ij,jk->ik", [wide, wide_b]),
        ("ij->j", [wide]),
        ("ij->", [wide]),
        ("i,i->", [v, v]),
        ("ii->i", [wide[:5, :5].copy()]),
        ("ii", [wide[:5, :5].copy()]),
        ("i,j->ij", [v, v]),
        ("ij,jk,kl->il", [wide, wide_b, c]),
        ("ij,ij->i", [uw, uw]),
        ("ij,jk->ik", [i32, u32]),
    ]:
        g.case("einsum", ops, {"subscripts": sub}, np.einsum(sub, *ops), tag="64-bit wraps")


def weighted_histograms(g: Family) -> None:
    """np.histogram returns the weights' dtype: equal-width bins sum each block in float64
    (np.bincount) and cast; explicit edges take a cumsum in the weights' dtype."""
    x = rng.normal(size=(7, 5)).round(2)
    for w in (
        ints((7, 5), "int32", -1000, 1000),
        ints((7, 5), "uint8", 0, 255),
        rng.random((7, 5)) < 0.5,
        rng.normal(size=(7, 5)).astype("float32"),
        ints((7, 5), "int64", -(2**40), 2**40),
    ):
        g.case("histogram", [x, w], {"bins": 4, "range": [-2.0, 2.0]}, np.histogram(x, bins=4, range=(-2.0, 2.0), weights=w)[0], tag="weights")
        if w.dtype != bool:  # NumPy's cumsum path cannot add into bool
            g.case("histogram", [x, w], {"bins": [-3, -0.5, 0, 1.5, 3]}, np.histogram(x, bins=[-3, -0.5, 0, 1.5, 3], weights=w)[0], tag="weights")


def diffs(g: Family) -> None:
    """diff's prepend/append go through np.asanyarray: a Python int is int64, so it promotes."""
    x = ints((4, 5), "int32", -50, 50)
    g.case("diff", [x], {"axis": 1, "prepend": 0}, np.diff(x, axis=1, prepend=0))
    g.case("diff", [x], {"axis": 0, "n": 2, "append": 7}, np.diff(x, axis=0, n=2, append=7))
    u = ints((6,), "uint8", 0, 255)
    head = ints((2,), "uint8", 0, 255)
    # The second input is the prepend (or append) array, named by kwargs.edge.
    g.case("diff", [u, head], {"edge": "prepend"}, np.diff(u, prepend=head))
    f = rng.normal(size=(3, 4)).round(3)
    tail = rng.normal(size=(3, 2)).round(3)
    g.case("diff", [f, tail], {"axis": 1, "edge": "append"}, np.diff(f, axis=1, append=tail))


def main() -> None:
    mg.OUT.mkdir(parents=True, exist_ok=True)
    f = make_int64()
    size = f.write()
    print(f"fixtures/golden/{f.name}.json  {size:>7} bytes  {len(f.cases):>4} cases")


if __name__ == "__main__":
    main()
