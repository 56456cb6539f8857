"""icsim under a real Slurm: a private single-node cluster (tests/python/slurm_cluster.py:
munged, slurmctld and slurmd on localhost, everything under a pytest tmp dir) runs

- an array job of `icsim run --shard auto` whose shards `icsim merge` joins into the file a
  single process writes (every dataset equal, root attributes equal but the provenance);
- an array job of `icsim sweep --shard auto`, merged, equal to the one-process sweep;
- plain jobs, whose end state the cluster reports (COMPLETED, or FAILED with the exit code);
- tools/hpc/sweep-array.sbatch (its `icsim run` variant): shards plus the dependent merge job,
  and one shard submitted again by hand;
- tools/hpc/sweep-mpi.sbatch with one rank (sbatch + srun), and both templates' #SBATCH lines.

Any icsim command line runs as an array job with `icsim_array`, e.g. for a sweep:

    icsim_array(slurm, ["sweep", SWEEP, "-n", 12, "--shard", "auto", "-o", "shard_{task}.h5"],
                SHARDS, tmp_path)
    run("merge", *sorted(tmp_path.glob("shard_*.h5")), "-o", tmp_path / "merged.h5")

Skipped without slurm-wlm/munge, except when CI is set (there it fails). No test waits more than
TIME_LIMIT seconds; the daemons are stopped (and checked gone) whatever happens.
"""
import contextlib
import re
import signal
import subprocess
import time

import h5py
import pytest

from icsim_testing import SOURCE_DIR, icsim_bin, run
from slurm_cluster import assert_jobs_ok, icsim_array, slurm_cluster_fixture
from test_shards import assert_same_file

BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
NO_FIRMS = ["--set", "firms.enabled=false"]
REPLICATIONS = 12
SHARDS = 3
TIME_LIMIT = 120


@contextlib.contextmanager
def deadline(seconds=TIME_LIMIT):
    """Raises TimeoutError in the test after `seconds` instead of hanging."""
    def expired(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def time_limit():
    """Fails a test (the module fixture then stops the cluster) after TIME_LIMIT seconds."""
    with deadline():
        yield


@pytest.fixture(scope="module")
def slurm(tmp_path_factory, request):
    yield from slurm_cluster_fixture(tmp_path_factory, request)


@pytest.fixture(scope="module")
def single_run(tmp_path_factory):
    """The reference: one process, all replications."""
    path = tmp_path_factory.mktemp("single") / "single.h5"
    with deadline():
        run("run", BASELINE, *NO_FIRMS, "-n", REPLICATIONS, "--threads", 1, "-o", path, "-q")
    return path


def test_array_job_shards_merge_to_the_single_run(slurm, single_run, tmp_path):
    started = time.monotonic()
    records = icsim_array(
        slurm, ["run", BASELINE, *NO_FIRMS, "-n", REPLICATIONS, "--threads", 1, "--quiet",
                "--shard", "auto", "-o", "shard_{task}.h5"], SHARDS, tmp_path)
    print(f"array of {SHARDS} shards ran in {time.monotonic() - started:.1f} s")
    assert [r.task_id for r in records] == [str(i) for i in range(1, SHARDS + 1)]
    shards = [tmp_path / f"shard_{i}.h5" for i in range(1, SHARDS + 1)]
    for i, path in enumerate(shards, start=1):
        with h5py.File(path, "r") as f:  # --shard auto read Slurm's own array variables
            assert int(f.attrs["shard"]) == i and int(f.attrs["shard_count"]) == SHARDS
            assert int(f.attrs["shard_replications"]) == REPLICATIONS // SHARDS
    merged = tmp_path / "merged.h5"
    run("merge", *sorted(tmp_path.glob("shard_*.h5")), "-o", merged, "-q")
    assert_same_file(single_run, merged)
    with h5py.File(merged, "r") as f:
        assert int(f.attrs["processes"]) == SHARDS
        assert int(f.attrs["replications"]) == REPLICATIONS


def test_array_sweep_end_to_end(slurm, tmp_path):
    """The sweep of a real study as an array job: `icsim sweep --shard auto` on every task, the
    shards merged, equal to the sweep one process runs (every point, every replication)."""
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(f'extends = "{BASELINE}"\n[sweep]\nmethod = "grid"\n'
                     '[[sweep.parameter]]\nkey = "programme.shuangbai.investment"\n'
                     'values = [570, 855, 1140]\n', encoding="utf-8")
    single = tmp_path / "single.h5"
    run("sweep", sweep, *NO_FIRMS, "-n", REPLICATIONS, "--threads", 1, "-o", single, "-q")
    shard_dir = tmp_path / "shards"
    shard_dir.mkdir()
    icsim_array(slurm, ["sweep", sweep, *NO_FIRMS, "-n", REPLICATIONS, "--threads", 1,
                        "--quiet", "--shard", "auto", "-o", "shard_{task}.h5"], SHARDS, shard_dir)
    shards = sorted(shard_dir.glob("shard_*.h5"))
    assert len(shards) == SHARDS
    assert not list(shard_dir.glob("*.parts"))  # each shard assembled its blocks and cleaned up
    merged = tmp_path / "merged.h5"
    run("merge", *shards, "-o", merged, "-q")
    assert_same_file(single, merged)
    with h5py.File(merged, "r") as f:
        assert f["sweep/parameter_value"][:, 0].tolist() == [570, 855, 1140]


def test_jobs_complete_and_failures_are_reported(slurm, tmp_path):
    # sbatch --wait: exit status of the job
    script = tmp_path / "ok.sh"
    script.write_text("#!/bin/bash\nset -eu\necho \"$SLURM_JOB_ID on $SLURMD_NODENAME\" > ok.txt\n"
                      f"{icsim_bin()} --help > /dev/null\n")
    proc = slurm.client("sbatch", "--parsable", "--wait", f"--chdir={tmp_path}",
                        "--output=ok.out", script, check=False, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr + (tmp_path / "ok.out").read_text()
    job = proc.stdout.strip().split(";")[0]
    records = slurm.wait(job)
    assert [(r.state, r.exit_code) for r in records] == [("COMPLETED", "0:0")]
    assert (tmp_path / "ok.txt").read_text().split() == [job, "on", slurm.node]
    # a failing job: FAILED with its exit status, not silently COMPLETED
    job = slurm.submit("#!/bin/bash\nexit 3\n", "--output=fail.out", workdir=tmp_path)
    records = slurm.wait(job)
    assert [(r.state, r.exit_code) for r in records] == [("FAILED", "3:0")]
    with pytest.raises(AssertionError, match="FAILED"):
        assert_jobs_ok(records, tmp_path)


def test_sweep_array_template_run_variant(slurm, single_run, tmp_path):
    """tools/hpc/sweep-array.sbatch, used as documented (settings in the environment, run with
    bash on the 'login node'): array of `icsim run --shard auto` + the dependent merge job."""
    template = SOURCE_DIR / "tools" / "hpc" / "sweep-array.sbatch"
    out = tmp_path / "results" / "baseline.h5"
    env = slurm.env({"ICSIM": icsim_bin(), "COMMAND": "run", "SCENARIO": BASELINE, "OUT": out,
                     "SHARDS": SHARDS,
                     # the private node has 2 CPUs and 1000 MB
                     "SBATCH_ARGS": "--cpus-per-task=1 --mem-per-cpu=200M"})
    started = time.monotonic()
    proc = subprocess.run(["bash", str(template), "-n", str(REPLICATIONS), *NO_FIRMS],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shards_job = re.search(rf"^shards: job (\d+) \(array 1-{SHARDS}, icsim run\)", proc.stdout,
                           re.M)
    merge_job = re.search(r"^merge:  job (\d+) ", proc.stdout, re.M)
    assert shards_job and merge_job, proc.stdout
    assert_jobs_ok(slurm.wait(shards_job.group(1), tasks=SHARDS), tmp_path)
    merge = slurm.wait(merge_job.group(1))
    logs = "".join(f"--- {p}\n{p.read_text()}" for p in sorted(tmp_path.glob("icsim-*.log")))
    assert [(r.state, r.exit_code) for r in merge] == [("COMPLETED", "0:0")], logs
    print(f"template: {SHARDS} shards + merge in {time.monotonic() - started:.1f} s")
    shard_dir = tmp_path / "results" / "baseline.shards"
    assert sorted(p.name for p in shard_dir.iterdir()) == [f"shard_{i}.h5" for i in (1, 2, 3)]
    assert_same_file(single_run, out)
    # --progress: each shard's log (stderr) has a progress line although it is no terminal
    for i in range(1, SHARDS + 1):
        log = next(tmp_path.glob(f"icsim-icsim-shard-*_{i}.log")).read_text()
        assert f"replications {REPLICATIONS // SHARDS}/{REPLICATIONS // SHARDS}" in log, log
    # docs/hpc.md, "Resuming, and when a shard fails": one task again by hand, with SHARD_COUNT
    (shard_dir / "shard_2.h5").unlink()
    job = slurm.submit(template, "--array=2", "--cpus-per-task=1", "--mem-per-cpu=200M",
                       workdir=tmp_path, args=["-n", REPLICATIONS, *NO_FIRMS],
                       env={"ICSIM": icsim_bin(), "COMMAND": "run", "SCENARIO": BASELINE,
                            "OUT": out, "SHARD_COUNT": SHARDS})
    assert_jobs_ok(slurm.wait(job), tmp_path)
    with h5py.File(shard_dir / "shard_2.h5", "r") as f:
        assert int(f.attrs["shard"]) == 2 and int(f.attrs["shard_count"]) == SHARDS
    again = tmp_path / "again.h5"
    run("merge", *sorted(shard_dir.glob("shard_*.h5")), "-o", again, "-q")
    assert_same_file(single_run, again)


def test_mpi_template_one_rank_run_variant(slurm, single_run, tmp_path):
    """tools/hpc/sweep-mpi.sbatch through sbatch and srun, one rank x 2 threads (icsim run
    needs no MPI): the file equals the single run; threads come from --cpus-per-task."""
    template = SOURCE_DIR / "tools" / "hpc" / "sweep-mpi.sbatch"
    out = tmp_path / "results" / "mpi.h5"
    env = {"ICSIM": icsim_bin(), "COMMAND": "run", "SCENARIO": BASELINE, "OUT": out}
    job = slurm.submit(template, "--nodes=1", "--ntasks=1", "--cpus-per-task=2",
                       "--mem-per-cpu=200M", "--output=mpi.log", workdir=tmp_path, env=env,
                       args=["-n", REPLICATIONS, *NO_FIRMS])
    records = slurm.wait(job)
    log = (tmp_path / "mpi.log").read_text()
    assert [(r.state, r.exit_code) for r in records] == [("COMPLETED", "0:0")], log
    assert "1 ranks x 2 threads" in log, log
    assert_same_file(single_run, out)
    with h5py.File(out, "r") as f:
        assert int(f.attrs["threads"]) == 2


@pytest.mark.parametrize("template", ["sweep-array.sbatch", "sweep-mpi.sbatch"])
def test_templates_are_valid_batch_scripts(slurm, template, tmp_path):
    path = SOURCE_DIR / "tools" / "hpc" / template
    subprocess.run(["bash", "-n", str(path)], check=True, timeout=10)
    # the #SBATCH lines parse and, resources scaled to this node, the job could run
    proc = slurm.client("sbatch", "--test-only", "--nodes=1", "--ntasks=1", "--cpus-per-task=1",
                        "--mem-per-cpu=100M", path, env={"SCENARIO": "s.toml", "OUT": "o.h5"},
                        cwd=tmp_path, check=False)
    assert proc.returncode == 0 and "to start at" in proc.stderr, proc.stderr
