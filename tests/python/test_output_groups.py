"""`[output] district_clusters = false` (and `icsim run --no-district-clusters`) from the outside,
on a two-replication run of the Ningbo baseline (firm model on): the /district_clusters group is
absent and every other dataset and attribute of the file is identical to the run with it (apart
from the resolved scenario text, which records the switch, and created_utc); the targets on it
(T32, T33) are still judged, with the same values; `explain` refuses to show their series and
`merge` refuses shards without the group, each with exit status 2 and a message naming it."""
import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

SCENARIO = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
N = 2


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("output_groups")
    paths = {"with": d / "with.h5", "flag": d / "flag.h5", "key": d / "key.h5"}
    run("run", SCENARIO, "-n", N, "-o", paths["with"], "--quiet")
    run("run", SCENARIO, "-n", N, "-o", paths["flag"], "--quiet", "--no-district-clusters")
    run("run", SCENARIO, "-n", N, "-o", paths["key"], "--quiet",
        "--set", "output.district_clusters=false")
    return paths


def contents(path):
    """Every dataset (values) and attribute of the file, by name, apart from the root `scenario`
    text, created_utc and the bookkeeping of dimensions (references and the netCDF dimension
    ids, numbered over the file's dimensions: fewer dimensions, other numbers)."""
    out = {}
    with h5py.File(path) as h5:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                if k not in ("created_utc", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid"):
                    out[f"{name}@{k}"] = v
            if isinstance(obj, h5py.Dataset) and name != "scenario":
                out[name] = obj[()]
        for k, v in h5.attrs.items():
            if k != "created_utc":
                out[f"/@{k}"] = v
        h5.visititems(visit)
    return out


def same(a, b):
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(np.asarray(a), np.asarray(b))


def test_the_group_is_left_out_and_nothing_else_changes(runs):
    full = contents(runs["with"])
    for key in ("flag", "key"):
        without = contents(runs[key])
        expected = {k: v for k, v in full.items() if not k.startswith("district_clusters")}
        assert any(k.startswith("district_clusters/") for k in full)
        assert set(without) == set(expected), key
        for k, v in expected.items():
            assert same(without[k], v), (key, k)
    with h5py.File(runs["flag"]) as h5:
        assert "district_clusters" not in h5
        assert "district_clusters = false" in h5["scenario"][()].decode()


def test_its_targets_are_still_judged(runs):
    with h5py.File(runs["with"]) as a, h5py.File(runs["flag"]) as b:
        ids = [x.decode() for x in a["targets/target"][()]]
        assert "T32" in ids and "T33" in ids
        assert np.array_equal(a["targets/value"][()], b["targets/value"][()], equal_nan=True)
        k = ids.index("T32")
        # The judged value is the sum over Zhenhai's 122 clusters of the group the file left out.
        dc = a["district_clusters/output"][0]  # (replication, year, district, cluster)
        years = list(a["district_clusters/year"][()])
        d = [x.decode() for x in a["district_clusters/district"][()]].index("zhenhai")
        cs = [i for i, c in enumerate(a["district_clusters/cluster"][()])
              if c.decode().startswith("zhenhai-122/")]
        expected = dc[:, years.index(2024), d, cs].sum(axis=1)
        assert np.allclose(b["targets/value"][0, :, k], expected, rtol=1e-12)


def test_explain_refuses_the_series_it_lacks(runs):
    proc = run("explain", runs["flag"], "T32", check=False)
    assert proc.returncode == 2
    assert "T32" in proc.stderr and "district_clusters" in proc.stderr
    out = run("explain", runs["flag"]).stdout
    assert "T33: its series is not in the file" in out
    assert "T28" in out  # the other targets are explained as before


def test_merge_refuses_shards_without_the_group(tmp_path):
    shards = [tmp_path / f"s{i}.h5" for i in (1, 2)]
    for i, path in enumerate(shards, start=1):
        run("run", SCENARIO, "-n", N, "--shard", f"{i}/2", "-o", path, "--quiet",
            "--no-district-clusters")
    proc = run("merge", *shards, "-o", tmp_path / "all.h5", check=False)
    assert proc.returncode == 2
    # the first target on the group (T29, then T32 in file order) is named
    assert "no /district_clusters group" in proc.stderr and "T29" in proc.stderr
    assert not (tmp_path / "all.h5").exists()
