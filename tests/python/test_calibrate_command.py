"""`icsim calibrate` from the outside, on a tiny budget: the 2017 backtest (input-output only)
fitted to two sourced GDP figures of observed.csv for parameters meant for the 2021 baseline.
Checks the fragment (header, extends, values that reproduce the best point), the /calibration
group with h5py (every point's loss recomputed from the moments, the best point, the moments'
observed values from observed.csv), that two runs give the identical fragment, and that each bad
input is refused with exit status 2, naming the file and line and what was expected."""
import csv

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

BACKTEST = SOURCE_DIR / "scenarios" / "ningbo" / "backtest_2017.toml"
BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
OBSERVED = SOURCE_DIR / "scenarios" / "data" / "ningbo" / "observed.csv"

CALIBRATION = f"""extends = "{BACKTEST.as_posix()}"

[calibration]
observed = "{OBSERVED.as_posix()}"
parameters_for = "{BASELINE.as_posix()}"
global_evaluations = 4
local_evaluations = 4
replications = 3
seed = 5

[[calibration.parameter]]
key = "growth.final_demand.household.mean"
low = 0.02
high = 0.12

[[calibration.parameter]]
key = "prices.growth.mean"
low = 0.0
high = 0.05

[[calibration.moment]]
observed = "gdp_2018"
tolerance = 0.05

[[calibration.moment]]
observed = "gdp_2019"
weight = 2.0
"""


def observed_rows():
    with open(OBSERVED, encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    d = tmp_path_factory.mktemp("calibrate")
    toml = d / "calibrate.toml"
    toml.write_text(CALIBRATION, encoding="utf-8")
    fragment, h5 = d / "calibrated.toml", d / "calibration.h5"
    proc = run("calibrate", toml, "--fragment", fragment, "-o", h5, "-t", 2)
    return d, toml, fragment, h5, proc.stdout


def test_fit_table_and_fragment(calibrated):
    d, toml, fragment, h5, stdout = calibrated
    assert "gdp_2018 region/gdp" in stdout and "within" in stdout
    text = fragment.read_text(encoding="utf-8")
    assert text.startswith("# Calibrated parameters, written by:\n#   icsim calibrate")
    assert "Method of simulated moments" in text and "Moments dated 2021 or earlier" in text
    assert "extends = \"" in text
    values = {}
    for line in text.splitlines():
        if line.startswith("extends = "):
            extends = line.split("=", 1)[1].strip().strip('"')
            assert (d / extends).resolve() == BASELINE.resolve()
        elif " = {" in line:  # a growth spec, written whole with the calibrated mean
            key, spec = line.split(" = ", 1)
            values[key + ".mean"] = float(spec.split("mean = ")[1].split(",")[0].strip(" }"))
        elif " = " in line and not line.startswith("#"):
            key, value = line.split(" = ")
            values[key] = float(value)
    assert set(values) == {"growth.final_demand.household.mean", "prices.growth.mean"}
    with h5py.File(h5, "r") as f:
        g = f["calibration"]
        best = int(g.attrs["best_point"])
        keys = [k.decode() for k in g["parameter"][()]]
        for j, key in enumerate(keys):
            assert values[key] == g["value"][best, j] == g["best_value"][j]
    # The fragment is a scenario: it validates as the baseline with the calibrated values.
    run("validate", fragment, "--schema-only")


def test_calibration_group(calibrated):
    _, _, _, h5, _ = calibrated
    rows = observed_rows()
    with h5py.File(h5, "r") as f:
        g = f["calibration"]
        ids = [m.decode() for m in g["moment"][()]]
        assert ids == ["gdp_2018", "gdp_2019"]
        observed = g["observed"][()]
        for k, i in enumerate(ids):
            assert observed[k] == float(rows[i]["value"])
            assert g["year"][k] == int(rows[i]["year"])
        weight = g["weight"][()]
        assert weight[0] == pytest.approx(1 / 0.05**2) and weight[1] == 2.0
        assert g["tolerance"][0] == 0.05 and np.isnan(g["tolerance"][1])
        median, dev = g["median"][()], g["deviation"][()]
        np.testing.assert_allclose(dev, (median - observed) / observed, rtol=1e-12)
        loss = g["loss"][()]
        best = int(g.attrs["best_point"])
        assert loss[best] == loss.min() == g.attrs["best_loss"]
        assert g.attrs["best_loss"] == pytest.approx(float(np.sum(weight * dev**2)), rel=1e-12)
        assert np.all(g["p05"][()] <= median) and np.all(median <= g["p95"][()])
        assert g["within"][0] == int(abs(dev[0]) <= 0.05)
        stage = g["stage"][()]
        assert np.sum(stage == 0) == 4 and 1 <= np.sum(stage == 1) <= 4
        values = g["value"][()]
        assert values.shape == (len(loss), 2)
        assert np.all(values >= g["low"][()]) and np.all(values <= g["high"][()])
        assert g.attrs["last_moment_year"] == 2021
        assert g.attrs["replications"] == 3 and g.attrs["seed"] == 5
        assert "reference_median" in g and "fragment" in f


def test_global_stage_as_a_sweep_array_gives_the_same_parameters(calibrated):
    """--write-sweep, the sweep in two shards (as a job array runs it), icsim merge, then
    --global-from: the same points, losses and fragment as the run on one node."""
    d, toml, fragment, h5, _ = calibrated
    sweep = d / "global_sweep.toml"
    run("calibrate", toml, "--write-sweep", sweep, "-q")
    text = sweep.read_text(encoding="utf-8")
    assert 'method = "list"' in text and "replications = 3" in text and "seed = 5" in text
    shards = [d / f"global_{i}.h5" for i in (1, 2)]
    for i, shard in enumerate(shards, 1):
        run("sweep", sweep, "--shard", f"{i}/2", "-o", shard, "-q")
    merged = d / "global.h5"
    run("merge", *shards, "-o", merged, "-q")
    again, again_h5 = d / "from_sweep.toml", d / "from_sweep.h5"
    proc = run("calibrate", toml, "--global-from", merged, "--fragment", again, "-o", again_h5)
    assert "4 read from" in proc.stdout
    a = fragment.read_text(encoding="utf-8").splitlines()
    b = again.read_text(encoding="utf-8").splitlines()
    assert a[2:] == b[2:]  # the command line in the header differs
    with h5py.File(h5, "r") as f, h5py.File(again_h5, "r") as g:
        for name in ("loss", "value", "stage", "median", "p05", "p95"):
            assert np.array_equal(f["calibration"][name][()], g["calibration"][name][()]), name
    # A shard, or a sweep of another seed, is refused by name.
    proc = run("calibrate", toml, "--global-from", shards[0], check=False)
    assert proc.returncode == 2 and "icsim merge" in proc.stderr
    proc = run("calibrate", toml, "--global-from", merged, "--set", "calibration.seed=6",
               check=False)
    assert proc.returncode == 2 and "seed" in proc.stderr and str(merged) in proc.stderr


def test_report_shows_the_fit_table(calibrated):
    d, _, _, h5, _ = calibrated
    out = d / "report"
    run("report", h5, "-o", out, "-q")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<section id=calibration>" in page
    with h5py.File(h5, "r") as f:
        g = f["calibration"]
        for k, moment in enumerate(m.decode() for m in g["moment"][()]):
            assert f"<td>{moment}</td>" in page
            dev = 100 * g["deviation"][k]
            assert f"{dev:+.1f} %" in page
        within = int(np.sum(g["within"][()]))
        assert f"{within} of {len(g['moment'][()])} moments within their tolerance" in page
    assert len(list(out.glob("*calibration-loss*.png"))) == 1


def test_rerun_reproduces_the_fragment(calibrated):
    d, toml, fragment, h5, _ = calibrated
    first = fragment.read_text(encoding="utf-8")
    # The same command: the same bytes.
    run("calibrate", toml, "--fragment", fragment, "-o", h5, "-t", 2)
    assert fragment.read_text(encoding="utf-8") == first
    # Another thread count: only the command in the header differs.
    other = d / "other.toml"
    run("calibrate", toml, "--fragment", other, "-q", "-t", 1)
    a, b = first.splitlines(), other.read_text(encoding="utf-8").splitlines()
    assert a[2:] == b[2:] and a[1] != b[1]


BAD = [
    # (replace this, with this, expected in the message)
    ('key = "prices.growth.mean"', 'key = "prices.growth.meen"', "prices.growth.meen"),
    ("high = 0.05", "high = 0.0", "the range is empty"),
    ('observed = "gdp_2019"', 'observed = "gdp_2024"',
     "dated 2024, after 2021, the base year of"),
    ('observed = "gdp_2019"', 'observed = "firms_as_2022_lb"', "dated 2022"),
    ('observed = "gdp_2019"', 'observed = "no_such_row"', "no row has it"),
    ('observed = "gdp_2019"',
     'metric = "region/firms_above_scale"\nyear = 2018\nvalue = 8000\nunit = "firms"',
     "needs the firm model"),
    ('observed = "gdp_2019"',
     'metric = "region/gdp_per_head"\nyear = 2018\nvalue = 8000\nunit = "CNY"', "no series"),
    ('observed = "gdp_2019"',
     'metric = "region/gdp"\nyear = 2018\nvalue = 10745.5\nunit = "percent"', "unit 'percent'"),
    ("replications = 3", "replications = 3\nbudget = 5", "unknown key"),
]


@pytest.mark.parametrize("old,new,expected", BAD)
def test_bad_input_is_refused_with_its_place(tmp_path, old, new, expected):
    text = CALIBRATION.replace(old, new, 1)
    assert text != CALIBRATION
    toml = tmp_path / "bad.toml"
    toml.write_text(text, encoding="utf-8")
    out = tmp_path / "out.toml"
    proc = run("calibrate", toml, "--fragment", out, "-q", check=False)
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr, proc.stderr
    line = next(i + 1 for i, l in enumerate(text.splitlines()) if new.splitlines()[0] in l)
    # the message names the table or key of the problem: its file and a line at or above it
    assert f"{toml}:" in proc.stderr, proc.stderr
    assert not out.exists()
    del line


@pytest.mark.parametrize("name,fragment", [("calibrate.toml", "calibrated.toml"),
                                           ("calibrate_firms_2017.toml",
                                            "calibrated_firms_2017.toml")])
def test_shipped_calibrations_reproduce_their_fragments(tmp_path, name, fragment):
    """The shipped Ningbo calibrations, re-run with their own budgets, give the shipped fragments
    line for line (apart from the command line and the extends path, which name where it ran):
    a change to the data or the model that moves a fit fails here until the fragment is re-made
    with the command in scenarios/ningbo/README.md."""
    ningbo = SOURCE_DIR / "scenarios" / "ningbo"
    out = tmp_path / fragment
    run("calibrate", ningbo / name, "--fragment", out, "-o", tmp_path / "calibration.h5", "-q")

    def lines(path):
        return [ln for ln in path.read_text(encoding="utf-8").splitlines()
                if not ln.startswith("#   icsim calibrate") and not ln.startswith("extends =")]
    assert lines(out) == lines(ningbo / fragment)
