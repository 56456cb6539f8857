"""`icsim compare A.h5 B.h5` from the outside: the probabilities and medians it prints are the
ones h5py and xarray read from the two files (medians recomputed with numpy); ΔP and its paired
interval (Newcombe's hybrid score, docs/compare.md) and the paired region differences are
recomputed with numpy from the per-replication verdicts and values; --year(s), --point, --system
and --districts select what is shown; a sweep file without --point and files that are not icsim
results are refused with exit status 2 and their name."""
import re

import h5py
import numpy as np
import pytest
import xarray as xr

from icsim_testing import SOURCE_DIR, run

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
PROB = re.compile(r"(\d\.\d\d) \[(\d\.\d\d), (\d\.\d\d)\]")
DELTA = re.compile(r"([+-]\d\.\d\d) \[([+-]\d\.\d\d), ([+-]\d\.\d\d)\]")
Z95 = 1.959963984540054


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
        median_a, median_b = tokens[-2], tokens[-1]
        (dp, _, _), = DELTA.findall(row)
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
    # --district: the cluster table of one district's firms (/district_clusters/output)
    zh = run("compare", a, b, "--district", "zhenhai", "--system", "zhenhai-122", "--year",
             "2028").stdout
    ca, cb = open_group(a, "district_clusters"), open_group(b, "district_clusters")
    heading, rows = table_rows(zh, "Clusters: ", "zhenhai")
    assert "in 2028" in heading and len(rows) == 3
    for row in rows:
        code, tokens = row.split()[0], row.split()
        for value, ds in ((tokens[-3], ca), (tokens[-2], cb)):
            sel = ds["output"].sel(year=2028, district="zhenhai", cluster=code).isel(point=0)
            assert_printed(value, np.median(sel.values), code)
    bad = run("compare", a, b, "--district", "nowhere", check=False)
    assert bad.returncode == 2 and "not a district" in bad.stderr
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


def wilson(k, n, z=Z95):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    return (0.0 if k == 0 else low), (1.0 if k == n else high)


def newcombe(a, b, paired):
    """Newcombe (1998) method 10 for P(B) - P(A), from the 0/1 verdicts, written from the
    paper's formulas with numpy."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    pa, pb = a.mean(), b.mean()
    la, ua = wilson(a.sum(), a.size)
    lb, ub = wilson(b.sum(), b.size)
    phi = 0.0
    if paired:
        e, f = np.sum(a & b), np.sum(b & ~a)
        g, h = np.sum(a & ~b), np.sum(~a & ~b)
        den = float((e + f) * (g + h) * (e + g) * (f + h))
        phi = (e * h - f * g) / np.sqrt(den) if den > 0 else 0.0
    d = pb - pa
    low = d - np.sqrt((pb - lb) ** 2 - 2 * phi * (pb - lb) * (ua - pa) + (ua - pa) ** 2)
    high = d + np.sqrt((ub - pb) ** 2 - 2 * phi * (ub - pb) * (pa - la) + (pa - la) ** 2)
    return d, low, high


def check_delta_p(out, a, b, paired, point_b=0):
    ta, tb = open_group(a, "targets"), open_group(b, "targets")
    _, rows = table_rows(out, "Targets evaluated in both runs")
    checked = narrow = 0
    for row in rows:
        tid = row.split()[0]
        (dp, low, high), = DELTA.findall(row)
        ra = ta["reached"].sel(target=tid).isel(point=0).values
        rb = tb["reached"].sel(target=tid).isel(point=point_b).values
        d, lo, hi = newcombe(ra, rb, paired)
        for text, value in ((dp, d), (low, lo), (high, hi)):
            assert_printed(text, value, f"{tid} ΔP")
        assert -1 <= lo <= d <= hi <= 1
        if paired:  # the paired interval is never wider than the independent one
            _, ilo, ihi = newcombe(ra, rb, False)
            assert hi - lo <= ihi - ilo + 1e-12, tid
            narrow += hi - lo < ihi - ilo - 1e-9
        checked += 1
    assert checked > 10
    return narrow


def test_delta_p_interval_is_newcombe_paired(runs):
    a, b = runs
    out = run("compare", a, b).stdout
    assert "Paired: same seed and replications" in out
    assert check_delta_p(out, a, b, paired=True) > 0  # common random numbers tighten some


def test_unpaired_runs_use_the_independent_interval(runs, tmp_path):
    a, _ = runs
    c = tmp_path / "seed7.h5"
    run("run", NINGBO / "weak_external_demand.toml", "-n", "8", "-o", c, "--set",
        "firms.enabled=false", "--seed", "7", "--quiet")
    out = run("compare", a, c).stdout
    assert "Not paired" in out
    check_delta_p(out, a, c, paired=False)
    heading, _ = table_rows(out, "Region, by year")
    assert "not paired" in heading


def test_region_paired_differences_by_year(runs):
    a, b = runs
    out = run("compare", a, b, "--years", "2025,2030").stdout
    heading, rows = table_rows(out, "Region, by year")
    ra, rb = open_group(a, "region"), open_group(b, "region")
    seen = set()
    for row in rows:
        tokens = row.split()
        name, year = tokens[0], int(tokens[1])
        seen.add((name, year))
        xa = ra[name].sel(year=year).isel(point=0).values
        xb = rb[name].sel(year=year).isel(point=0).values
        diff = xb - xa
        numbers = re.findall(r"[+-]?\d+(?:\.\d+)?", " ".join(tokens[2:]))
        median_a, median_b, md, p05, p95, change = numbers[-6:]
        assert_printed(median_a, np.median(xa), f"{name} {year}")
        assert_printed(median_b, np.median(xb), f"{name} {year}")
        assert_printed(md, np.median(diff), f"{name} {year} difference")
        assert_printed(p05, np.quantile(diff, 0.05), f"{name} {year} p05")
        assert_printed(p95, np.quantile(diff, 0.95), f"{name} {year} p95")
        assert_printed(change, (np.median(xb) / np.median(xa) - 1) * 100, f"{name} {year} %")
    assert {y for _, y in seen} == {2025, 2030}
    assert ("gdp", 2030) in seen and ("industrial_investment", 2025) in seen
    # --years keeps the targets of those years only, and one cluster table per year
    _, target_rows = table_rows(out, "Targets evaluated in both runs")
    assert all(re.search(r"\s(2025|2030)\s", r) for r in target_rows)
    check_clusters(out.split("Clusters: median output in 2030")[0], a, b, 2025)


def test_bad_years_are_input_errors(runs):
    a, b = runs
    for years, words in [("2025,1999", "--years 1999"), ("20x5", "not a year"),
                         ("", "no year")]:
        proc = run("compare", a, b, "--years", years, check=False)
        assert proc.returncode == 2 and words in proc.stderr, (years, proc.stderr)
        assert proc.stdout == ""


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    base, swept = folder / "base.h5", folder / "sweep.h5"
    run("run", NINGBO / "baseline.toml", "-n", "6", "-o", base, "--quiet")
    run("sweep", SOURCE_DIR / "tests" / "reference" / "sweep_two_points.toml", "-n", "6", "-o",
        swept, "--quiet")
    return base, swept


def test_sweep_needs_a_point(sweep):
    base, swept = sweep
    proc = run("compare", base, swept, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert str(swept) in proc.stderr and "--point" in proc.stderr
    assert "1: programme.shuangbai.investment=1140" in proc.stderr
    proc = run("compare", base, swept, "--point", "2", check=False)
    assert proc.returncode == 2 and "points 0-1" in proc.stderr
    proc = run("compare", base, base, "--point", "0", check=False)
    assert proc.returncode == 2 and "neither file is a sweep" in proc.stderr


def test_sweep_point_is_the_one_compared(sweep):
    base, swept = sweep
    out = run("compare", base, swept, "--point", "1").stdout
    assert "sweep point 1 of 2" in out and "Paired" in out
    check_delta_p(out, base, swept, paired=True, point_b=1)
    # point 0 is the plan itself: no target moves
    out0 = run("compare", base, swept, "--point", "0").stdout
    _, rows = table_rows(out0, "Targets evaluated in both runs")
    assert all(DELTA.findall(r)[0][0] in ("+0.00", "-0.00") for r in rows)
