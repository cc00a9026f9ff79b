#!/usr/bin/env python3
"""dask's side of `pnpm bench --baseline dask`: the same workloads, on the same files, with dask's
threaded scheduler. Run by run.ts, one process per measurement:

    python3 baseline.py WORKLOAD '{"file": ..., "workers": 2, ...}' REPEATS warmup|cold

Prints one line `@@bench {"runs": [...], "value": [...]}` (run.ts's Measurement): wall and CPU
time of each run, and the process's peak RSS (ru_maxrss, like /usr/bin/time -v: imports included).
"""
import json
import math
import os
import resource
import shutil
import sys
import time
import warnings

import dask
import dask.array as da
import h5py
import numpy as np

warnings.simplefilter("ignore", RuntimeWarning)  # 1/0 on the Lennard-Jones diagonal, as in NumPy


def summary(a):
    """Sum, sum of |x|, first, middle and last element (run.ts's `summary`), in float64 over 1 Mi
    element pieces: whole-array float64 copies would add their size to dask's peak RSS."""
    a = np.asarray(a).ravel()
    total = total_abs = 0.0
    for start in range(0, len(a), 1 << 20):
        piece = a[start : start + (1 << 20)].astype(np.float64)
        total += float(piece.sum())
        total_abs += float(np.abs(piece).sum())
    return [total, total_abs, float(a[0]), float(a[len(a) // 2]), float(a[-1])]


def hdf5_sum(args):
    f = h5py.File(args["file"], "r")
    x = da.from_array(f["x"], chunks=1_000_000)
    s, m = da.compute(x.sum(), x.mean())
    f.close()
    return [float(s), float(m)]


def weather_stack(args):
    files = sorted(
        os.path.join(args["dir"], n) for n in os.listdir(args["dir"]) if n.endswith(".hdf5")
    )
    handles = [h5py.File(p, "r") for p in files]
    x = da.stack([da.from_array(h["t2m"], chunks=(500, 500)) for h in handles])
    return x, handles


def weather(args):
    x, handles = weather_stack(args)
    mean = x.mean(axis=0)
    m, d = da.compute(mean, x[0] - mean)
    for h in handles:
        h.close()
    return summary(m) + summary(d)


def weather_zarr(args):
    import zarr

    x, handles = weather_stack(args)
    path = args["out"]
    da.to_zarr(x[:, ::2, ::2], path, overwrite=True)
    for h in handles:
        h.close()
    z = zarr.open(path, mode="r")
    d, h, w = z.shape
    out = [d, h, w, *z.chunks]
    for day in (0, d - 1):
        out += summary(z[day])
    shutil.rmtree(path, ignore_errors=True)
    return out


def random_mean(args):
    n, chunk = args["n"], args["chunk"]
    y = da.random.normal(10, 0.1, (n, n), chunks=(chunk, chunk)).mean(axis=0)[::100]
    return [float(v) for v in y.compute()]


def lennard_jones(args):
    n = args["natoms"]
    cluster = np.random.default_rng(1981).normal(0, 500, (n, 3)) - 0.5
    x = da.from_array(cluster, chunks=(math.ceil(n / args["workers"]), 3))
    diff = x[:, None, :] - x[None, :, :]
    d2 = (diff * diff).sum(axis=-1)
    sr6 = (1 / d2) ** 3
    return float(da.nansum(4 * (sr6 * sr6 - sr6)).compute() / 2)


def rechunk(args):
    n = args["n"]
    x = da.random.random((n, n), chunks=(n, 100))
    return float(x.rechunk((100, n)).sum().compute())


def numpy_sort(args):
    """S1: NumPy's np.sort of the whole array in memory (dask has no sort: dask#4368)."""
    with h5py.File(args["file"], "r") as f:
        s = np.sort(f["x"][...])
    return [float(s.sum()), float(s[0]), float(s[-1])]


_MATMUL_INPUTS = {}


def numpy_matmul(args):
    """M1: NumPy's `a @ b` (Debian's libblas.so.3, see blas_name) on the raw float64 files (read once per process)."""
    n = args["n"]
    if n not in _MATMUL_INPUTS:
        _MATMUL_INPUTS[n] = [np.fromfile(args[k], dtype=np.float64).reshape(n, n) for k in ("a", "b")]
    a, b = _MATMUL_INPUTS[n]
    return summary(a @ b)


WORKLOADS = {
    "W1": hdf5_sum,
    "W6": hdf5_sum,
    "W3": weather,
    "W3-zarr": weather_zarr,
    "W2": random_mean,
    "W4": lennard_jones,
    "R1": rechunk,
    "S1": numpy_sort,
    "M1": numpy_matmul,
}



def blas_name():
    """Which BLAS Debian's NumPy calls: libblas.so.3 is an alternative, the reference BLAS unless
    libopenblas0 (or another) is installed and selected."""
    target = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    for name in ("openblas", "blis", "atlas", "mkl"):
        if name in target:
            return name
    return "reference BLAS"


# What the baseline row measures when it is not dask (printed in the row's extra column).
NOT_DASK = {"S1": "NumPy np.sort (dask has no sort)", "M1": f"NumPy a @ b ({blas_name()})"}


def main():
    workload, raw, repeats, warm = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    fn = WORKLOADS[workload]
    dask.config.set(scheduler="threads", num_workers=raw["workers"])
    if warm == "warmup":
        fn(raw)
    runs = []
    value = None
    for _ in range(repeats):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        value = fn(raw)
        wall = (time.perf_counter() - t0) * 1000
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000
        runs.append({"wallMs": wall, "cpuMs": cpu, "peakRssMB": r1.ru_maxrss / 1024, "startRssMB": 0})
    result = {"runs": runs, "value": value}
    if workload in NOT_DASK:
        result["extra"] = {"baseline": NOT_DASK[workload]}
    print("@@bench " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
