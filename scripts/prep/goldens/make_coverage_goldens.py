#!/usr/bin/python3
"""NumPy goldens for the ops of issue #14 (masks, sort, scans, selection, linear algebra, counting).

Run from anywhere with Debian's numpy:

    /usr/bin/python3 scripts/prep/goldens/make_coverage_goldens.py

Writes fixtures/golden/{mask,sort,scan,select,linalg,count}.json in the wire format of
make_goldens.py (whose encoders it reuses). kwargs use @chunked's camelCase names.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_goldens as mg  # noqa: E402

GENERATOR = "scripts/prep/goldens/make_coverage_goldens.py"
rng = np.random.default_rng(20261206)


class Family(mg.Family):
    def write(self) -> int:
        size = super().write()
        path = mg.OUT / f"{self.name}.json"
        path.write_text(path.read_text().replace('"generator":"scripts/prep/goldens/make_goldens.py"', f'"generator":"{GENERATOR}"'))
        return size


def floats(shape, dtype="float64", lo=-10.0, hi=10.0, distinct=True):
    n = int(np.prod(shape))
    if distinct:
        vals = rng.permutation(np.round(np.linspace(lo, hi, n * 3 + 1), 3))[:n]
    else:
        vals = np.round(rng.uniform(lo, hi, n), 1)
    return vals.reshape(shape).astype(dtype)


def ints(shape, lo=-20, hi=20, dtype="int32"):
    return rng.integers(lo, hi + 1, size=tuple(shape)).astype(dtype)


def with_nans(x, count=2):
    x = x.copy()
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, size=count, replace=False)] = np.nan
    return x


def make_mask() -> Family:
    g = Family("mask")
    for shape, dtype in [((11,), "float64"), ((5, 6), "float64"), ((4, 3, 5), "float32"), ((7, 4), "int32")]:
        x = floats(shape, dtype) if dtype.startswith("float") else ints(shape)
        m = x > 0
        g.case("booleanMask", [x, m], {}, x[m])
        g.case("extract", [m, x], {}, np.extract(m, x))
        g.case("argwhere", [m], {}, np.argwhere(m))
        g.case("flatnonzero", [m], {}, np.flatnonzero(m))
        for k in range(len(shape)):
            g.case("nonzero", [m], {"index": k}, np.nonzero(m)[k])
        for ax in range(len(shape)):
            c = rng.random(shape[ax]) < 0.5
            g.case("compress", [c, x], {"axis": ax}, np.compress(c, x, axis=ax))
        r = np.round(x / 3).astype(dtype)
        g.case("unique", [r], {}, np.unique(r))
    x = floats((6, 5))
    g.case("booleanMask", [x, x[:, 0] > 0], {}, x[x[:, 0] > 0], tag="1-d mask on 2-d")
    g.case("booleanMask", [x, np.zeros((6, 5), bool)], {}, x[np.zeros((6, 5), bool)], tag="nothing selected")
    xn = with_nans(floats((9,), distinct=False))
    g.case("unique", [xn], {}, np.unique(xn), tag="nan")
    g.case("unique", [np.array([True, False, True])], {}, np.unique(np.array([True, False, True])))
    for idx, ax in [([4, 0, 0, 3, -1], 0), ([2, 1], 1), ([5, 5, 5, 1, 0, 2, 3, 4], 0)]:
        g.case("take", [x], {"indices": idx, "axis": ax}, np.take(x, idx, axis=ax))
    # The index as an input too: @chunked chunks it like any operand (a lazy integer index).
    for idx, ax, dt in [([4, 0, 0, 3, -1], 0, "int32"), ([2, 1, -5, 4, 4, 0, 3], 1, "int16"), ([5, 5, 5, 1, 0, 2, 3, 4], 0, "uint8"), ([], 1, "int32")]:
        i = np.array(idx, dtype=dt)
        g.case("takeLazy", [x, i], {"axis": ax}, np.take(x, i, axis=ax))
    return g


def topk(x, k, axis):
    s = np.sort(x, axis=axis)
    n = x.shape[axis]
    if k > 0:
        return np.flip(np.take(s, range(n - k, n), axis=axis), axis=axis)
    return np.take(s, range(0, -k), axis=axis)


def argtopk(x, k, axis):
    s = np.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    if k > 0:
        return np.flip(np.take(s, range(n - k, n), axis=axis), axis=axis)
    return np.take(s, range(0, -k), axis=axis)


def make_sort() -> Family:
    g = Family("sort")
    for shape, dtype in [((13,), "float64"), ((6, 7), "float64"), ((3, 4, 5), "float32"), ((8, 5), "int32"), ((9,), "uint8")]:
        x = floats(shape, dtype) if dtype.startswith("float") else ints(shape, 0 if dtype == "uint8" else -50, 50, dtype)
        for ax in range(len(shape)):
            g.case("sort", [x], {"axis": ax}, np.sort(x, axis=ax))
            g.case("argsort", [x], {"axis": ax}, np.argsort(x, axis=ax, kind="stable"))
            for k in (1, 3, -2, shape[ax]):
                g.case("topk", [x], {"k": k, "axis": ax}, topk(x, k, ax))
            if dtype.startswith("float"):
                g.case("argtopk", [x], {"k": 2, "axis": ax}, argtopk(x, 2, ax))
                g.case("argtopk", [x], {"k": -3, "axis": ax}, argtopk(x, -3, ax))
            g.case("median", [x], {"axis": ax}, np.median(x, axis=ax))
            for q in (0, 12.5, 50, 99, 100):
                g.case("percentile", [x], {"q": q, "axis": ax}, np.percentile(x, q, axis=ax))
            g.case("quantile", [x], {"q": [0.1, 0.5, 0.75], "axis": ax}, np.quantile(x, [0.1, 0.5, 0.75], axis=ax))
        g.case("median", [x], {"axis": None}, np.median(x))
    x = with_nans(floats((15,)), 3)
    g.case("sort", [x], {"axis": 0}, np.sort(x), tag="nan last")
    g.case("argsort", [x], {"axis": 0}, np.argsort(x, kind="stable"), tag="nan last")
    g.case("median", [x], {"axis": 0}, np.median(x), tag="nan")
    g.case("nanmedian", [x], {"axis": 0}, np.nanmedian(x))
    ties = floats((40,), distinct=False)
    g.case("sort", [ties], {"axis": 0}, np.sort(ties), tag="ties")
    g.case("argsort", [ties], {"axis": 0}, np.argsort(ties, kind="stable"), tag="ties")
    return g


def make_scan() -> Family:
    g = Family("scan")
    for shape, dtype in [((11,), "float64"), ((5, 6), "float64"), ((3, 4, 5), "float32"), ((6, 5), "int32"), ((7,), "bool"), ((8,), "uint8")]:
        if dtype == "bool":
            x = rng.random(shape) < 0.5
        elif dtype.startswith("float"):
            x = floats(shape, dtype, -2, 2)
        else:
            x = ints(shape, 0 if dtype == "uint8" else -5, 5, dtype)
        for ax in range(len(shape)):
            g.case("cumsum", [x], {"axis": ax}, np.cumsum(x, axis=ax))
            if dtype != "bool":
                g.case("cumprod", [x], {"axis": ax}, np.cumprod(x, axis=ax))
                g.case("diff", [x], {"axis": ax}, np.diff(x, axis=ax))
                if shape[ax] > 2:
                    g.case("diff", [x], {"n": 2, "axis": ax}, np.diff(x, n=2, axis=ax))
        g.case("cumsum", [x], {"axis": None}, np.cumsum(x))
    x = with_nans(floats((5, 6), "float64", -2, 2), 4)
    for ax in (0, 1):
        g.case("nancumsum", [x], {"axis": ax}, np.nancumsum(x, axis=ax))
        g.case("nancumprod", [x], {"axis": ax}, np.nancumprod(x, axis=ax))
        g.case("cumsum", [x], {"axis": ax}, np.cumsum(x, axis=ax), tag="nan")
    return g


def make_select() -> Family:
    g = Family("select")
    x = floats((6, 7))
    y = floats((3, 4, 5), "float32")
    v = floats((9,))
    for k in (0, 1, -2, 5, -7):
        g.case("triu", [x], {"k": k}, np.triu(x, k))
        g.case("tril", [x], {"k": k}, np.tril(x, k))
    g.case("triu", [y], {"k": 1}, np.triu(y, 1))
    for a, ax in [(x, 0), (x, 1), (y, 2), (y, None), (v, None)]:
        g.case("flip", [a], {"axis": ax}, np.flip(a, axis=ax))
    for a, shift, ax in [(v, 3, None), (v, -4, 0), (x, 2, 1), (x, 10, 0), (x, 5, None), (y, [1, -1], [0, 2])]:
        g.case("roll", [a], {"shift": shift, "axis": ax}, np.roll(a, shift, axis=ax))
    for a, pw, mode, kw in [
        (v, [[2, 3]], "constant", {"constantValues": 0}),
        (x, [[1, 2], [0, 3]], "constant", {"constantValues": -1.5}),
        (x, [[2, 2], [3, 1]], "edge", {}),
        (x, [[2, 1], [3, 2]], "reflect", {}),
        (x, [[2, 1], [3, 2]], "symmetric", {}),
        (x, [[4, 5], [6, 7]], "wrap", {}),
        (v, [[8, 8]], "reflect", {}),
    ]:
        npkw = {"constant_values": kw["constantValues"]} if "constantValues" in kw else {}
        g.case("pad", [a], {"padWidth": pw, "mode": mode, **kw}, np.pad(a, pw, mode=mode, **npkw))
    for a, reps in [(v, [2]), (x, [2, 3]), (x, [3]), (v, [2, 2])]:
        g.case("tile", [a], {"reps": reps}, np.tile(a, reps))
    for a, r, ax in [(v, 2, None), (x, 3, 1), (x, [1, 0, 2, 1, 1, 3], 0), (y, 2, None)]:
        g.case("repeat", [a], {"repeats": r, "axis": ax}, np.repeat(a, r, axis=ax))
    a = floats((5, 4))
    b = a + np.where(rng.random((5, 4)) < 0.5, 1e-9, 1e-3)
    b[0, 0] = np.nan
    a2 = a.copy()
    a2[0, 0] = np.nan
    for kw in [{}, {"rtol": 1e-2}, {"atol": 1e-2, "equalNan": True}]:
        npkw = {"rtol": kw.get("rtol", 1e-5), "atol": kw.get("atol", 1e-8), "equal_nan": kw.get("equalNan", False)}
        g.case("isclose", [a2, b], kw, np.isclose(a2, b, **npkw))
        g.case("allclose", [a2, b], kw, np.array(np.allclose(a2, b, **npkw)))
    c = rng.random((6, 7)) < 0.5
    g.case("where", [c, x, 0.5], {}, np.where(c, x, 0.5))
    return g


def make_linalg() -> Family:
    g = Family("linalg")
    a = floats((7, 5), lo=-2, hi=2)
    b = floats((5, 6), lo=-2, hi=2)
    v = floats((5,), lo=-2, hi=2)
    a32 = a.astype("float32")
    b32 = b.astype("float32")
    g.case("matmul", [a, b], {}, a @ b)
    g.case("matmul", [a32, b32], {}, a32 @ b32)
    g.case("matmul", [a, v], {}, a @ v)
    g.case("matmul", [v, b], {}, v @ b)
    i1, i2 = ints((4, 3), dtype="int32"), ints((3, 5), dtype="int32")
    g.case("matmul", [i1, i2], {}, i1 @ i2)
    s = floats((3, 4, 5), lo=-1, hi=1)
    t = floats((3, 5, 2), lo=-1, hi=1)
    g.case("matmul", [s, t], {}, s @ t, tag="stacked")
    g.case("dot", [a, b], {}, np.dot(a, b))
    g.case("dot", [v, v], {}, np.dot(v, v))
    v4 = floats((4,))
    g.case("outer", [v, v4], {}, np.outer(v, v4))
    u = floats((3, 4, 5), lo=-1, hi=1)
    w = floats((5, 4, 2), lo=-1, hi=1)
    g.case("tensordot", [u, w], {"axes": [[1, 2], [1, 0]]}, np.tensordot(u, w, axes=([1, 2], [1, 0])))
    g.case("tensordot", [a, b], {"axes": 1}, np.tensordot(a, b, axes=1))
    for ordv, ax in [(None, None), ("fro", None), (1, None), (np.inf, None), (None, 0), (None, 1), (1, 1), (np.inf, 0), (-np.inf, 1), (0, 1), (3, 0)]:
        kw = {"ord": None if ordv is None else ("inf" if ordv == np.inf else "-inf" if ordv == -np.inf else ordv), "axis": ax}
        g.case("norm", [a], kw, np.array(np.linalg.norm(a, ord=ordv, axis=ax)))
    g.case("norm", [v], {"ord": None, "axis": None}, np.array(np.linalg.norm(v)))
    tall = floats((40, 4), lo=-1, hi=1)
    q, r = np.linalg.qr(tall)
    sign = np.sign(np.diag(r))
    g.case("qrR", [tall], {}, r * sign[:, None], tag="R with a positive diagonal")
    g.case("qrQ", [tall], {}, q * sign[None, :], tag="Q matching")
    rhs = floats((40,), lo=-1, hi=1)
    g.case("lstsq", [tall, rhs], {}, np.linalg.lstsq(tall, rhs, rcond=None)[0])
    sq = floats((6, 6), lo=-1, hi=1) + 6 * np.eye(6)
    rhs6 = floats((6, 2), lo=-1, hi=1)
    g.case("solve", [sq, rhs6], {}, np.linalg.solve(sq, rhs6))
    spd = sq @ sq.T
    g.case("cholesky", [spd], {}, np.linalg.cholesky(spd))
    return g


def make_count() -> Family:
    g = Family("count")
    x = floats((50,), lo=0, hi=10, distinct=False)
    for bins in ([0, 1, 2.5, 5, 10], [2, 3, 4], [-1, 0, 11]):
        g.case("histogram", [x], {"bins": bins}, np.histogram(x, bins=bins)[0])
    g.case("histogram", [x], {"bins": 7, "range": [0, 10]}, np.histogram(x, bins=7, range=(0, 10))[0])
    g.case("histogram", [x], {"bins": 4, "range": [2, 6]}, np.histogram(x, bins=4, range=(2, 6))[0])
    wts = floats((50,), lo=0, hi=1)
    g.case("histogram", [x, wts], {"bins": [0, 1, 2.5, 5, 10]}, np.histogram(x, bins=[0, 1, 2.5, 5, 10], weights=wts)[0], tag="weights")
    n = ints((30,), 0, 9, "int32")
    g.case("bincount", [n], {}, np.bincount(n))
    g.case("bincount", [n], {"minlength": 15}, np.bincount(n, minlength=15))
    g.case("bincount", [n, wts[:30]], {}, np.bincount(n, weights=wts[:30]), tag="weights")
    e = ints((6, 5), 0, 12, "int32")
    g.case("isin", [e, np.array([1, 3, 5, 7, 11], dtype="int32")], {}, np.isin(e, [1, 3, 5, 7, 11]))
    g.case("isin", [e, np.array([2, 4], dtype="int32")], {"invert": True}, np.isin(e, [2, 4], invert=True))
    srt = np.sort(floats((12,), distinct=False))
    vals = floats((5, 4), distinct=False)
    for side in ("left", "right"):
        g.case("searchsorted", [srt, vals], {"side": side}, np.searchsorted(srt, vals, side=side))
    return g


def own_values(seed: int, bound: float):
    """Rounded uniform arrays from a family's own generator, so that adding cases to one family
    leaves the other families' inputs unchanged; returns (make(*shape, dtype=...), generator)."""
    r = np.random.default_rng(seed)

    def make(*shape, dtype="float64"):
        return np.round(r.uniform(-bound, bound, shape), 2).astype(dtype)

    return make, r


def make_einsum() -> Family:
    f, r = own_values(20261207, 2)
    g = Family("einsum")
    a, b, c = f(7, 5), f(5, 6), f(6, 4)
    v, w = f(5), f(7)
    sq = f(6, 6)
    s, t = f(3, 4, 5), f(3, 5, 2)
    cases = [
        ("ij,jk->ik", [a, b]),
        ("ij,jk", [a, b]),
        ("ij,jk,kl->il", [a, b, c]),
        ("ij->ji", [a]),
        ("ij", [a]),
        ("ji", [a]),
        ("ij->", [a]),
        ("ij->j", [a]),
        ("ii", [sq]),
        ("ii->i", [sq]),
        ("i,i", [v, v]),
        ("i,j->ij", [w, v]),
        ("ij,j->i", [a, v]),
        ("ij,ij->ij", [a, a]),
        ("ij,ij->", [a, a]),
        ("bij,bjk->bik", [s, t]),
        ("...ij,...jk", [s, t]),
        ("i...->...", [a]),
        ("...i,...i", [s, f(4, 5)]),
        ("ij,kj->ik", [a, f(3, 5)]),
        ("ij,jk->ki", [a, b]),
        ("iij->j", [f(4, 4, 3)]),
        ("ij,ij->ij", [f(7, 1), a]),
        ("Ab,b->A", [a, v]),
        ("i,i,i->", [v, v, v]),
        ("", [np.array(2.5)]),
        (",i->i", [np.array(2.0), v]),
    ]
    for sub, ops in cases:
        g.case("einsum", ops, {"subscripts": sub}, np.einsum(sub, *ops))
    ai, bi = r.integers(-9, 10, (4, 6)).astype("int32"), r.integers(-9, 10, (6, 3)).astype("int32")
    g.case("einsum", [ai, bi], {"subscripts": "ij,jk->ik"}, np.einsum("ij,jk->ik", ai, bi))
    x8 = (ai * 12).astype("int8")
    g.case("einsum", [x8], {"subscripts": "ij->j"}, np.einsum("ij->j", x8), tag="int8 wraps")
    a32 = a.astype("float32")
    g.case("einsum", [a32, b], {"subscripts": "ij,jk"}, np.einsum("ij,jk", a32, b), tag="float32 with float64")
    g.case("einsum", [a32, a32], {"subscripts": "ij,ij->i"}, np.einsum("ij,ij->i", a32, a32))
    m = a > 0
    g.case("einsum", [m, m], {"subscripts": "ij,ij->ij"}, np.einsum("ij,ij->ij", m, m), tag="bool")
    return g


def make_block() -> Family:
    f, r = own_values(20261208, 5)
    g = Family("block")
    # kwargs.layout: the nesting of np.block's list, with operand indices at the leaves.
    a, b = f(2, 3), f(2, 4)
    c, d = f(3, 3), f(3, 4)
    g.case("block", [a, b, c, d], {"layout": [[0, 1], [2, 3]]}, np.block([[a, b], [c, d]]))
    v1, v2, v3 = f(3), f(2), f(4)
    g.case("block", [v1, v2, v3], {"layout": [0, 1, 2]}, np.block([v1, v2, v3]))
    g.case("block", [v1], {"layout": 0}, np.block(v1))
    e, h = f(2, 2), f(2)
    g.case("block", [e, h], {"layout": [[0], [1]]}, np.block([[e], [h]]), tag="1-d under 2-d")
    p, q = f(2, 3, 2), f(2, 3, 5)
    g.case("block", [p, q], {"layout": [0, 1]}, np.block([p, q]), tag="3-d on the last axis")
    g.case("block", [p, p], {"layout": [[[0]], [[1]]]}, np.block([[[p]], [[p]]]))
    i32, f32 = r.integers(-9, 10, (2, 2)).astype("int32"), f(2, 3, dtype="float32")
    g.case("block", [i32, f32], {"layout": [0, 1]}, np.block([i32, f32]), tag="mixed dtypes")
    g.case("block", [v1, v1], {"layout": [[0], [1]]}, np.block([[v1], [v1]]), tag="vectors as rows")
    return g


def main() -> None:
    mg.OUT.mkdir(parents=True, exist_ok=True)
    for make in (make_mask, make_sort, make_scan, make_select, make_linalg, make_count, make_einsum, make_block):
        f = make()
        size = f.write()
        print(f"fixtures/golden/{f.name}.json  {size:>7} bytes  {len(f.cases):>4} cases")


if __name__ == "__main__":
    main()
