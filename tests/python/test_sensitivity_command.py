"""`icsim sensitivity` from the outside, on the Ningbo baseline without the firm model (fast):
a tiny Morris design whose /sensitivity group is read with h5py and whose mu*, mu and sigma are
recomputed with numpy from the design and the outputs; a design point's outputs equal `icsim run`
at that point's values (same seed: common random numbers); a second run gives the same numbers;
a tiny Sobol design; and refusals of bad parameter files, located by file and line."""
import math
import textwrap

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
FAST = ["-n", "12", "--set", "firms.enabled=false", "--threads", "2"]

PARAMETERS = """\
[sensitivity]
method = "morris"
trajectories = 3
levels = 4
seed = 5

[[sensitivity.output]]
metric = "region/industrial_investment"
year = 2023

[[sensitivity.parameter]]
key = "investment.output_per_investment"
low = 1.0
high = 2.0
source = "test range"

[[sensitivity.parameter]]
key = "programme.shuangbai.investment"
low = 300
high = 1200

[[sensitivity.parameter]]
key = "programme.shuangbai.construction_years"
low = 1
high = 4
integer = true
"""


def strings(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def morris(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sensitivity")
    parameters = write(folder / "parameters.toml", PARAMETERS)
    out = folder / "morris.h5"
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "-o", out)
    return out, parameters, proc


def read_group(path):
    with h5py.File(path, "r") as f:
        g = f["sensitivity"]
        data = {name: g[name][()] for name in g}
        data["attrs"] = dict(g.attrs)
        data["sweep_values"] = f["sweep/parameter_value"][()]
        data["target_ids"] = strings(f["targets/target"][()])
        data["probability"] = f["targets/probability"][()]
        data["value_median"] = f["targets/value_median"][()]
    return data


def test_layout_and_terminal_table(morris):
    path, _, proc = morris
    d = read_group(path)
    keys = strings(d["parameter"])
    assert keys == ["investment.output_per_investment", "programme.shuangbai.investment",
                    "programme.shuangbai.construction_years"]
    assert strings(d["parameter_source"]) == ["test range", "", ""]
    assert list(d["parameter_low"]) == [1.0, 300, 1]
    assert list(d["parameter_high"]) == [2.0, 1200, 4]
    P = 3 * (3 + 1)
    assert list(d["point"]) == list(range(P))
    assert d["design_unit"].shape == (P, 3)
    outputs = strings(d["output"])
    ids = d["target_ids"]
    assert outputs == [f"{t} {s}" for t in ids for s in ("P", "median")] + [
        "region/industrial_investment 2023"]
    assert strings(d["output_statistic"])[:2] == ["probability", "median value"]
    assert d["output_value"].shape == (len(outputs), P)
    for name in ["mu_star", "mu", "sigma", "effects"]:
        assert d[name].shape == (len(outputs), 3), name
    assert d["attrs"]["method"] == "morris"
    assert int(d["attrs"]["trajectories"]) == 3 and int(d["attrs"]["levels"]) == 4
    assert float(d["attrs"]["delta"]) == pytest.approx(2 / 3)
    assert int(d["attrs"]["design_seed"]) == 5
    # The design scaled onto the ranges is what the sweep ran (integers rounded).
    low, high = d["parameter_low"], d["parameter_high"]
    scaled = low + d["design_unit"] * (high - low)
    scaled[:, 2] = np.round(scaled[:, 2])
    assert np.allclose(scaled, d["sweep_values"])
    # Outputs are the sweep's own verdicts.
    K = len(ids)
    assert np.array_equal(d["output_value"][0:2 * K:2], d["probability"].T)
    assert np.array_equal(d["output_value"][1:2 * K:2], d["value_median"].T)
    assert "Parameters ranked by Morris mu*" in proc.stdout
    assert "T17 P" in proc.stdout


def test_morris_indices_match_numpy(morris):
    path, _, _ = morris
    d = read_group(path)
    x, y = d["sweep_values"], d["output_value"]
    low, high = d["parameter_low"], d["parameter_high"]
    D = x.shape[1]
    for o in range(y.shape[0]):
        effects = [[] for _ in range(D)]
        for t in range(3):
            for k in range(D):
                a, b = t * (D + 1) + k, t * (D + 1) + k + 1
                moved = np.flatnonzero(d["design_unit"][a] != d["design_unit"][b])
                assert len(moved) == 1
                i = moved[0]
                change = (x[b, i] - x[a, i]) / (high[i] - low[i])
                if change != 0 and np.isfinite(y[o, a]) and np.isfinite(y[o, b]):
                    effects[i].append((y[o, b] - y[o, a]) / change)
        for i in range(D):
            e = np.array(effects[i])
            assert d["effects"][o, i] == len(e)
            assert d["mu_star"][o, i] == pytest.approx(np.mean(np.abs(e)), rel=1e-9, abs=1e-12)
            assert d["mu"][o, i] == pytest.approx(np.mean(e), rel=1e-9, abs=1e-12)
            assert d["sigma"][o, i] == pytest.approx(np.std(e, ddof=1), rel=1e-9, abs=1e-12)


def test_a_design_point_is_icsim_run_at_its_values(morris, tmp_path):
    path, _, _ = morris
    d = read_group(path)
    point = 5
    keys = strings(d["parameter"])
    values = d["sweep_values"][point]
    sets = []
    for k, v in zip(keys, values):
        text = str(int(v)) if k.endswith("construction_years") else repr(float(v))
        sets += ["--set", f"{k}={text}"]
    out = tmp_path / "point.h5"
    run("run", BASELINE, *FAST, *sets, "-o", out, "-q")
    with h5py.File(out, "r") as f:
        p = f["targets/probability"][()].reshape(-1)
        ids = strings(f["targets/target"][()])
    assert ids == d["target_ids"]
    assert np.array_equal(p, d["output_value"][0:2 * len(ids):2, point])


def test_same_numbers_on_a_second_run(morris, tmp_path):
    path, parameters, _ = morris
    again = tmp_path / "again.h5"
    run("sensitivity", BASELINE, "--parameters", parameters, *FAST[:-2], "--threads", "1",
        "-o", again, "-q")
    a, b = read_group(path), read_group(again)
    for name in ["design_unit", "output_value", "mu_star", "mu", "sigma"]:
        assert np.array_equal(a[name], b[name], equal_nan=True), name


def test_sobol_layout_and_intervals(morris, tmp_path):
    _, parameters, _ = morris
    out = tmp_path / "sobol.h5"
    proc = run("sensitivity", BASELINE, "--parameters", parameters, "--method", "sobol",
               "--set", "sensitivity.base_size=10", "--set", "sensitivity.bootstrap=50", *FAST,
               "-o", out)
    assert "total Sobol index ST" in proc.stdout
    d = read_group(out)
    assert d["attrs"]["method"] == "sobol" and d["attrs"]["estimator"] == "saltelli"
    assert int(d["attrs"]["base_size"]) == 10 and int(d["attrs"]["bootstrap"]) == 50
    N = 10
    assert d["design_unit"].shape == ((3 + 2) * N, 3)
    # pick-freeze: block i + 2 is block A with column i from block B
    A, B = d["design_unit"][:N], d["design_unit"][N:2 * N]
    for i in range(3):
        block = d["design_unit"][N * (i + 2):N * (i + 3)]
        expect = A.copy()
        expect[:, i] = B[:, i]
        assert np.array_equal(block, expect)
    O = d["output_value"].shape[0]
    for name in ["first_order", "first_order_low", "first_order_high", "total_order",
                 "total_order_low", "total_order_high"]:
        assert d[name].shape == (O, 3), name
    assert d["output_constant"].shape == (O,)
    for o in range(O):
        if d["output_constant"][o]:
            assert np.all(np.isnan(d["first_order"][o]))
            assert np.ptp(d["output_value"][o]) == 0
        else:  # intervals are NaN where the bootstrap resamples had no variance
            for lo, hi in [("first_order_low", "first_order_high"),
                           ("total_order_low", "total_order_high")]:
                low, high = d[lo][o], d[hi][o]
                assert np.array_equal(np.isnan(low), np.isnan(high))
                assert np.all(low[~np.isnan(low)] <= high[~np.isnan(high)])
    # the outputs that move a lot (the median values) get their intervals
    assert np.isfinite(d["total_order_low"]).any()


@pytest.mark.parametrize("body, expect", [
    ('[sensitivity]\nmethod = "morris"\n[[sensitivity.parameter]]\nkey = "investment.output_per_investment"\nlow = 2.0\n',
     ":3"),
    ('[sensitivity]\nlevels = 3\n[[sensitivity.parameter]]\nkey = "investment.output_per_investment"\nlow = 1.0\nhigh = 2.0\n',
     ":2"),
    ('[sensitivity]\nmethod = "fast"\n[[sensitivity.parameter]]\nkey = "investment.output_per_investment"\nlow = 1.0\nhigh = 2.0\n',
     ":2"),
    ('[sensitivity]\n[[sensitivity.parameter]]\nkey = "investment.no_such_key"\nlow = 1.0\nhigh = 2.0\n',
     ":2"),
    ('[sensitivity]\n[[sensitivity.parameter]]\nkey = "firms.land_sigma"\nlow = -1.0\nhigh = 2.0\n',
     ":2"),
    ('[sensitivity]\ntrajectorys = 4\n[[sensitivity.parameter]]\nkey = "firms.land_sigma"\nlow = 0.1\nhigh = 2.0\n',
     ":2"),
    ('[sensitivity]\n[[sensitivity.output]]\nmetric = "region/gdp"\n[[sensitivity.parameter]]\nkey = "firms.land_sigma"\nlow = 0.1\nhigh = 2.0\n',
     ":2"),
])
def test_bad_parameter_files_are_refused_with_their_line(tmp_path, body, expect):
    parameters = write(tmp_path / "bad.toml", body)
    out = tmp_path / "bad.h5"
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "-o", out, check=False)
    assert proc.returncode == 2, proc.stderr
    assert f"bad.toml{expect}" in proc.stderr, proc.stderr
    assert not out.exists()


def test_missing_parameters_and_shards_are_refused(tmp_path):
    proc = run("sensitivity", BASELINE, *FAST, check=False)
    assert proc.returncode == 2 and "--parameters" in proc.stderr
    parameters = write(tmp_path / "p.toml", PARAMETERS)
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "--shard", "1/2",
               "-o", tmp_path / "s.h5", check=False)
    assert proc.returncode == 2 and "MPI" in proc.stderr


def test_an_output_year_outside_the_projection_is_refused(tmp_path):
    parameters = write(tmp_path / "p.toml", PARAMETERS.replace("year = 2023", "year = 2040"))
    out = tmp_path / "o.h5"
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "-o", out,
               check=False)
    assert proc.returncode == 2, proc.stderr
    assert "p.toml:7" in proc.stderr and "2040" in proc.stderr
    assert not out.exists()


def test_report_draws_a_tornado_chart_per_output(morris, tmp_path):
    path, _, _ = morris
    out = tmp_path / "report"
    run("report", path, "-o", out)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<section id=sensitivity>" in page
    assert "<section id=sweep>" not in page  # design points are not drawn as a sweep
    charts = sorted(p.name for p in out.glob("*sensitivity-*.png"))
    assert any(name.endswith("sensitivity-T17_P.png") for name in charts)
    assert any(name.endswith("sensitivity-region_industrial_investment_2023.png")
               for name in charts), charts


def test_design_as_a_sweep_array_gives_the_same_indices(morris, tmp_path):
    """--write-sweep, the sweep in two shards (as a job array runs it), icsim merge, then --from:
    the same design, outputs and indices as the run in one process group."""
    path, parameters, _ = morris
    sweep = tmp_path / "design.toml"
    run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "--write-sweep", sweep, "-q")
    text = sweep.read_text(encoding="utf-8")
    assert 'method = "list"' in text and "replications = 12" in text
    shards = [tmp_path / f"design_{i}.h5" for i in (1, 2)]
    for i, shard in enumerate(shards, 1):
        run("sweep", sweep, "--set", "firms.enabled=false", "--shard", f"{i}/2", "-o", shard,
            "-q")
    merged = tmp_path / "design.h5"
    run("merge", *shards, "-o", merged, "-q")
    out = tmp_path / "from_sweep.h5"
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "--from", merged,
               "-o", out)
    assert "design points read from" in proc.stdout
    with h5py.File(path, "r") as a, h5py.File(out, "r") as b:
        ga, gb = a["sensitivity"], b["sensitivity"]
        for name in ("output", "parameter", "design_unit", "output_value", "mu_star", "mu",
                     "sigma", "effects"):
            assert np.array_equal(ga[name][()], gb[name][()]), name
        assert np.array_equal(a["sweep/parameter_value"][()], b["sweep/parameter_value"][()])
    # A shard, or a design of another seed, is refused by name.
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "--from", shards[0],
               check=False)
    assert proc.returncode == 2 and "icsim merge" in proc.stderr
    proc = run("sensitivity", BASELINE, "--parameters", parameters, *FAST, "--from", merged,
               "--set", "sensitivity.seed=6", check=False)
    assert proc.returncode == 2 and "points are not the design's" in proc.stderr
