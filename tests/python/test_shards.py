"""`icsim run --shard I/N` and `icsim merge`: shards of a run merged give the file a single
process writes (every dataset and attribute equal but the provenance attributes created_utc,
threads and processes); overlapping, missing and foreign shards are refused with exit 2."""
import os

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
NO_FIRMS = ["--set", "firms.enabled=false"]
PROVENANCE = {"created_utc", "threads", "processes"}


def collect(path):
    """{object name: (kind, attributes, value)} for every group and dataset of a file."""
    objects = {}

    def attrs(obj):
        # dimension-scale bookkeeping holds object references, compared through the names
        out = {}
        for k, v in obj.attrs.items():
            if k in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue
            out[k] = v
        return out

    with h5py.File(path, "r") as f:
        objects["/"] = ("group", attrs(f), None)

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                dims = [[s.name for s in d.values()] for d in obj.dims] if obj.ndim else []
                objects[name] = ("dataset", attrs(obj), (obj[()], obj.dtype, dims))
            else:
                objects[name] = ("group", attrs(obj), None)

        f.visititems(visit)
    return objects


def equal_values(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def assert_same_file(single, merged):
    a, b = collect(single), collect(merged)
    assert list(a) == list(b)  # same objects in the same (creation) order
    for name in a:
        kind_a, attrs_a, value_a = a[name]
        kind_b, attrs_b, value_b = b[name]
        assert kind_a == kind_b, name
        keys = [k for k in attrs_a if not (name == "/" and k in PROVENANCE)]
        assert keys == [k for k in attrs_b if not (name == "/" and k in PROVENANCE)], name
        for k in keys:
            assert equal_values(attrs_a[k], attrs_b[k]), f"{name} attribute {k}"
        if kind_a == "dataset":
            (va, dta, dims_a), (vb, dtb, dims_b) = value_a, value_b
            assert dta == dtb, name
            assert dims_a == dims_b, name
            assert equal_values(va, vb), name


def shard_files(tmp_path, n, count, extra=()):
    paths = []
    for i in range(1, count + 1):
        out = tmp_path / f"shard_{i}.h5"
        run("run", BASELINE, *extra, "-n", n, "--threads", "2", "--shard", f"{i}/{count}",
            "-o", out, "-q")
        paths.append(out)
    return paths


@pytest.fixture(scope="module")
def no_firms(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shards")
    single = tmp / "single.h5"
    run("run", BASELINE, *NO_FIRMS, "-n", 12, "--threads", "2", "-o", single, "-q")
    shards = shard_files(tmp, 12, 3, NO_FIRMS)
    return tmp, single, shards


def test_shard_files_hold_their_slice(no_firms):
    _, _, shards = no_firms
    firsts = []
    for i, path in enumerate(shards, start=1):
        with h5py.File(path, "r") as f:
            assert int(f.attrs["shard"]) == i and int(f.attrs["shard_count"]) == 3
            first, count = int(f.attrs["shard_first_replication"]), int(f.attrs["shard_replications"])
            assert count == 4
            firsts.append(first)
            assert list(f["sectors/replication"][()]) == list(range(first, first + count))
            assert list(f["targets/replication"][()]) == list(range(first, first + count))
            assert "shard" in f["targets"].attrs["summary_over"]
    assert firsts == [0, 4, 8]


def test_shard_arrays_equal_the_single_run_slice(no_firms):
    _, single, shards = no_firms
    with h5py.File(single, "r") as s, h5py.File(shards[1], "r") as f:
        np.testing.assert_array_equal(f["sectors/output"][()], s["sectors/output"][:, 4:8])
        np.testing.assert_array_equal(f["targets/value"][()], s["targets/value"][:, 4:8])


def test_merge_equals_single_run(no_firms):
    tmp, single, shards = no_firms
    merged = tmp / "merged.h5"
    # any order on the command line
    proc = run("merge", shards[2], shards[0], shards[1], "-o", merged)
    assert "3 shards" in proc.stdout
    assert_same_file(single, merged)
    with h5py.File(merged, "r") as f:
        assert int(f.attrs["processes"]) == 3
        assert "shard" not in f.attrs


def test_uneven_shards(tmp_path):
    single = tmp_path / "single.h5"
    run("run", BASELINE, *NO_FIRMS, "-n", 7, "-o", single, "-q")
    shards = shard_files(tmp_path, 7, 3, NO_FIRMS)
    counts = [int(h5py.File(p, "r").attrs["shard_replications"]) for p in shards]
    assert counts == [3, 2, 2]
    merged = tmp_path / "merged.h5"
    run("merge", *shards, "-o", merged, "-q")
    assert_same_file(single, merged)


def test_merge_with_firm_model(tmp_path):
    single = tmp_path / "single.h5"
    run("run", BASELINE, "-n", 4, "--threads", "2", "-o", single, "-q")
    shards = shard_files(tmp_path, 4, 2)
    merged = tmp_path / "merged.h5"
    run("merge", *shards, "-o", merged, "-q")
    with h5py.File(merged, "r") as f:
        assert "districts" in f
    assert_same_file(single, merged)


def test_overlapping_shards_are_refused(no_firms):
    tmp, _, shards = no_firms
    other = tmp / "half.h5"
    run("run", BASELINE, *NO_FIRMS, "-n", 12, "--shard", "1/2", "-o", other, "-q")
    proc = run("merge", *shards, other, "-o", tmp / "bad.h5", check=False)
    assert proc.returncode == 2
    assert "more than once" in proc.stderr and "0-5" in proc.stderr
    assert not (tmp / "bad.h5").exists()


def test_missing_shard_is_refused(no_firms):
    tmp, _, shards = no_firms
    proc = run("merge", shards[0], shards[2], "-o", tmp / "bad.h5", check=False)
    assert proc.returncode == 2
    assert "missing replications 4-7" in proc.stderr
    assert not (tmp / "bad.h5").exists()


def test_shards_of_different_scenarios_are_refused(no_firms, tmp_path):
    _, _, shards = no_firms
    other = tmp_path / "other.h5"
    run("run", BASELINE, *NO_FIRMS, "--set", "growth.final_demand.exports=0.0", "-n", 12,
        "--shard", "2/3", "-o", other, "-q")
    proc = run("merge", shards[0], other, shards[2], "-o", tmp_path / "bad.h5", check=False)
    assert proc.returncode == 2
    assert str(other) in proc.stderr and "scenario differs" in proc.stderr
    seeded = tmp_path / "seeded.h5"
    run("run", BASELINE, *NO_FIRMS, "--seed", 99, "-n", 12, "--shard", "2/3", "-o", seeded, "-q")
    proc = run("merge", shards[0], seeded, shards[2], "-o", tmp_path / "bad.h5", check=False)
    assert proc.returncode == 2 and str(seeded) in proc.stderr


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1/0", "x/3", "2", "13/13"])
def test_bad_shard_arguments(tmp_path, shard):
    proc = run("run", BASELINE, *NO_FIRMS, "-n", 12, "--shard", shard, "-o", tmp_path / "s.h5",
               check=False)
    assert proc.returncode == 2 and "--shard" in proc.stderr
    assert not (tmp_path / "s.h5").exists()


def test_shard_auto_reads_slurm(tmp_path):
    import subprocess
    from icsim_testing import icsim_bin
    env = dict(os.environ, SLURM_ARRAY_TASK_ID="3", SLURM_ARRAY_TASK_COUNT="3",
               SLURM_ARRAY_TASK_MIN="1")
    out = tmp_path / "auto.h5"
    subprocess.run([icsim_bin(), "run", str(BASELINE), *NO_FIRMS, "-n", "12", "--shard", "auto",
                    "-o", str(out), "-q"], env=env, check=True)
    with h5py.File(out, "r") as f:
        assert int(f.attrs["shard"]) == 3 and int(f.attrs["shard_first_replication"]) == 8
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    proc = subprocess.run([icsim_bin(), "run", str(BASELINE), *NO_FIRMS, "-n", "12", "--shard",
                           "auto", "-o", str(out)], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "SLURM_ARRAY_TASK_ID" in proc.stderr


def test_merge_recomputes_the_backtest(tmp_path):
    backtest = SOURCE_DIR / "scenarios" / "ningbo" / "backtest_2017.toml"
    single = tmp_path / "single.h5"
    run("run", backtest, "-n", 6, "-o", single, "-q")
    shards = []
    for i in (1, 2):
        shards.append(tmp_path / f"b{i}.h5")
        run("run", backtest, "-n", 6, "--shard", f"{i}/2", "-o", shards[-1], "-q")
    with h5py.File(shards[0], "r") as f:
        assert "shard 1/2" in f["backtest"].attrs["summary_over"]
    merged = tmp_path / "merged.h5"
    run("merge", *shards, "-o", merged, "-q")
    assert_same_file(single, merged)
