#!/usr/bin/python3
"""Side-by-side timing of icsim's Leontief core against numpy and scipy on the same matrices.

For each n (42, 153, 1000, 4000) the C++ program leontief_timing writes the problem the Google
Benchmark uses (A, the k x n indicator matrix E, 1,000 demand shocks F) to a temporary folder;
then, under the same OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, it times the tasks with
icsim::io::LeontiefSystem and a worker process of this script times them with

  numpy-inverse  L = np.linalg.inv(I - A); M = E @ L; X = L @ F   (what pymrio does)
  scipy-LU       lu = lu_factor(I - A); M = lu_solve(lu, E.T, trans=1).T; X = lu_solve(lu, F)

and checks that all three give the same M and X. Ratios < 1 mean icsim is faster.
Also times the whole `icsim io <table>` process at n = 42.

Run with Debian's python (the one with numpy and scipy), after building the two targets:
  cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release
  cmake --build build/bench -j2 --target leontief_bench leontief_timing
  /usr/bin/python3 benchmarks/compare_numpy.py            # all sizes, 1 and 2 BLAS threads
  /usr/bin/python3 benchmarks/compare_numpy.py --sizes 42,153 --threads 1
"""

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [42, 153, 1000, 4000]
# Samples per task (median reported); each sample lasts >= 2 ms (see time_task).
REPEATS = {42: 15, 153: 15, 1000: 7, 4000: 3}
TASKS = ["factor", "solve_one", "multipliers", "shocks", "combined"]
# Largest elementwise relative difference accepted between the three implementations.
AGREEMENT = 1e-9


def time_task(task, repeats):
    """Median and min seconds of task(), after a warm-up run; a sample repeats the task often
    enough to last >= 2 ms (the same rule as leontief_timing.cpp)."""
    start = time.perf_counter()
    task()
    first = time.perf_counter() - start
    inner = max(1, int(-(-0.002 // max(first, 1e-9))))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            task()
        samples.append((time.perf_counter() - start) / inner)
    return {"median": statistics.median(samples), "min": min(samples), "inner": inner,
            "samples": repeats}


def worker(folder, repeats):
    """Times numpy-inverse and scipy-LU on folder's problem; prints JSON. Runs in its own
    process so that OPENBLAS_NUM_THREADS is read by the OpenBLAS numpy loads."""
    import numpy as np
    import scipy.linalg as sla

    meta = json.load(open(os.path.join(folder, "problem.json")))
    n, k, m = meta["n"], meta["k"], meta["m"]

    def load(name, rows, cols):
        return np.fromfile(os.path.join(folder, name), dtype="<f8").reshape((rows, cols), order="F")

    A, E, F = load("A.f64", n, n), load("E.f64", k, n), load("F.f64", n, m)
    f = np.ascontiguousarray(F[:, 0])
    M_icsim, X_icsim = load("M.f64", k, n), load("X.f64", n, m)

    # numpy, the pymrio way (pymrio.calc_L, calc_M, calc_x_from_L).
    def np_factor():
        return np.linalg.inv(np.eye(n) - A)

    L = np_factor()
    numpy_tasks = {
        "factor": np_factor,
        "solve_one": lambda: L @ f,
        "multipliers": lambda: E @ L,
        "shocks": lambda: L @ F,
    }

    def np_combined():
        Li = np.linalg.inv(np.eye(n) - A)
        return E @ Li, Li @ F

    numpy_tasks["combined"] = np_combined

    # scipy's LU, at its fastest: I - A formed in Fortran order, no finiteness checks.
    def sp_factor():
        B = -A  # keeps A's Fortran order
        B[np.diag_indices(n)] += 1.0
        return sla.lu_factor(B, overwrite_a=True, check_finite=False)

    lu = sp_factor()
    ET = np.asfortranarray(E.T)
    scipy_tasks = {
        "factor": sp_factor,
        "solve_one": lambda: sla.lu_solve(lu, f, check_finite=False),
        "multipliers": lambda: sla.lu_solve(lu, ET, trans=1, check_finite=False).T,
        "shocks": lambda: sla.lu_solve(lu, F, check_finite=False),
    }

    def sp_combined():
        lu_c = sp_factor()
        return (sla.lu_solve(lu_c, ET, trans=1, check_finite=False).T,
                sla.lu_solve(lu_c, F, check_finite=False))

    scipy_tasks["combined"] = sp_combined

    def rel_diff(a, b):
        """Largest elementwise |a - b| / |b| (entries of b below 1e-300 compared absolutely)."""
        scale = np.maximum(np.abs(b), 1e-300)
        return float(np.max(np.abs(a - b) / scale))

    M_np, X_np = np_combined()
    M_sp, X_sp = sp_combined()
    check = {
        "numpy_vs_icsim": max(rel_diff(M_np, M_icsim), rel_diff(X_np, X_icsim)),
        "scipy_vs_icsim": max(rel_diff(M_sp, M_icsim), rel_diff(X_sp, X_icsim)),
        "numpy_vs_scipy": max(rel_diff(M_np, M_sp), rel_diff(X_np, X_sp)),
        "output_multiplier_range": [float(M_icsim[0].min()), float(M_icsim[0].max())],
    }
    out = {"numpy": {t: time_task(fn, repeats) for t, fn in numpy_tasks.items()},
           "scipy": {t: time_task(fn, repeats) for t, fn in scipy_tasks.items()},
           "check": check, "numpy_version": np.__version__}
    print(json.dumps(out))


def cpu_jiffies():
    """(busy, total) CPU ticks of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class ForeignLoad:
    """Measures how busy the machine was with *other* processes (builds, tests) while a
    measurement ran: machine-wide busy CPU time minus that of our own child processes, as a
    fraction of all cores."""

    def __enter__(self):
        self.busy, self.total = cpu_jiffies()
        self.children = children_cpu()
        return self

    def __exit__(self, *exc):
        busy, total = cpu_jiffies()
        ticks = os.sysconf("SC_CLK_TCK")
        ours = (children_cpu() - self.children) * ticks
        self.fraction = max(0.0, (busy - self.busy) - ours) / max(1, total - self.total)


def wait_until_quiet(limit_seconds):
    """Waits (up to limit_seconds) for a 2-second window in which the machine is >= 95% idle."""
    deadline = time.time() + limit_seconds
    while True:
        busy, total = cpu_jiffies()
        time.sleep(2.0)
        busy2, total2 = cpu_jiffies()
        fraction = (busy2 - busy) / max(1, total2 - total)
        if fraction <= 0.05 or time.time() >= deadline:
            return fraction


def run_json(cmd, env):
    proc = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def process_times(cmd, env, runs, cwd):
    """Median and min wall time of running cmd as a whole process (spawn included)."""
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)  # warm the caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return {"median": statistics.median(samples), "min": min(samples), "runs": runs}


def fmt_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.3f} s "


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build", "bench"),
                        help="CMake build folder holding benchmarks/leontief_timing")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--threads", default="1,2",
                        help="OPENBLAS_NUM_THREADS (= OMP_NUM_THREADS) settings to run")
    parser.add_argument("--repeat-scale", type=float, default=1.0,
                        help="multiply the number of samples per task")
    parser.add_argument("--icsim", default=os.path.join(REPO, "build", "release", "icsim"))
    parser.add_argument("--process-table",
                        default=os.path.join(REPO, "scenarios", "data", "tables", "zhejiang_2017_42"))
    parser.add_argument("--process-runs", type=int, default=30)
    parser.add_argument("--json", help="also write every measurement to this file")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="before each measurement wait up to SECONDS for an idle machine")
    parser.add_argument("--worker", nargs=2, metavar=("DIR", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return 0

    if importlib.util.find_spec("numpy") is None or importlib.util.find_spec("scipy") is None:
        sys.exit(f"{sys.executable} has no numpy/scipy: run this script with /usr/bin/python3")
    timing = os.path.join(args.build_dir, "benchmarks", "leontief_timing")
    if not os.access(timing, os.X_OK):
        sys.exit(f"{timing} not found: build it first (cmake --build {args.build_dir} "
                 "--target leontief_timing)")
    sizes = [int(s) for s in args.sizes.split(",")]
    thread_settings = [int(t) for t in args.threads.split(",")]

    tmp = tempfile.mkdtemp(prefix="icsim-bench-")
    results = {"machine": machine(), "sizes": {}, "process": {}}
    try:
        problems = {}
        for n in sizes:
            folder = os.path.join(tmp, f"n{n}")
            problems[n] = (folder, run_json([timing, "generate", str(n), folder], os.environ))
        for threads in thread_settings:
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
            for n in sizes:
                folder, meta = problems[n]
                repeats = max(3, round(REPEATS.get(n, 3) * args.repeat_scale))
                print(f"[threads={threads}] n={n} ({meta['source']}, k={meta['k']}, "
                      f"m={meta['m']}): timing...", file=sys.stderr, flush=True)
                if args.wait_quiet > 0:
                    wait_until_quiet(args.wait_quiet)
                with ForeignLoad() as load:
                    icsim = run_json([timing, "time", folder, str(repeats)], env)
                    py = run_json([sys.executable, os.path.abspath(__file__), "--worker", folder,
                                   str(repeats)], env)
                results["sizes"].setdefault(str(n), {})[str(threads)] = {
                    "problem": meta, "icsim": icsim["tasks"], "numpy": py["numpy"],
                    "scipy": py["scipy"], "check": py["check"],
                    "icsim_blas_threads": icsim["blas_threads"],
                    "other_load": load.fraction}
            if args.wait_quiet > 0:
                wait_until_quiet(args.wait_quiet)
            with ForeignLoad() as load:
                results["process"][str(threads)] = measure_process(args, timing, env, threads, tmp)
            results["process"][str(threads)]["other_load"] = load.fraction
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    report(results, sizes, thread_settings)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    return 0


def measure_process(args, timing, env, threads, tmp):
    out = {"floor": process_times([timing, "noop"], env, args.process_runs, tmp)}
    table = args.process_table
    if not os.access(args.icsim, os.X_OK):
        out["skipped"] = f"{args.icsim} not built (cmake --preset release && cmake --build " \
                         "--preset release)"
    elif not os.path.isdir(table):
        out["skipped"] = f"{table} not found"
    else:
        # --threads as well as the environment: `icsim io` sets OpenBLAS's thread count itself
        # (0 = all cores), which would override OPENBLAS_NUM_THREADS.
        cmd = [args.icsim, "io", table, "--threads", str(threads)]
        out["command"] = " ".join(cmd)
        out["icsim_version"] = process_times([args.icsim, "--version"], env, args.process_runs, tmp)
        out["icsim_io"] = process_times(cmd, env, args.process_runs, tmp)
    return out


def machine():
    info = {"cores": os.cpu_count(), "loadavg_start": os.getloadavg()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return info


def report(results, sizes, thread_settings):
    m = results["machine"]
    print(f"\nmachine: {m.get('cpu', '?')}, {m['cores']} cores; "
          f"load average at start {m['loadavg_start'][0]:.2f}")
    for threads in thread_settings:
        print(f"\n=== OPENBLAS_NUM_THREADS={threads} OMP_NUM_THREADS={threads} "
              "(median wall time per task) ===")
        head = (f"{'n':>5} {'task':<12} {'icsim':>11} {'numpy-inv':>11} {'scipy-LU':>11} "
                f"{'icsim/numpy':>12} {'icsim/scipy':>12}")
        print(head)
        print("-" * len(head))
        for n in sizes:
            r = results["sizes"][str(n)][str(threads)]
            for task in TASKS:
                ic, npy, sp = (r[s][task]["median"] for s in ("icsim", "numpy", "scipy"))
                print(f"{n:>5} {task:<12} {fmt_time(ic)} {fmt_time(npy)} {fmt_time(sp)} "
                      f"{ic / npy:12.2f} {ic / sp:12.2f}")
            c = r["check"]
            ok = max(c["numpy_vs_icsim"], c["scipy_vs_icsim"], c["numpy_vs_scipy"]) < AGREEMENT
            print(f"{'':>5} same results: max rel. diff numpy-icsim {c['numpy_vs_icsim']:.1e}, "
                  f"scipy-icsim {c['scipy_vs_icsim']:.1e}, numpy-scipy "
                  f"{c['numpy_vs_scipy']:.1e} -> {'OK' if ok else 'MISMATCH'}; "
                  f"{r['problem']['source']}, k={r['problem']['k']}; "
                  f"other processes used {100 * r['other_load']:.0f}% of the cores meanwhile")
        p = results["process"][str(threads)]
        floor = p["floor"]
        print(f"other processes used {100 * p['other_load']:.0f}% of the cores during the process "
              "timings")
        print(f"process start-up floor (leontief_timing noop): median {fmt_time(floor['median'])}")
        if "icsim_io" in p:
            print(f"`icsim --version` (start-up of the icsim binary): median "
                  f"{fmt_time(p['icsim_version']['median'])}")
            t = p["icsim_io"]
            print(f"whole process `{p['command']}`: median {fmt_time(t['median'])}, "
                  f"min {fmt_time(t['min'])} over {t['runs']} runs (goal < 20 ms)")
        else:
            print(f"whole `icsim io` process: skipped ({p['skipped']})")
    print("\ngoals (combined = factor + all Type I multipliers + 1,000 shocks):")
    for threads in thread_settings:
        for n in sizes:
            r = results["sizes"][str(n)][str(threads)]
            ic, npy, sp = (r[s]["combined"]["median"] for s in ("icsim", "numpy", "scipy"))
            verdict = ""
            if n >= 1000:
                verdict = ("met" if ic / npy <= 0.5 and ic / sp <= 1.0 else "NOT met") + \
                          " (goal: <= 0.50 and <= 1.00)"
            print(f"  threads={threads} n={n:>5}: icsim/numpy-inverse {ic / npy:.2f}, "
                  f"icsim/scipy-LU {ic / sp:.2f} {verdict}")


if __name__ == "__main__":
    sys.exit(main())
