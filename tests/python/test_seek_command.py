"""`icsim seek` from the outside: a real bisection on the Ningbo baseline (programme investment
against the +30 % industrial investment target of 2022), its file read with h5py, every step's
probability equal to `icsim run` at the same lever value and seed (common random numbers), the
answer meeting the goal and the value one tolerance below missing it, and the input errors."""
import math

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
REPS = "40"
FAST = ["-n", REPS, "--set", "firms.enabled=false", "--threads", "2"]
LEVER = "programme.shuangbai.investment"
TARGET = "T17"  # 力争年度工业投资增长30% (2022)
OTHER = "N361-2025-output-2027"
GOAL = 0.8


def strings(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def run_probability(tmp_path, lever, value, target, *extra):
    """P(target) from `icsim run --set LEVER=VALUE` with the seek's settings."""
    out = tmp_path / f"run_{value!r}.h5"
    run("run", BASELINE, *FAST, *extra, "--set", f"{lever}={value!r}", "-o", out, "-q")
    with h5py.File(out, "r") as f:
        ids = strings(f["targets/target"][:])
        p = np.asarray(f["targets/probability"][...]).reshape(-1, len(ids))[0]
        return float(p[ids.index(target)])


@pytest.fixture(scope="module")
def sought(tmp_path_factory):
    out = tmp_path_factory.mktemp("seek") / "seek.h5"
    proc = run("seek", BASELINE, "--lever", LEVER, "--range", "570:3000", "--target", TARGET,
               "--target", OTHER, "--probability", str(GOAL), *FAST, "-o", out)
    return out, proc


def test_file_layout(sought):
    path, _ = sought
    with h5py.File(path, "r") as f:
        for attr in ["icsim_version", "git_commit", "scenario_name", "created_utc", "seed",
                     "replications", "threads", "processes", "units_money"]:
            assert attr in f.attrs, attr
        assert int(f.attrs["replications"]) == int(REPS)
        scenario = f["scenario"][()].decode()
        assert "[scenario]" in scenario and "replications = 40" in scenario
        # the resolved scenario without the lever: the programme keeps its file value
        assert "investment = 570.0" in scenario

        g = f["seek"]
        assert g.attrs["lever"] == LEVER
        assert g.attrs["direction"] == "smallest"
        assert float(g.attrs["probability_goal"]) == GOAL
        assert float(g.attrs["tolerance"]) == pytest.approx(0.01 * (3000 - 570))
        steps = g["step"][:]
        assert steps.dtype.kind == "i" and list(steps) == list(range(len(steps)))
        assert strings(g["target"][:]) == [TARGET, OTHER]
        S = len(steps)
        assert g["lever_value"].shape == (S,)
        assert g["lever_value"].dims[0][0].name == "/seek/step"
        for name in ["probability", "probability_low", "probability_high"]:
            assert g[name].shape == (S, 2), name
            assert g[name].dims[0][0].name == "/seek/step"
            assert g[name].dims[1][0].name == "/seek/target"
        for name in ["answer", "bracket_low", "bracket_high", "status"]:
            assert g[name].shape == (2,), name
            assert g[name].dims[0][0].name == "/seek/target"
        lever = g["lever_value"][:]
        assert lever[0] == 570 and lever[1] == 3000  # the ends first
        assert len(set(lever)) == S  # each value evaluated once
        p, lo, hi = g["probability"][:], g["probability_low"][:], g["probability_high"][:]
        assert np.all((lo <= p) & (p <= hi))
        for k in range(2):  # Wilson 95 % interval of successes out of REPS
            for s in range(S):
                n, x = int(REPS), round(p[s, k] * int(REPS))
                z = 1.959963984540054
                c = (x / n + z * z / (2 * n)) / (1 + z * z / n)
                h = z * math.sqrt(x / n * (1 - x / n) / n + z * z / (4 * n * n)) / (1 + z * z / n)
                assert lo[s, k] == pytest.approx(0 if x == 0 else max(0, c - h), abs=1e-12)
                assert hi[s, k] == pytest.approx(1 if x == n else min(1, c + h), abs=1e-12)
        status = strings(g["status"][:])
        assert status[0] == "found"
        assert set(status) <= {"found", "at the low end", "not reached in range"}


def test_answer_meets_the_goal_and_its_bracket_misses_it(sought):
    path, proc = sought
    with h5py.File(path, "r") as f:
        g = f["seek"]
        lever, p = g["lever_value"][:], g["probability"][:]
        tol = float(g.attrs["tolerance"])
        for k, status in enumerate(strings(g["status"][:])):
            answer, low, high = g["answer"][k], g["bracket_low"][k], g["bracket_high"][k]
            if status == "not reached in range":
                assert math.isnan(answer) and math.isnan(high) and low == 3000
                assert p[list(lever).index(3000), k] < GOAL
                continue
            at = list(lever).index(answer)
            assert p[at, k] >= GOAL
            if status == "at the low end":
                assert answer == 570 and math.isnan(low)
                continue
            assert high == answer and 0 < high - low <= tol
            assert p[list(lever).index(low), k] < GOAL
            # the smallest value evaluated that meets the goal
            assert answer == min(v for v, q in zip(lever, p[:, k]) if q >= GOAL)
        answers = g["answer"][:]
        if np.any(np.isnan(answers)):
            assert math.isnan(g.attrs["answer_all"])
        else:
            assert g.attrs["answer_all"] == answers.max()
    assert "found" in proc.stdout and TARGET in proc.stdout and "Answers" in proc.stdout


def test_steps_equal_icsim_run_at_the_same_value(sought, tmp_path):
    """Common random numbers: a step is `icsim run --set LEVER=VALUE` with the same seed."""
    path, _ = sought
    with h5py.File(path, "r") as f:
        g = f["seek"]
        lever, p = g["lever_value"][:], g["probability"][:]
        answer, tol = float(g["answer"][0]), float(g.attrs["tolerance"])
    for s in [0, 1, len(lever) - 1, int(np.argmax(lever == answer))]:
        assert run_probability(tmp_path, LEVER, float(lever[s]), TARGET) == p[s, 0]
    # One tolerance below the answer the goal is missed (P is monotone here: the programme's
    # outlays scale with the lever, its delays and failures are the same draws).
    below = run_probability(tmp_path, LEVER, answer - tol, TARGET)
    assert below < GOAL


def test_largest_direction(tmp_path):
    out = tmp_path / "largest.h5"
    extra = ["--set", f"{LEVER}=1500.0"]
    lever = "programme.shuangbai.failure_probability"
    proc = run("seek", BASELINE, "--lever", lever, "--range", "0:1", "--largest", "--target",
               TARGET, "--tolerance", "0.05", *FAST, *extra, "-o", out)
    with h5py.File(out, "r") as f:
        g = f["seek"]
        assert g.attrs["direction"] == "largest"
        values, p = g["lever_value"][:], g["probability"][:, 0]
        assert strings(g["status"][:]) == ["found"]
        answer, low, high = g["answer"][0], g["bracket_low"][0], g["bracket_high"][0]
        assert answer == low and 0 < high - low <= 0.05
        assert p[list(values).index(low)] >= GOAL > p[list(values).index(high)]
        assert answer == max(v for v, q in zip(values, p) if q >= GOAL)
        step = len(values) - 1
        assert run_probability(tmp_path, lever, float(values[step]), TARGET, *extra) == p[step]
    assert "largest" in proc.stdout


def test_quiet_prints_nothing(tmp_path):
    proc = run("seek", BASELINE, "--lever", LEVER, "--range", "570:3000", "--target", TARGET,
               "--tolerance", "500", *FAST, "--quiet")
    assert proc.stdout == "" and proc.stderr == ""


@pytest.mark.parametrize("args, names", [
    (["--lever", "programme.shuangbai.investmnt", "--target", TARGET],
     ["programme.shuangbai.investmnt", "did you mean 'investment'"]),
    (["--lever", "no_such_section.key", "--target", TARGET], ["no_such_section"]),
    (["--lever", "scenario.name", "--target", TARGET], ["scenario.name", "expected a string"]),
    (["--lever", LEVER, "--target", "T99"], ["T99", "no target with id"]),
    # listed with `needs` in this scenario, and a firm-model target without the firm model
    (["--lever", LEVER, "--target", "T01"], ["T01", "not evaluated"]),
    (["--lever", LEVER, "--target", "T21"], ["T21", "not evaluated", "firm model"]),
    (["--lever", "scenario.seed", "--target", TARGET], ["scenario.seed", "not a lever"]),
])
def test_input_errors_name_the_culprit(tmp_path, args, names):
    out = tmp_path / "never.h5"
    proc = run("seek", BASELINE, "--range", "570:3000", *args, *FAST, "-o", out, check=False)
    assert proc.returncode == 2, proc.stderr
    for name in names:
        assert name in proc.stderr, (name, proc.stderr)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


def test_range_below_the_key_minimum_is_an_input_error():
    proc = run("seek", BASELINE, "--lever", LEVER, "--range", "0:3000", "--target", TARGET,
               *FAST, check=False)
    assert proc.returncode == 2
    assert LEVER in proc.stderr and "> 0" in proc.stderr
