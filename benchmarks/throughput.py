#!/usr/bin/python3
"""Replications per second of the default scenario, this build against an earlier revision, in
one run (benchmarks/README.md, "Throughput against an earlier revision"). Standard library and
h5py only (Debian's /usr/bin/python3).

Two icsim binaries: the current one (--icsim, default build/release/icsim) and a base one, either
given (--base-icsim) or built from a git revision (--base, default: the merge-base of HEAD and
`main`, or HEAD~1 when HEAD is on main) in a temporary `git worktree` with a release build
(ccache when it is installed); built base binaries are kept in --cache, one per commit, so a
second run does not build again. Both run

    icsim run SCENARIO --replications N --threads T -q -o FILE

for every T in --threads (default 1 and 2), alternately (base, current, current, base, ... so
that drift touches both alike), --repeat times each. The table gives the median replications
per second of each and their ratio (current / base), with the range of the per-pair ratios.
Every command records the share of the cores other processes used during it (busy time from
/proc/stat minus our children's CPU time), as benchmarks/sweep_scaling.py does; with
--wait-quiet S each command first waits up to S s for a 2-second window with the machine at
least 95 % idle. The result files of one binary must be equal for every thread count, and
the current files must equal the base ones (apart from provenance) unless --allow-different.

    /usr/bin/python3 benchmarks/throughput.py                       # -n 100, 3 rounds
    /usr/bin/python3 benchmarks/throughput.py --base d2681b2 -n 200 --repeat 5 --json /tmp/t.json
    /usr/bin/python3 benchmarks/throughput.py --dry-run             # the commands only
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import sweep_scaling as ss  # noqa: E402  (timing and file-equality helpers)

# Provenance attributes of a result file's root that name the build, not the results.
BUILD_PROVENANCE = {"icsim_version", "git_commit", "engine_version", "version", "commit"}


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def default_base():
    head = git("rev-parse", "HEAD")
    try:
        base = git("merge-base", "HEAD", "main")
    except subprocess.CalledProcessError:
        base = head
    return base if base != head else git("rev-parse", "HEAD~1")


def build_base(rev, cache, jobs, dry_run):
    """The icsim binary of revision `rev`, built once in a temporary worktree and kept in cache."""
    sha = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    binary = os.path.join(cache, sha[:12], "icsim")
    if os.path.exists(binary):
        return sha, binary
    src = tempfile.mkdtemp(prefix=f"icsim-base-{sha[:8]}-")
    cmds = [["git", "-C", ROOT, "worktree", "add", "--detach", src, sha],
            ["cmake", "-S", src, "-B", os.path.join(src, "build"), "-DCMAKE_BUILD_TYPE=Release",
             "-DICSIM_BUILD_BENCHMARKS=OFF"],
            ["cmake", "--build", os.path.join(src, "build"), f"-j{jobs}", "--target", "icsim"]]
    if dry_run:
        for c in cmds:
            print("  " + " ".join(c))
        return sha, binary
    env = dict(os.environ)
    if shutil.which("ccache"):
        env.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
    print(f"building the base icsim at {sha[:12]} in {src} ...", flush=True)
    try:
        for c in cmds:
            subprocess.run(c, check=True, env=env, stdout=subprocess.DEVNULL)
        os.makedirs(os.path.dirname(binary), exist_ok=True)
        shutil.copy2(os.path.join(src, "build", "icsim"), binary)
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", src],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(src, ignore_errors=True)
    return sha, binary


def differences(a, b, across_builds):
    """Differences between two result files; across builds the version attributes may differ."""
    saved = set(ss.PROVENANCE)
    if across_builds:
        ss.PROVENANCE |= BUILD_PROVENANCE
    try:
        return ss.file_differences(a, b)
    finally:
        ss.PROVENANCE.clear()
        ss.PROVENANCE.update(saved)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icsim", default=os.path.join(ROOT, "build/release/icsim"),
                    help="the current binary (default build/release/icsim)")
    ap.add_argument("--base", help="git revision of the base (default: merge-base with main)")
    ap.add_argument("--base-icsim", help="a base binary to use instead of building --base")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "icsim-throughput"),
                    help="folder of built base binaries, one per commit")
    ap.add_argument("--scenario", default=os.path.join(ROOT, "scenarios/ningbo/baseline.toml"))
    ap.add_argument("--base-own-scenario", action="store_true",
                    help="run the base on the base revision's own scenarios/ folder (the same "
                         "scenario path inside it), for a base whose scenario keys differ; the "
                         "results are then not compared across builds")
    ap.add_argument("-n", "--replications", type=int, default=100)
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each binary and thread count")
    ap.add_argument("--jobs", type=int, default=2, help="build jobs for the base")
    ap.add_argument("--wait-quiet", type=float, default=0,
                    help="max s to wait for a quiet 2-s window before each command")
    ap.add_argument("--allow-different", action="store_true",
                    help="do not require the base and current results to be equal")
    ap.add_argument("--json", help="write the measurements here")
    ap.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]

    if a.base_icsim:
        base_label, base_bin = "given", a.base_icsim
    else:
        rev = a.base or default_base()
        sha, base_bin = build_base(rev, a.cache, a.jobs, a.dry_run)
        base_label = sha[:12]
    bins = {"base": base_bin, "current": a.icsim}
    for name, b in bins.items():
        if not a.dry_run and not os.access(b, os.X_OK):
            sys.exit(f"throughput.py: no {name} binary at {b}")

    work = tempfile.mkdtemp(prefix="icsim-throughput-")
    scenarios = {"base": a.scenario, "current": a.scenario}
    if a.base_own_scenario:
        if a.base_icsim:
            sys.exit("throughput.py: --base-own-scenario needs --base (a revision), not --base-icsim")
        rel = os.path.relpath(os.path.abspath(a.scenario), ROOT)
        tree = os.path.join(work, "base-tree")
        os.makedirs(tree)
        if not a.dry_run:
            archive = subprocess.run(["git", "-C", ROOT, "archive", sha, "scenarios"], check=True,
                                     stdout=subprocess.PIPE).stdout
            subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        scenarios["base"] = os.path.join(tree, rel)
    runs = {(name, t): [] for name in bins for t in threads}
    files = {}
    try:
        for r in range(a.repeat):
            for t in threads:
                order = ["base", "current"] if (r + t) % 2 == 0 else ["current", "base"]
                for name in order:
                    out = os.path.join(work, f"{name}_t{t}_r{r}.h5")
                    cmd = [bins[name], "run", scenarios[name], "--replications", str(a.replications),
                           "--threads", str(t), "-q", "-o", out]
                    if a.dry_run:
                        print("  " + " ".join(cmd))
                        continue
                    c0 = ss.children_cpu()
                    rec = ss.timed_once(cmd, wait=a.wait_quiet)
                    rec["cpu_seconds"] = ss.children_cpu() - c0
                    rec["replications_per_s"] = a.replications / rec["seconds"]
                    rec["replications_per_cpu_s"] = a.replications / rec["cpu_seconds"]
                    runs[(name, t)].append(rec)
                    files.setdefault((name, t), out)
                    if out != files[(name, t)]:
                        os.remove(out)
                    print(f"  round {r + 1} {name:<7} -t {t}: {rec['seconds']:7.2f} s "
                          f"{rec['replications_per_s']:7.2f} rep/s, CPU {rec['cpu_seconds']:.2f} s"
                          f"  (others {100 * rec['others_share']:.0f} %)", flush=True)
        if a.dry_run:
            return 0

        problems = []
        for name in bins:  # same results for every thread count
            for t in threads[1:]:
                d = differences(files[(name, threads[0])], files[(name, t)], False)
                if d:
                    problems.append(f"{name}: -t {threads[0]} and -t {t} differ: {d[:5]}")
        if not a.base_own_scenario:
            d = differences(files[("base", threads[0])], files[("current", threads[0])], True)
            if d:
                problems.append(f"base and current results differ: {d[:5]}")

        print(f"\n{a.scenario}, -n {a.replications}, {a.repeat} runs each; base {base_label}")
        print("  wall: replications per second of wall-clock time; CPU: per CPU-second (user +"
              " system of the command),\n  the steadier figure on a shared machine")
        print(f"  {'threads':>7} {'base rep/s':>11} {'current rep/s':>14} {'ratio':>7} "
              f"{'pair ratios':>13} {'CPU ratio':>10}   others' share of the cores")
        table = []
        for t in threads:
            b = [x["replications_per_s"] for x in runs[("base", t)]]
            c = [x["replications_per_s"] for x in runs[("current", t)]]
            bc = [x["replications_per_cpu_s"] for x in runs[("base", t)]]
            cc = [x["replications_per_cpu_s"] for x in runs[("current", t)]]
            pairs = [ci / bi for bi, ci in zip(b, c)]
            others = [x["others_share"] for k in ("base", "current") for x in runs[(k, t)]]
            row = {"threads": t, "base_median": statistics.median(b),
                   "current_median": statistics.median(c),
                   "ratio": statistics.median(c) / statistics.median(b),
                   "pair_ratios": pairs,
                   "cpu_ratio": statistics.median(cc) / statistics.median(bc),
                   "others_share": others}
            table.append(row)
            print(f"  {t:>7} {row['base_median']:>11.2f} {row['current_median']:>14.2f} "
                  f"{row['ratio']:>6.2f}x {min(pairs):>5.2f}-{max(pairs):.2f}x "
                  f"{row['cpu_ratio']:>9.2f}x   "
                  f"{100 * min(others):.0f}-{100 * max(others):.0f} %")
        if len(threads) > 1:
            for k in ("base", "current"):
                m = {t: statistics.median(x["replications_per_s"] for x in runs[(k, t)])
                     for t in threads}
                print(f"  {k}: {threads[-1]} threads / {threads[0]} thread = "
                      f"{m[threads[-1]] / m[threads[0]]:.2f}x")
        for p in problems:
            print("  RESULTS DIFFER: " + p)
        if not problems:
            print("  results: equal for every thread count" +
                  (" (base and current not compared: each ran its own revision's scenario)"
                   if a.base_own_scenario else ", and base = current"))
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"scenario": a.scenario, "replications": a.replications,
                           "base": base_label, "table": table, "problems": problems,
                           "runs": {f"{k[0]}_t{k[1]}": v for k, v in runs.items()}}, f, indent=1)
        return 1 if problems and not a.allow_different else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
