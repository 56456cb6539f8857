#!/usr/bin/python3
"""Wall-clock figures of the real `icsim sweep|run|merge` commands (benchmarks/README.md,
"Sweeps, shards and MPI"). Standard library and h5py only (Debian's /usr/bin/python3).

Sections (--sections, default all):
  a  strong scaling of a sweep of the default scenario (firm model on): the shipped 3 x 3 sweep
     scenarios/ningbo/sweep_investment_land.toml at -n 40, on 1 thread, 2 threads, mpirun -n 1 x
     1 thread and mpirun -n 2 x 1 thread (and mpirun -n 2 with --block 10); speed-ups against
     1 thread; every output file must equal the 1-thread file apart from provenance.
  b  sharding overhead: `icsim run baseline.toml -n 200 -t 2` against the same as 2 shards run
     one after the other (each -t 2) + `icsim merge`, and against --resumable (block 50);
     overhead = (sum - single) / single; the merge alone; the files must be equal.
  c  time per sweep point: a 2-point list sweep of the baseline (-t 2) at -n 200 (--repeat
     times) and at -n 1000 (--long-repeat times).

Every configuration runs --repeat times (round robin, so that drift touches all alike); the table
gives min and median. Before each section the script waits (up to --wait-load s) for the 1-minute
load average to fall under --max-load; before each command it waits (up to --wait-quiet s) for a
2-second window in which the machine is at least 95 % idle. Each row records the load average
before the command and the share of the two cores that *other* processes used during it (busy
time from /proc/stat minus our children's CPU time); a command during which others used more
than --max-others (10 %) is run again, up to --retries times (the last attempt is kept, and the
discarded ones are listed in the JSON).

    /usr/bin/python3 benchmarks/sweep_scaling.py --json /tmp/sweep_scaling.json
    /usr/bin/python3 benchmarks/sweep_scaling.py --sections b --repeat 5
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROVENANCE = {"created_utc", "threads", "processes"}
# Dimension-scale bookkeeping: object references, compared through the names they point to.
REFERENCE_ATTRS = {"DIMENSION_LIST", "REFERENCE_LIST"}
MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
}


# ---- machine state ---------------------------------------------------------------------------
def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def cpu_times():
    """(busy, total) jiffies over all cores."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    total = sum(v[:8])
    return total - idle, total


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def idle_window(seconds=2.0):
    b0, t0 = cpu_times()
    time.sleep(seconds)
    b1, t1 = cpu_times()
    return (b1 - b0) / max(1, t1 - t0)  # busy share of all cores


def wait_quiet(limit):
    """Waits up to `limit` s for a 2-s window with the machine at least 95 % idle."""
    start = time.time()
    while True:
        busy = idle_window()
        if busy <= 0.05 or time.time() - start >= limit:
            return busy


def wait_load(limit, max_load):
    start = time.time()
    while load1() >= max_load and time.time() - start < limit:
        time.sleep(5)
    return load1()


RETRY = {"max_others": 1.0, "retries": 0, "discarded": []}


def timed(cmd, env=None, wait=0.0):
    """Runs cmd (again, up to RETRY["retries"] times, while other processes used more than
    RETRY["max_others"] of the cores during it); returns the accepted run's record."""
    for attempt in range(RETRY["retries"] + 1):
        r = timed_once(cmd, env, wait)
        if r["others_share"] <= RETRY["max_others"] or attempt == RETRY["retries"]:
            r["attempts"] = attempt + 1
            return r
        RETRY["discarded"].append(dict(r, cmd=" ".join(cmd)))
        print(f"    (disturbed: others {100 * r['others_share']:.0f} %, {r['seconds']:.2f} s; "
              "again)", flush=True)


def timed_once(cmd, env=None, wait=0.0):
    """Runs cmd; returns (seconds, load1 before, others' share of the cores during it)."""
    busy_before_wait = wait_quiet(wait) if wait > 0 else None
    l1 = load1()
    c0 = children_cpu()
    b0, t0 = cpu_times()
    start = time.perf_counter()
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run(cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    seconds = time.perf_counter() - start
    b1, t1 = cpu_times()
    c1 = children_cpu()
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    ours = (c1 - c0) * HZ
    others = max(0.0, ((b1 - b0) - ours) / max(1, t1 - t0))
    return {"seconds": seconds, "load1_before": l1, "others_share": others,
            "busy_before": busy_before_wait}


# ---- file equality ---------------------------------------------------------------------------
def file_differences(a, b):
    """Differences between two result files apart from the provenance attributes."""
    import h5py
    import numpy as np

    out = []

    def attrs(obj_a, obj_b, name):
        skip = REFERENCE_ATTRS | (PROVENANCE if name == "/" else set())
        ka = set(obj_a.attrs.keys()) - skip
        kb = set(obj_b.attrs.keys()) - skip
        if ka != kb:
            out.append(f"{name}: attributes {sorted(ka ^ kb)}")
        for k in ka & kb:
            va, vb = np.asarray(obj_a.attrs[k]), np.asarray(obj_b.attrs[k])
            if va.shape != vb.shape or va.tobytes() != vb.tobytes() and not np.array_equal(va, vb):
                out.append(f"{name}@{k}")

    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        attrs(fa, fb, "/")
        names_a, names_b = [], []
        fa.visit(names_a.append)
        fb.visit(names_b.append)
        if sorted(names_a) != sorted(names_b):
            out.append(f"objects differ: {sorted(set(names_a) ^ set(names_b))[:10]}")
        for n in sorted(set(names_a) & set(names_b)):
            oa, ob = fa[n], fb[n]
            attrs(oa, ob, n)
            if isinstance(oa, h5py.Dataset):
                dims_a = [[s.name for s in d.values()] for d in oa.dims]
                dims_b = [[s.name for s in d.values()] for d in ob.dims]
                if dims_a != dims_b:
                    out.append(f"{n}: dimension scales {dims_a} vs {dims_b}")
                va, vb = oa[()], ob[()]
                if isinstance(va, np.ndarray) and va.dtype.kind in "biufc":
                    same = va.shape == vb.shape and va.dtype == vb.dtype and \
                        va.tobytes() == vb.tobytes()  # bit for bit (NaN included)
                else:
                    same = np.array_equal(np.asarray(va, dtype=object), np.asarray(vb, dtype=object))
                if not same:
                    out.append(n)
    return out


# ---- helpers ---------------------------------------------------------------------------------
def summary(rows):
    s = [r["seconds"] for r in rows]
    return {"min": min(s), "median": statistics.median(s), "max": max(s), "runs": s,
            "load1_before": [r["load1_before"] for r in rows],
            "others_share": [r["others_share"] for r in rows]}


def fmt_load(rows):
    l = [r["load1_before"] for r in rows]
    o = [r["others_share"] for r in rows]
    return f"load {min(l):.2f}-{max(l):.2f}, others {100 * min(o):.0f}-{100 * max(o):.0f} %"


def print_table(title, rows, ref=None):
    print(f"\n{title}")
    print(f"  {'configuration':<34} {'min s':>8} {'median s':>9} {'speed-up':>9}   conditions")
    for name, s in rows.items():
        sp = ""
        if ref and name != ref:
            sp = f"{rows[ref]['median'] / s['median']:.2f}x"
        print(f"  {name:<34} {s['min']:8.2f} {s['median']:9.2f} {sp:>9}   {s['conditions']}")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icsim", default=os.path.join(ROOT, "build/bench/icsim"))
    ap.add_argument("--sections", default="abc")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--long-repeat", type=int, default=1)
    ap.add_argument("--sweep-reps", type=int, default=40)
    ap.add_argument("--run-reps", type=int, default=200)
    ap.add_argument("--long-reps", type=int, default=1000)
    ap.add_argument("--max-load", type=float, default=0.7)
    ap.add_argument("--wait-load", type=float, default=600, help="max s to wait per section")
    ap.add_argument("--wait-quiet", type=float, default=60, help="max s to wait per command")
    ap.add_argument("--max-others", type=float, default=0.10,
                    help="run a command again when other processes used more than this share "
                         "of the cores during it")
    ap.add_argument("--retries", type=int, default=2)
    ap.add_argument("--no-mpi", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()

    RETRY["max_others"], RETRY["retries"] = args.max_others, args.retries
    icsim = args.icsim
    if not os.path.exists(icsim):
        sys.exit(f"{icsim} not found (build it: cmake --build build/bench --target icsim)")
    work = tempfile.mkdtemp(prefix="icsim_sweep_scaling_")
    sweep = os.path.join(ROOT, "scenarios/ningbo/sweep_investment_land.toml")
    baseline = os.path.join(ROOT, "scenarios/ningbo/baseline.toml")
    report = {"icsim": icsim, "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
              "cpus": NCPU, "sections": {}}
    w = args.wait_quiet

    def out(name):
        return os.path.join(work, name)

    try:
        # ---- a: strong scaling ----------------------------------------------------------
        if "a" in args.sections:
            print(f"[a] waiting for load < {args.max_load} (now {load1():.2f}) ...", flush=True)
            wait_load(args.wait_load, args.max_load)
            n = str(args.sweep_reps)
            base = [icsim, "sweep", sweep, "-n", n, "-q"]
            configs = {
                "1 process x 1 thread": (base + ["-t", "1", "-o", out("a_t1.h5")], None),
                "1 process x 2 threads": (base + ["-t", "2", "-o", out("a_t2.h5")], None),
            }
            if not args.no_mpi:
                configs["mpirun -n 1 x 1 thread"] = (
                    ["mpirun", "-n", "1"] + base + ["-t", "1", "-o", out("a_m1.h5")], MPI_ENV)
                configs["mpirun -n 2 x 1 thread"] = (
                    ["mpirun", "-n", "2"] + base + ["-t", "1", "-o", out("a_m2.h5")], MPI_ENV)
                configs["mpirun -n 2 x 1 thread, block 10"] = (
                    ["mpirun", "-n", "2"] + base + ["-t", "1", "--block", "10",
                                                    "-o", out("a_m2b10.h5")], MPI_ENV)
            raw = {k: [] for k in configs}
            for rep in range(args.repeat):
                for k, (cmd, env) in configs.items():
                    r = timed(cmd, env, w)
                    raw[k].append(r)
                    print(f"  [a] run {rep + 1} {k}: {r['seconds']:.2f} s "
                          f"(load {r['load1_before']:.2f}, others {100 * r['others_share']:.0f} %)",
                          flush=True)
            rows = {k: dict(summary(v), conditions=fmt_load(v)) for k, v in raw.items()}
            ref = "1 process x 1 thread"
            for k in rows:
                rows[k]["speedup_median"] = rows[ref]["median"] / rows[k]["median"]
                rows[k]["speedup_min"] = rows[ref]["min"] / rows[k]["min"]
            files = {k: cmd[cmd.index("-o") + 1] for k, (cmd, _) in configs.items()}
            equal = {k: file_differences(files[ref], f) for k, f in files.items() if k != ref}
            points = 9
            print_table(f"(a) strong scaling: 3 x 3 sweep, -n {n} ({points} points x {n} "
                        f"replications), firm model on", rows, ref)
            for k, d in equal.items():
                print(f"  {k}: {'identical to 1 thread apart from provenance' if not d else 'DIFFERS: ' + ', '.join(d[:8])}")
            report["sections"]["a"] = {"rows": rows, "differences": equal,
                                       "points": points, "replications": args.sweep_reps}

        # ---- b: sharding overhead -------------------------------------------------------
        if "b" in args.sections:
            print(f"[b] waiting for load < {args.max_load} (now {load1():.2f}) ...", flush=True)
            wait_load(args.wait_load, args.max_load)
            n = str(args.run_reps)
            base = [icsim, "run", baseline, "-n", n, "-t", "2", "-q"]
            raw = {k: [] for k in ["single", "shard 1/2", "shard 2/2", "merge", "resumable"]}
            for rep in range(args.repeat):
                for f in ("b_s1.h5", "b_s2.h5", "b_merged.h5"):
                    if os.path.exists(out(f)):
                        os.remove(out(f))
                steps = [
                    ("single", base + ["-o", out("b_single.h5")]),
                    ("shard 1/2", base + ["--shard", "1/2", "-o", out("b_s1.h5")]),
                    ("shard 2/2", base + ["--shard", "2/2", "-o", out("b_s2.h5")]),
                    ("merge", [icsim, "merge", out("b_s1.h5"), out("b_s2.h5"),
                               "-o", out("b_merged.h5")]),
                    ("resumable", base + ["--resumable", "-o", out("b_resumable.h5")]),
                ]
                for k, cmd in steps:
                    r = timed(cmd, None, w)
                    raw[k].append(r)
                    print(f"  [b] run {rep + 1} {k}: {r['seconds']:.2f} s "
                          f"(load {r['load1_before']:.2f}, others {100 * r['others_share']:.0f} %)",
                          flush=True)
            rows = {k: dict(summary(v), conditions=fmt_load(v)) for k, v in raw.items()}
            sums = [raw["shard 1/2"][i]["seconds"] + raw["shard 2/2"][i]["seconds"] +
                    raw["merge"][i]["seconds"] for i in range(args.repeat)]
            singles = [r["seconds"] for r in raw["single"]]
            over_pair = [100 * (s - t) / t for s, t in zip(sums, singles)]
            res_pair = [100 * (r["seconds"] - t) / t for r, t in zip(raw["resumable"], singles)]
            med_single = statistics.median(singles)
            derived = {
                "shards+merge_seconds": sums,
                "shards+merge_overhead_pct_per_round": over_pair,
                "shards+merge_overhead_pct_medians": 100 * (statistics.median(sums) - med_single) / med_single,
                "resumable_overhead_pct_per_round": res_pair,
                "resumable_overhead_pct_medians": 100 * (rows["resumable"]["median"] - med_single) / med_single,
                "merge_pct_of_single_medians": 100 * rows["merge"]["median"] / med_single,
            }
            equal = {k: file_differences(out("b_single.h5"), out(f))
                     for k, f in (("merged", "b_merged.h5"), ("resumable", "b_resumable.h5"))}
            print_table(f"(b) sharding overhead: icsim run baseline.toml -n {n} -t 2", rows)
            print(f"  2 shards + merge: {', '.join(f'{s:.2f}' for s in sums)} s; overhead per round "
                  f"{', '.join(f'{o:+.1f}' for o in over_pair)} %, on medians "
                  f"{derived['shards+merge_overhead_pct_medians']:+.1f} %")
            print(f"  --resumable: overhead per round {', '.join(f'{o:+.1f}' for o in res_pair)} %, "
                  f"on medians {derived['resumable_overhead_pct_medians']:+.1f} %")
            print(f"  merge alone: {derived['merge_pct_of_single_medians']:.1f} % of the single run")
            for k, d in equal.items():
                print(f"  {k}: {'identical to the single run apart from provenance' if not d else 'DIFFERS: ' + ', '.join(d[:8])}")
            report["sections"]["b"] = {"rows": rows, "derived": derived, "differences": equal,
                                       "replications": args.run_reps}

        # ---- c: time per sweep point ----------------------------------------------------
        if "c" in args.sections:
            print(f"[c] waiting for load < {args.max_load} (now {load1():.2f}) ...", flush=True)
            wait_load(args.wait_load, args.max_load)
            plist = out("two_points.toml")
            with open(plist, "w") as f:
                f.write(f'extends = "{baseline}"\n[scenario]\nname = "two-points"\n'
                        '[sweep]\nmethod = "list"\nkeys = ["programme.shuangbai.investment"]\n'
                        'points = [[570], [855]]\n')
            rows = {}
            for reps, repeat in ((args.run_reps, args.repeat), (args.long_reps, args.long_repeat)):
                runs = []
                for rep in range(repeat):
                    r = timed([icsim, "sweep", plist, "-n", str(reps), "-t", "2", "-q",
                               "-o", out(f"c_{reps}.h5")], None, w)
                    runs.append(r)
                    print(f"  [c] -n {reps} run {rep + 1}: {r['seconds']:.2f} s "
                          f"(load {r['load1_before']:.2f}, others {100 * r['others_share']:.0f} %)",
                          flush=True)
                s = summary(runs)
                s["per_point_min"] = s["min"] / 2
                s["per_point_median"] = s["median"] / 2
                s["per_replication_ms_median"] = 1000 * s["median"] / (2 * reps)
                s["conditions"] = fmt_load(runs)
                s["file_mb"] = os.path.getsize(out(f"c_{reps}.h5")) / 1e6
                rows[f"2 points x {reps}"] = s
            print_table("(c) time per sweep point: 2-point list sweep of the baseline, -t 2", rows)
            for k, s in rows.items():
                print(f"  {k}: {s['per_point_min']:.2f}-{s['per_point_median']:.2f} s a point "
                      f"(min-median), {s['per_replication_ms_median']:.1f} ms a replication, "
                      f"file {s['file_mb']:.0f} MB")
            report["sections"]["c"] = {"rows": rows}
    finally:
        report["discarded_runs"] = RETRY["discarded"]
        report["finished_utc"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)
            print(f"\nJSON: {args.json}")
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
