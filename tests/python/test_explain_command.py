"""`icsim explain RESULT [TARGET...]` from the outside, on a small run of the Ningbo baseline
(firm model on): every flag `icsim run` prints is the one explain prints, the flags agree with
the per-replication values h5py reads, the series medians and the share past the threshold are
recomputed with numpy, the land constraint's medians are recomputed from the /region land
statistics, and bad input exits with status 2 naming the file or target."""
import re

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

SCENARIO = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
N = 12


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("explain")
    path = d / "baseline.h5"
    proc = run("run", SCENARIO, "-n", N, "-o", path)
    return path, proc.stdout


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def blocks(stdout):
    """Target id -> its block of explain output."""
    out = {}
    for block in stdout.strip().split("\n\n"):
        out[block.split(" ", 1)[0]] = block
    return out


def test_flags_agree_with_run_and_with_the_values(result):
    path, run_out = result
    explained = blocks(run("explain", path).stdout)
    run_flags = dict(re.findall(r"^  (\S+) (\w+): ", run_out.split("\nFlags")[1].split("\n\n")[0],
                                re.M))
    with h5py.File(path) as h5:
        ids = [text(x) for x in h5["targets/target"][()]]
        values = h5["targets/value"][0]
        reached = h5["targets/reached"][0]
        assert set(explained) == set(ids)
        for k, tid in enumerate(ids):
            v = values[:, k][np.isfinite(values[:, k])]
            flags = re.findall(r"FLAG (\w+):", explained[tid])
            if v.size and v.min() == v.max():
                expected = ["zero_value" if v[0] == 0 else "constant_value"]
            elif reached[:, k].min() == reached[:, k].max() and v.size:
                expected = ["certain_verdict"]
            else:
                expected = []
            assert flags == expected, tid
            assert run_flags.get(tid) == (expected[0] if expected else None), tid
    assert "certain_verdict" in run_flags.values()


def test_a_target_the_model_never_moves_is_flagged_zero(tmp_path):
    # Without rectification (no line, no campaign) the rectification targets stay 0.
    path = tmp_path / "none.h5"
    proc = run("run", SCENARIO, "-n", 4, "-o", path, "--set", "mujun.rectification_line=0",
               "--set", "mujun.campaign_rectification_rate=0")
    run_flags = dict(re.findall(r"^  (\S+) (\w+): ", proc.stdout.split("\nFlags")[1].split("\n\n")[0],
                                re.M))
    assert run_flags.get("T22") == "zero_value", run_flags
    assert re.findall(r"FLAG (\w+):", blocks(run("explain", path, "T22").stdout)["T22"]) == \
        ["zero_value"]


def rows_of(block, title):
    """The numeric rows of the table that follows the line starting with `title`."""
    lines = block.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title))
    rows = []
    for line in lines[start + 3:]:
        cells = line.split()
        if not cells or not re.fullmatch(r"\d{4}", cells[0]):
            break
        rows.append(cells)
    return rows


def test_series_and_land_constraint_recomputed(result):
    path, _ = result
    block = run("explain", path, "N246-automobile").stdout
    with h5py.File(path) as h5:
        clusters = [text(x) for x in h5["clusters/cluster"][()]]
        years = list(h5["region/year"][()])
        series = h5["clusters/output"][0][:, :, clusters.index("246/automobile")]
        target_year = 2025
        threshold = 10000.0
        rows = rows_of(block, "the series")
        assert [int(r[0]) for r in rows] == years[: years.index(target_year) + 1]
        for r in rows:
            y = years.index(int(r[0]))
            assert float(r[1]) == pytest.approx(np.median(series[:, y]), abs=0.5)
            assert float(r[2]) == pytest.approx(np.quantile(series[:, y], 0.05), abs=0.5)
            past = 100 * np.mean(series[:, y] >= threshold)
            assert float(r[4]) == pytest.approx(past, abs=0.5)
        land = rows_of(block, "land (BINDS):" if "land (BINDS):" in block else "land:")
        g = h5["region/land_granted"][0]
        a = h5["region/land_available"][0]
        s = h5["region/land_supplied"][0]
        rel = h5["region/land_released"][0]
        red = h5["region/land_redeveloped"][0]
        q = h5["region/land_quota_left"][0]
        for r in land:
            y = years.index(int(r[0]))
            during = a[:, y - 1] + s[:, y] + rel[:, y] + red[:, y] + q[:, y]
            assert float(r[1]) == pytest.approx(np.median(g[:, y]), abs=0.5)
            assert float(r[2]) == pytest.approx(np.median(during), abs=0.5)
            binds = 100 * np.mean((during > 0) & (a[:, y] + q[:, y] < 0.05 * during))
            assert float(r[3]) == pytest.approx(binds, abs=0.5)


def test_bad_input_is_named(result, tmp_path):
    path, _ = result
    proc = run("explain", path, "NO-SUCH-TARGET", check=False)
    assert proc.returncode == 2
    assert "no evaluated target 'NO-SUCH-TARGET'" in proc.stderr and "T17" in proc.stderr
    missing = tmp_path / "missing.h5"
    proc = run("explain", missing, check=False)
    assert proc.returncode == 2 and "missing.h5" in proc.stderr
