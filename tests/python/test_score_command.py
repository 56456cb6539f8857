"""`icsim score RESULT --against OBSERVED.csv` from the outside: on a small run of the bundled
2017 backtest, which figures are comparable (recomputed from the result file's variables and
units), every median, quantile, band flag, error and CRPS (recomputed with numpy from the
replications h5py reads, the CRPS by the O(n^2) pair formula), the in/out-of-sample split, the
scored targets' outcomes, Brier and log scores, and the summary attributes of /validation; bad
input exits with status 2 and names the file and line."""
import csv
import math

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

SCENARIO = SOURCE_DIR / "scenarios" / "ningbo" / "backtest_2017.toml"
OBSERVED = SOURCE_DIR / "scenarios" / "data" / "ningbo" / "observed.csv"
N = 20


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    d = tmp_path_factory.mktemp("score")
    result = d / "backtest.h5"
    run("run", SCENARIO, "-n", N, "-o", result, "-q")
    out_csv, out_h5 = d / "scores.csv", d / "scores.h5"
    proc = run("score", result, "--against", OBSERVED, "--csv", out_csv, "-o", out_h5)
    with open(out_csv, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return result, rows, out_h5, proc.stdout


PER_MU_IN_FILE, PER_MU = "CNY 100 million per mu", "CNY 10 thousand per mu"


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def members(h5, row):
    """The replications of the series a figure's metric names, in the figure's unit, or None
    when the figure measures no series of the file (the rule of the report's fan charts)."""
    name, _, code = row["metric"].partition(":")
    year = int(row["year"])
    group = name.split("/")[0]
    if name not in h5 or (group == "region") == bool(code):
        return None
    region = text(h5["region"].attrs["region"])
    if group != "districts" and row["scope"] not in ("", region):
        return None  # a part of the region, not the whole region's series
    units = text(h5[name].attrs["units"])
    factor = 1.0
    if units == PER_MU_IN_FILE and row["unit"] in (PER_MU, "万元/亩"):
        factor = 1e4
    elif units != row["unit"]:
        return None
    years = list(h5[group]["year"][()])
    if year not in years:
        return None
    data = h5[name][()][0]  # point 0: (replication, year[, code])
    y = years.index(year)
    if code:
        dim = {"clusters": "cluster", "districts": "district", "sectors": "sector"}[group]
        codes = [text(c) for c in h5[group][dim][()]]
        if code not in codes:
            return None
        return data[:, y, codes.index(code)] * factor
    return data[:, y] * factor


def crps_pairs(x, y):
    x = np.asarray(x, float)
    return np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))


def test_comparable_rows_are_the_series_of_the_file(scored):
    result, rows, _, _ = scored
    with h5py.File(result, "r") as h5:
        comparable = 0
        for r in rows:
            expect = members(h5, r) is not None
            assert (r["comparable"] == "1") == expect, (r["id"], r["reason"])
            assert (r["reason"] == "") == expect, r["id"]
            comparable += expect
        assert comparable >= 10  # GDP, industrial value added and output, 2017-2021


def test_medians_bands_and_crps_match_numpy(scored):
    result, rows, _, _ = scored
    with h5py.File(result, "r") as h5:
        base = int(h5.attrs["base_year"])
        for r in rows:
            if r["comparable"] != "1":
                continue
            x = members(h5, r)
            assert len(x) == N
            obs = float(r["observed"])
            q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
            for k, v in zip(("p05", "p25", "median", "p75", "p95"), q):
                assert float(r[k]) == pytest.approx(v, rel=1e-12, abs=1e-9), (r["id"], k)
            assert r["in_band_50"] == ("1" if q[1] <= obs <= q[3] else "0"), r["id"]
            assert r["in_band_90"] == ("1" if q[0] <= obs <= q[4] else "0"), r["id"]
            assert float(r["error_percent"]) == pytest.approx((q[2] - obs) / obs * 100, rel=1e-9)
            c = crps_pairs(x, obs)
            assert float(r["crps"]) == pytest.approx(c, rel=1e-9, abs=1e-9), r["id"]
            assert float(r["crps_relative"]) == pytest.approx(c / abs(obs), rel=1e-9)
            assert r["sample"] == ("in" if int(r["year"]) <= base else "out")


# The bundled figures settle none of the backtest's targets (the 2019 sizes of the 3511 plan's
# sub-sectors are not published): made-up outcomes of three of them exercise the target scores.
MADE_UP = [("t01_made_up", "clusters/output:3511-key-2019/rare_earth_magnetic_materials", 350),
           ("t02_made_up", "clusters/output:3511-key-2019/high_end_metal_alloys", 380),
           ("t03_made_up", "clusters/output:3511-key-2019/graphene", 100)]


@pytest.fixture(scope="module", params=["bundled", "made-up outcomes"])
def observed_and_scores(request, scored, tmp_path_factory):
    result, rows, out_h5, stdout = scored
    if request.param == "bundled":
        return OBSERVED, result, rows, out_h5, stdout
    d = tmp_path_factory.mktemp("made_up")
    path = d / "observed.csv"
    lines = [f"{i},{m},Ningbo,2019,{v},CNY 100 million,,,,derived" for i, m, v in MADE_UP]
    path.write_text(OBSERVED.read_text(encoding="utf-8-sig").rstrip("\n") + "\n"
                    + "\n".join(lines) + "\n", encoding="utf-8")
    out_csv, out_h5 = d / "scores.csv", d / "scores.h5"
    proc = run("score", result, "--against", path, "--csv", out_csv, "-o", out_h5)
    with open(out_csv, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert "Targets with a known outcome: 3, reached 2" in proc.stdout
    return path, result, rows, out_h5, proc.stdout


def test_targets_and_summary(observed_and_scores):
    observed_path, result, rows, out_h5, stdout = observed_and_scores
    observed = list(csv.DictReader(open(observed_path, encoding="utf-8-sig")))
    with h5py.File(result, "r") as h5:
        t = h5["targets"]
        dec = lambda a: [s.decode() if isinstance(s, bytes) else s for s in a[()]]  # noqa: E731
        ids, metrics, ops, kinds, units = (dec(t[k]) for k in
                                           ("target", "metric", "operator", "kind", "unit"))
        thr, yrs, prob = t["threshold"][()], t["year"][()], t["probability"][()][0]
        base = int(h5.attrs["base_year"])
    expected = []
    for i, tid in enumerate(ids):
        m = metrics[i]
        if kinds[i] != "level" or " / " in m or "," in m:
            continue
        key = m.replace("[", ":").rstrip("]") if "[" in m else m
        hit = [o for o in observed if o["metric"] == key and int(o["year"]) == int(yrs[i])
               and o["unit"] == units[i]]
        if hit:
            v = float(hit[0]["value"])
            reached = v >= thr[i] if ops[i] == ">=" else v <= thr[i]
            p = float(prob[i])
            pc = min(max(p, 1 / (2 * N)), 1 - 1 / (2 * N))
            expected.append((tid, reached, (p - reached) ** 2,
                             -math.log(pc) if reached else -math.log(1 - pc)))
    with h5py.File(out_h5, "r") as h5:
        v = h5["validation"]
        a = v.attrs
        if expected:
            got = [s.decode() if isinstance(s, bytes) else s for s in v["scored_target"][()]]
            assert got == [e[0] for e in expected]
            np.testing.assert_array_equal(v["target_reached"][()], [int(e[1]) for e in expected])
            np.testing.assert_allclose(v["target_brier"][()], [e[2] for e in expected])
            np.testing.assert_allclose(v["target_log_score"][()], [e[3] for e in expected])
            bs = np.mean([e[2] for e in expected])
            rate = np.mean([e[1] for e in expected])
            ref = np.mean([(rate - e[1]) ** 2 for e in expected])
            assert a["brier"] == pytest.approx(bs)
            assert a["brier_reference"] == pytest.approx(ref)
            if ref > 0:
                assert a["brier_skill"] == pytest.approx(1 - bs / ref)
        else:
            assert a["targets_scored"] == 0
        for part, in_sample in (("out_of_sample", False), ("in_sample", True)):
            sel = [r for r in rows if r["comparable"] == "1"
                   and (int(r["year"]) <= base) == in_sample]
            assert a[f"{part}_figures"] == len(sel)
            assert a[f"{part}_in_band_50"] == sum(r["in_band_50"] == "1" for r in sel)
            assert a[f"{part}_in_band_90"] == sum(r["in_band_90"] == "1" for r in sel)
            if sel:
                assert a[f"{part}_mean_crps_relative"] == pytest.approx(
                    np.mean([float(r["crps_relative"]) for r in sel]))
        assert len(v["figure"]) == len(rows) == len(observed)
    assert "out of sample" in stdout and "in 90 % band" in stdout


def test_bad_input_exits_2_with_file_and_line(scored, tmp_path):
    result = scored[0]
    text = OBSERVED.read_text(encoding="utf-8-sig").splitlines()
    bad = tmp_path / "bad_year.csv"
    bad.write_text("\n".join(text[:3] + [text[3].replace(",2017,", ",2017.5,", 1)]) + "\n",
                   encoding="utf-8")
    proc = run("score", result, "--against", bad, check=False)
    assert proc.returncode == 2
    assert f"{bad}:4" in proc.stderr and "year" in proc.stderr
    missing = tmp_path / "no_unit.csv"
    missing.write_text("id,metric,scope,year,value\na,region/gdp,Ningbo,2018,1\n", encoding="utf-8")
    proc = run("score", result, "--against", missing, check=False)
    assert proc.returncode == 2 and f"{missing}:1" in proc.stderr and "unit" in proc.stderr
    proc = run("score", result, "--against", tmp_path / "absent.csv", check=False)
    assert proc.returncode == 2 and "absent.csv" in proc.stderr
    proc = run("score", tmp_path / "absent.h5", "--against", OBSERVED, check=False)
    assert proc.returncode == 2 and "absent.h5" in proc.stderr
    out = tmp_path / "never.csv"
    proc = run("score", result, "--against", bad, "--csv", out, check=False)
    assert proc.returncode == 2 and not out.exists()
