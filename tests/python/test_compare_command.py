"""`icsim compare A.h5 B.h5` from the outside: the probabilities and medians it prints are the
ones h5py and xarray read from the two files (medians recomputed with numpy); --year, --system
and --districts select what is shown; files that are not icsim results are refused with exit
status 2 and their name."""
import re

import h5py
import numpy as np
import pytest
import xarray as xr

from icsim_testing import SOURCE_DIR, run

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
PROB = re.compile(r"(\d\.\d\d) \[(\d\.\d\d), (\d\.\d\d)\]")


def open_group(path, group):
    return xr.open_dataset(path, engine="h5netcdf", group=group).load()


def assert_printed(text, value, what=""):
    """`text` is `value` rounded to the decimals it shows ("-" for NaN)."""
    if not np.isfinite(value):
        assert text == "-", what
        return
    decimals = len(text.split(".")[1]) if "." in text else 0
    assert abs(float(text) - value) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9) + 1e-12, \
        f"{what}: printed {text}, file {value}"


def table_rows(stdout, heading_start, contains=""):
    """The heading starting with `heading_start` (and containing `contains`) and the rows of
    the table printed below it."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(heading_start) and contains in line)
    assert lines[start + 2].startswith("---")
    rows = []
    for line in lines[start + 3:]:
        if not line.strip():
            break
        rows.append(line)
    return lines[start], rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    a, b = folder / "a.h5", folder / "b.h5"
    run("run", NINGBO / "baseline.toml", "-n", "8", "-o", a, "--set", "firms.enabled=false",
        "--quiet")
    run("run", NINGBO / "weak_external_demand.toml", "-n", "8", "-o", b, "--set",
        "firms.enabled=false", "--quiet")
    return a, b


def test_header_names_both_runs(runs):
    a, b = runs
    out = run("compare", a, b).stdout
    header = out.splitlines()[:5]
    assert any(str(a) in line and "ningbo-baseline" in line for line in header)
    assert any(str(b) in line and "ningbo-weak-external-demand" in line for line in header)
    with h5py.File(a, "r") as f:
        seed = str(int(f.attrs["seed"]))
    assert seed in header[3] and " 8 " in header[3]


def test_targets_match_the_files(runs):
    a, b = runs
    out = run("compare", a, b).stdout
    ta, tb = open_group(a, "targets"), open_group(b, "targets")
    common = [t for t in ta["target"].values if t in set(tb["target"].values)]
    assert len(common) > 10
    _, rows = table_rows(out, "Targets evaluated in both runs")
    assert len(rows) == len(common)
    for tid in common:
        row = [r for r in rows if r.startswith(tid + " ")]
        assert len(row) == 1, tid
        row = row[0]
        probs = PROB.findall(row)
        assert len(probs) == 2, row
        p = []
        for (prob, low, high), t in zip(probs, (ta, tb)):
            s = t.sel(target=tid).isel(point=0)
            reached = s["reached"].values
            assert_printed(prob, reached.mean(), tid)
            assert_printed(prob, float(s["probability"]), tid)
            assert_printed(low, float(s["probability_low"]), tid)
            assert_printed(high, float(s["probability_high"]), tid)
            p.append(float(s["probability"]))
        tokens = row.split()
        dp, median_a, median_b = tokens[-3], tokens[-2], tokens[-1]
        assert dp == f"{p[1] - p[0]:+.2f}", row
        assert_printed(median_a, np.median(ta["value"].sel(target=tid).isel(point=0).values), tid)
        assert_printed(median_b, np.median(tb["value"].sel(target=tid).isel(point=0).values), tid)
        assert str(int(ta["year"].sel(target=tid))) in tokens
    # targets neither run can judge are listed by id
    ne = set(ta["not_evaluated"].values) & set(tb["not_evaluated"].values)
    assert ne
    listed = out.split("Not evaluated in either run")[1]
    for tid in ne:
        assert re.search(rf"\b{re.escape(tid)}\b", listed), tid


def check_clusters(out, a, b, year, systems=None):
    heading, rows = table_rows(out, "Clusters: median output in")
    assert f"in {year} " in heading
    ca, cb = open_group(a, "clusters"), open_group(b, "clusters")
    expect = [c for c, s in zip(ca["cluster"].values, ca["system"].values)
              if c in set(cb["cluster"].values) and (systems is None or s in systems)]
    codes = [r.split()[0] for r in rows]
    assert sorted(codes) == sorted(expect)
    for row in rows:
        code = row.split()[0]
        tokens = row.split()
        ma = np.median(ca["output"].sel(year=year, cluster=code).isel(point=0).values)
        mb = np.median(cb["output"].sel(year=year, cluster=code).isel(point=0).values)
        assert_printed(tokens[-3], ma, code)
        assert_printed(tokens[-2], mb, code)
        assert_printed(tokens[-1], (mb / ma - 1) * 100, code)
    return codes


def test_clusters_default_to_the_last_common_year(runs):
    a, b = runs
    out = run("compare", a, b).stdout
    codes = check_clusters(out, a, b, 2030)
    assert "246/automobile" in codes and "361-2023/green_petrochemicals" in codes


def test_year_and_system_select_the_clusters(runs):
    a, b = runs
    out = run("compare", a, b, "--year", "2025", "--system", "361-2023").stdout
    codes = check_clusters(out, a, b, 2025, systems={"361-2023"})
    assert codes and all(c.startswith("361-2023/") for c in codes)
    assert "system 361-2023:" in out


def test_bad_year_or_system_is_an_input_error(runs):
    a, b = runs
    proc = run("compare", a, b, "--year", "1999", check=False)
    assert proc.returncode == 2 and "--year 1999" in proc.stderr and "2021-2030" in proc.stderr
    assert proc.stdout == ""
    proc = run("compare", a, b, "--system", "999", check=False)
    assert proc.returncode == 2 and "--system 999" in proc.stderr and "361-2023" in proc.stderr


def test_districts_without_the_firm_model_is_a_note(runs):
    a, b = runs
    out = run("compare", a, b, "--districts").stdout
    assert "Districts: not compared, A, B were run without the firm model" in out


def test_districts_with_the_firm_model(tmp_path):
    a, b = tmp_path / "fa.h5", tmp_path / "fb.h5"
    run("run", NINGBO / "baseline.toml", "-n", "4", "-o", a, "--quiet")
    run("run", NINGBO / "weak_external_demand.toml", "-n", "4", "-o", b, "--quiet")
    out = run("compare", a, b, "--districts", "--year", "2028").stdout
    da, db = open_group(a, "districts"), open_group(b, "districts")
    for name, scale in [("firms_above_scale", 1), ("output_above_scale", 1),
                        ("tax_per_mu_above_scale", 1e4)]:
        heading, rows = table_rows(out, "Districts: ", f"({name})")
        assert "in 2028" in heading and name in heading
        assert sorted(r.split()[0] for r in rows) == sorted(da["district"].values)
        for row in rows:
            code, tokens = row.split()[0], row.split()
            ma = np.median(da[name].sel(year=2028, district=code).isel(point=0).values) * scale
            mb = np.median(db[name].sel(year=2028, district=code).isel(point=0).values) * scale
            assert_printed(tokens[-3], ma, f"{name} {code}")
            assert_printed(tokens[-2], mb, f"{name} {code}")
    assert "万元/亩" in out


def test_files_that_are_not_results_are_refused(runs, tmp_path):
    a, _ = runs
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.create_dataset("x", data=np.arange(3))
    proc = run("compare", a, other, check=False)
    assert proc.returncode == 2
    assert str(other) in proc.stderr and "not an icsim result file" in proc.stderr
    text = tmp_path / "notes.txt"
    text.write_text("not hdf5\n")
    proc = run("compare", text, a, check=False)
    assert proc.returncode == 2 and str(text) in proc.stderr and "not an HDF5 file" in proc.stderr
    missing = tmp_path / "missing.h5"
    proc = run("compare", a, missing, check=False)
    assert proc.returncode == 2 and str(missing) in proc.stderr and "no such file" in proc.stderr
    proc = run("compare", a, check=False)
    assert proc.returncode == 2 and "two result files" in proc.stderr


def test_help_documents_the_options():
    proc = run("compare", "--help")
    for word in ["--year", "--system", "--districts", "Examples:", "icsim compare baseline.h5"]:
        assert word in proc.stdout, word
