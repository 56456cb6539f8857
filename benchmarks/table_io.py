#!/usr/bin/python3
"""Whole-process timing of `icsim io` against numpy and against pymrio's method, side by side.

A seeded synthetic table folder (docs/table-format.md) is written at each size with the
importers' writer (tools/importers/tableio.py: shortest round-trip decimals, as the shipped
tables): every Z entry, final-demand and value-added cell is a positive number, so the CSVs are
dense (n = 1,000: about 19 MB; n = 4,000: about 300 MB). Then, alternating, each of these runs as
a fresh process on the same files:

  icsim      icsim io TABLE --quiet --type2 --csv FILE   (parse, validate, factor, Type I and
             Type II multipliers for every indicator, linkages, CSV written)
  numpy      python3: np.loadtxt of Z, final demand and value added; x, A = Z / x,
             L = inv(I - A); multipliers = [1; V/x] @ L; written with np.savetxt
  pandas     the same with pandas.read_csv (pymrio's reader) instead of np.loadtxt
  pymrio     pymrio's calc_all steps (pymrio itself is not packaged for Debian, so its steps are
             implemented here in numpy): pandas.read_csv, x = Z1 + Y1, A = Z diag(x)^-1,
             L = inv(I - A), S = F diag(x)^-1, M = S L, D_cba = M diag(y), D_pba = F

Ratios < 1 mean icsim is faster. Run with Debian's Python after a release build:
  /usr/bin/python3 benchmarks/table_io.py                       # n = 1,000 and 4,000
  /usr/bin/python3 benchmarks/table_io.py --sizes 1000 --runs 5
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tools", "importers"))
import tableio  # noqa: E402

NUMPY_PEER = r"""
import sys, numpy as np
d, out, reader = sys.argv[1], sys.argv[2], sys.argv[3]
if reader == "numpy":
    def block(name):
        head = open(f"{d}/{name}", encoding="utf-8").readline().rstrip("\n").split(",")
        return np.loadtxt(f"{d}/{name}", delimiter=",", skiprows=1,
                          usecols=range(1, len(head)), dtype=float, ndmin=2)
else:
    import pandas as pd
    def block(name):
        return pd.read_csv(f"{d}/{name}", index_col=0).to_numpy(dtype=float)
Z, Y, V = block("Z.csv"), block("final_demand.csv"), block("value_added.csv")
n = Z.shape[0]
x = Z.sum(1) + Y.sum(1)
A = Z / x
L = np.linalg.inv(np.eye(n) - A)
E = np.vstack([np.ones(n), V.sum(0) / x, V / x])
M = E @ L
np.savetxt(out, M.T, delimiter=",", fmt="%.17g")
"""

PYMRIO_PEER = r"""
import sys, numpy as np, pandas as pd
d, out = sys.argv[1], sys.argv[2]
Z = pd.read_csv(f"{d}/Z.csv", index_col=0)
Y = pd.read_csv(f"{d}/final_demand.csv", index_col=0)
F = pd.read_csv(f"{d}/value_added.csv", index_col=0)
n = Z.shape[0]
x = Z.to_numpy().sum(1) + Y.to_numpy().sum(1)                          # calc_x
A = Z.to_numpy() / x                                                    # calc_A
L = np.linalg.inv(np.eye(n) - A)                                        # calc_L
S = F.to_numpy() / x                                                    # calc_S
M = S @ L                                                               # calc_M
D_cba = M * Y.to_numpy().sum(1)                                         # calc_accounts
D_pba = F.to_numpy()
pd.DataFrame(M.T, index=Z.index, columns=F.index).to_csv(out)
"""


def make_table(n, folder, seed=2026):
    """A balanced synthetic table: A with column sums in [0.3, 0.7], every cell positive."""
    rng = np.random.default_rng(seed)
    A = 10.0 ** rng.uniform(-2, 0, size=(n, n))
    A *= rng.uniform(0.3, 0.7, size=n) / A.sum(0)
    x = 10.0 ** rng.uniform(1, 4, size=n)
    Z = A * x
    fd_total = x - Z.sum(1)
    shares = rng.dirichlet([4, 1, 2, 3], size=n)
    fd = shares * fd_total[:, None]
    va_total = x - Z.sum(0)
    va_shares = rng.dirichlet([5, 1, 1, 3], size=n)
    va = (va_shares * va_total[:, None]).T
    codes = [f"s{i:04d}" for i in range(n)]
    t = tableio.Table(
        name=f"synthetic_{n}", region="Synthland", year=2020,
        source="benchmarks/table_io.py: seeded synthetic table", codes=codes,
        names=[f"Sector {i}" for i in range(n)], names_zh=["" for _ in range(n)], Z=Z,
        fd_labels=["household", "government", "gfcf", "exports"], fd=fd,
        va_labels=["compensation", "net_production_taxes", "depreciation",
                   "operating_surplus"], va=va)
    tableio.write_table(t, folder)


def time_process(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,4000")
    ap.add_argument("--runs", type=int, default=7, help="runs per contender at n <= 1,000")
    ap.add_argument("--icsim", default=os.path.join(REPO, "build", "release", "icsim"))
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for every contender")
    args = ap.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads),
               OMP_NUM_THREADS=str(args.threads))
    print(f"BLAS threads: {args.threads}; icsim: {args.icsim}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            table = os.path.join(tmp, f"t{n}")
            make_table(n, table)
            mb = sum(os.path.getsize(os.path.join(table, f)) for f in os.listdir(table)) / 1e6
            out = os.path.join(tmp, "out.csv")
            contenders = {
                "icsim io": [args.icsim, "io", table, "--quiet", "--type2", "--csv", out],
                "numpy (loadtxt)": [sys.executable, "-c", NUMPY_PEER, table, out, "numpy"],
                "numpy (pandas.read_csv)": [sys.executable, "-c", NUMPY_PEER, table, out,
                                            "pandas"],
                "pymrio's calc_all (numpy)": [sys.executable, "-c", PYMRIO_PEER, table, out],
            }
            if n > 1000:
                del contenders["numpy (loadtxt)"]
            runs = args.runs if n <= 1000 else max(1, args.runs // 3)
            times = {k: [] for k in contenders}
            for cmd in contenders.values():  # warm the page cache
                subprocess.run(cmd, env=env, check=True, capture_output=True)
            for _ in range(runs):  # alternate, so that load on the machine hits all alike
                for k, cmd in contenders.items():
                    times[k].append(time_process(cmd, env))
            base = statistics.median(times["icsim io"])
            print(f"\nn = {n} ({mb:.1f} MB of CSV), median of {runs} runs, whole process:")
            for k, ts in times.items():
                med = statistics.median(ts)
                print(f"  {k:28s} {med * 1e3:9.1f} ms  (min {min(ts) * 1e3:8.1f})"
                      f"   icsim / this = {base / med:5.2f}")


if __name__ == "__main__":
    main()
