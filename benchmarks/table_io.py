#!/usr/bin/python3
"""Whole-process timing of `icsim io` against numpy and against pymrio's method, side by side.

A seeded synthetic table folder (docs/table-format.md) is written at each size with the
importers' writer (tools/importers/tableio.py: shortest round-trip decimals, as the shipped
tables): every Z entry, final-demand and value-added cell is a positive number, so the CSVs are
dense (n = 1,000: about 19 MB; n = 4,000: about 300 MB). Then, alternating, each of these runs as
a fresh process on the same files:

  icsim      icsim io TABLE --quiet --csv FILE   (parse, validate, factor, Type I multipliers
             for every indicator, linkages, CSV written); with --type2 also the household-closed
             system (a second factorisation) and Type II multipliers
  numpy      python3: np.loadtxt of Z, final demand and value added; x, A = Z / x,
             L = inv(I - A); multipliers = [1; V/x] @ L; written with np.savetxt
  pandas     the same with pandas.read_csv (pymrio's reader) instead of np.loadtxt
  pymrio     pymrio's calc_all on the same table (pymrio is neither packaged for Debian nor
             installable here, so its steps are restated from pymrio.tools.iomath with
             pandas DataFrames as pymrio keeps them): pandas.read_csv; calc_x, calc_A,
             calc_L = inv(I - A); for the value-added extension calc_S, calc_M = S L and
             calc_accounts (x_diag = L diag(y), D_cba = S x_diag, D_pba, D_imp, D_exp)

Ratios < 1 mean icsim is faster. Run with Debian's Python after a release build:
  /usr/bin/python3 benchmarks/table_io.py                       # n = 1,000 and 4,000
  /usr/bin/python3 benchmarks/table_io.py --sizes 1000 --runs 5
"""

import argparse
import os
import resource
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
# pymrio's IOSystem on a single-region table: DataFrames throughout, as pymrio keeps them.
Z = pd.read_csv(f"{d}/Z.csv", index_col=0)
Y = pd.read_csv(f"{d}/final_demand.csv", index_col=0)
F = pd.read_csv(f"{d}/value_added.csv", index_col=0)          # the factor_inputs extension
Z.columns = Z.index
F.columns = Z.index
# calc_system: calc_x, calc_A, calc_L (pymrio.tools.iomath)
x = pd.DataFrame(np.reshape(np.sum(np.hstack((Z, Y)), 1), (-1, 1)), index=Z.index,
                 columns=["indout"])
with np.errstate(divide="ignore"):
    recix = 1 / x.values
recix[recix == np.inf] = 0
A = pd.DataFrame(Z.values * recix.reshape((1, -1)), index=Z.index, columns=Z.columns)
L = pd.DataFrame(np.linalg.inv(np.eye(A.shape[0]) - A), index=A.index, columns=A.columns)
# calc_extensions: calc_S, calc_M, calc_accounts with Y summed per region (one region here)
S = pd.DataFrame(F.values * recix.reshape((1, -1)), index=F.index, columns=F.columns)
M = S.dot(L)
Y_agg = Y.sum(axis=1)
Y_diag = pd.DataFrame(np.diag(Y_agg.values), index=Y.index, columns=Y.index)
x_diag = L @ Y_diag
x_tot = x_diag.values.sum(1)
D_cba = pd.DataFrame(S @ x_diag)
D_pba = pd.DataFrame(S.values * x_tot.reshape((1, -1)), index=S.index, columns=S.columns)
x_trade = x_diag * 0.0                      # set_dom_block: one region, all flows domestic
D_imp = pd.DataFrame(S @ x_trade)
x_exp = x_trade.sum(1).values
D_exp = pd.DataFrame(S.values * x_exp.reshape((1, -1)), index=S.index, columns=S.columns)
M.T.to_csv(out)
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


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_process(cmd, env):
    """(wall, CPU) seconds of one run. CPU time (user + system, all threads) is what the process
    itself cost; wall time also counts waiting for a core when the machine is shared."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start, children_cpu() - cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,4000")
    ap.add_argument("--runs", type=int, default=7, help="runs per contender at n <= 1,000")
    ap.add_argument("--icsim", default=os.path.join(REPO, "build", "release", "icsim"))
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for every contender")
    ap.add_argument("--tables", metavar="DIR",
                    help="keep the generated tables in DIR (t1000, t4000) and reuse them")
    ap.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                    help="before each round wait up to S seconds for a 2-second window in "
                         "which the machine is at least 95%% idle")
    args = ap.parse_args()
    from compare_numpy import ForeignLoad, wait_until_quiet
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads),
               OMP_NUM_THREADS=str(args.threads))
    print(f"BLAS threads: {args.threads}; icsim: {args.icsim}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            table = os.path.join(args.tables or tmp, f"t{n}")
            if not os.path.exists(os.path.join(table, "table.toml")):
                make_table(n, table)
            mb = sum(os.path.getsize(os.path.join(table, f)) for f in os.listdir(table)) / 1e6
            out = os.path.join(tmp, "out.csv")
            contenders = {
                "icsim io": [args.icsim, "io", table, "--quiet", "--csv", out],
                "icsim io --type2": [args.icsim, "io", table, "--quiet", "--type2", "--csv", out],
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
            with ForeignLoad() as load:
                for _ in range(runs):  # alternate, so that load on the machine hits all alike
                    if args.wait_quiet:
                        wait_until_quiet(args.wait_quiet)
                    for k, cmd in contenders.items():
                        times[k].append(time_process(cmd, env))
            wall = {k: statistics.median(t[0] for t in ts) for k, ts in times.items()}
            cpu = {k: statistics.median(t[1] for t in ts) for k, ts in times.items()}
            print(f"\nn = {n} ({mb:.1f} MB of CSV), medians of {runs} runs of the whole process; "
                  f"other processes used {100 * load.fraction:.0f}% of the cores meanwhile")
            print(f"  {'':28s} {'wall':>9s} {'(min)':>9s} {'CPU':>9s}   icsim / this: wall   CPU")
            for k, ts in times.items():
                print(f"  {k:28s} {wall[k] * 1e3:6.0f} ms {min(t[0] for t in ts) * 1e3:6.0f} ms "
                      f"{cpu[k] * 1e3:6.0f} ms"
                      f"   {wall['icsim io'] / wall[k]:17.2f} {cpu['icsim io'] / cpu[k]:5.2f}")


if __name__ == "__main__":
    main()
