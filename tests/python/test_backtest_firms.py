"""The firm-model backtest from 2017 (scenarios/ningbo/backtest_firms_2017.toml) from the
outside, at a few replications: it runs with the firm model on a population synthesised for
2017, `icsim score` scores it against the bundled observed figures, and every score is
recomputed with numpy from the result file (medians, quantiles, band flags, CRPS, the summary
of /validation); the firm model's accounting identities hold in every replication and year;
the calibration that made its fragment uses figures dated 2017 or earlier only, and the
command refuses a later one."""
import csv
import re

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run
from test_score_command import crps_pairs, members

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
SCENARIO = NINGBO / "backtest_firms_2017.toml"
CALIBRATION = NINGBO / "calibrate_firms_2017.toml"
FRAGMENT = NINGBO / "calibrated_firms_2017.toml"
OBSERVED = SOURCE_DIR / "scenarios" / "data" / "ningbo" / "observed.csv"
FIRMS_2017 = SOURCE_DIR / "scenarios" / "data" / "ningbo" / "firms_2017.csv"
N = 6


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    d = tmp_path_factory.mktemp("backtest_firms")
    result = d / "backtest_firms.h5"
    run("run", SCENARIO, "-n", N, "-t", 2, "-o", result, "-q")
    out_csv, out_h5 = d / "scores.csv", d / "scores.h5"
    proc = run("score", result, "--against", OBSERVED, "--csv", out_csv, "-o", out_h5)
    with open(out_csv, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return result, rows, out_h5, proc.stdout


def test_the_run_is_a_2017_firm_model_run(scored):
    result = scored[0]
    with h5py.File(result, "r") as h5:
        assert int(h5.attrs["base_year"]) == 2017
        assert list(h5["region"]["year"][()]) == list(range(2017, 2025))
        firms = h5["region/firms_above_scale"][()][0]
        # The base-year population is the same in every replication (synthesised once).
        assert np.all(firms[:, 0] == firms[0, 0])
        # About the calibration file's 规上 count (the synthesis rounds per cell).
        wanted = next(float(r["value"]) for r in csv.DictReader(open(FIRMS_2017, encoding="utf-8"))
                      if r["figure"] == "above_scale_firms")
        assert firms[0, 0] == pytest.approx(wanted, rel=0.05)


def test_every_score_matches_numpy(scored):
    result, rows, out_h5, stdout = scored
    comparable = [r for r in rows if r["comparable"] == "1"]
    with h5py.File(result, "r") as h5:
        for r in rows:
            assert (r["comparable"] == "1") == (members(h5, r) is not None), r["id"]
        for r in comparable:
            x = members(h5, r)
            assert len(x) == N
            obs = float(r["observed"])
            q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
            for k, v in zip(("p05", "p25", "median", "p75", "p95"), q):
                assert float(r[k]) == pytest.approx(v, rel=1e-12, abs=1e-9), (r["id"], k)
            assert r["in_band_50"] == ("1" if q[1] <= obs <= q[3] else "0"), r["id"]
            assert r["in_band_90"] == ("1" if q[0] <= obs <= q[4] else "0"), r["id"]
            c = crps_pairs(x, obs)
            assert float(r["crps"]) == pytest.approx(c, rel=1e-9, abs=1e-12), r["id"]
            assert r["sample"] == ("in" if int(r["year"]) <= 2017 else "out")
    ids = {r["id"] for r in comparable}
    # The firm model's out-of-sample figures: 2018 亩均税收, district 规上 firm counts 2018-2024.
    assert {"mj_tax_2018", "yy_firms_2018_derived", "yz_firms_2020", "bl_firms_2021",
            "cx_firms_2022", "mj_haishu_eval_as_2024"} <= ids
    with h5py.File(out_h5, "r") as h5:
        a = h5["validation"].attrs
        for part, in_sample in (("out_of_sample", False), ("in_sample", True)):
            sel = [r for r in comparable if (int(r["year"]) <= 2017) == in_sample]
            assert a[f"{part}_figures"] == len(sel)
            assert a[f"{part}_in_band_50"] == sum(r["in_band_50"] == "1" for r in sel)
            assert a[f"{part}_in_band_90"] == sum(r["in_band_90"] == "1" for r in sel)
            assert a[f"{part}_mean_crps_relative"] == pytest.approx(
                np.mean([float(r["crps_relative"]) for r in sel]))
        # No target of the backtest has a known outcome in the bundled figures.
        assert a["targets_scored"] == 0
    assert "out of sample" in stdout


def test_firm_model_accounting_identities(scored):
    result = scored[0]
    with h5py.File(result, "r") as h5:
        reg = lambda n: h5["region/" + n][()][0]  # noqa: E731  (replication, year)
        dis = lambda n: h5["districts/" + n][()][0]  # noqa: E731  (replication, year, district)
        # Region statistics are the sums of the districts'.
        for n in ("firms", "firms_above_scale", "firms_entered", "firms_exited",
                  "firms_rectified", "firms_below_rectification_line", "mujun_a", "mujun_b",
                  "mujun_c", "mujun_d", "land_in_use", "land_above_scale", "land_available",
                  "tax_above_scale", "output_above_scale", "value_added_above_scale"):
            np.testing.assert_allclose(reg(n), dis(n).sum(axis=-1), rtol=1e-12, atol=1e-9,
                                       err_msg=n)
        # Firm stock and flows: firms(t) = firms(t-1) + entered(t) - exited(t).
        f = reg("firms")
        np.testing.assert_array_equal(f[:, 1:] - f[:, :-1],
                                      reg("firms_entered")[:, 1:] - reg("firms_exited")[:, 1:])
        # Rectified = rectified above scale + below scale; A-D classes cover no more than the firms.
        np.testing.assert_array_equal(reg("firms_rectified"), reg("firms_rectified_above_scale")
                                      + reg("firms_rectified_below_scale"))
        graded = sum(reg("mujun_" + c) for c in "abcd")
        assert np.all(graded <= f) and np.all(reg("firms_above_scale") <= f)
        # 亩均税收 of 规上 firms is their taxes over their land.
        np.testing.assert_allclose(reg("tax_per_mu_above_scale"),
                                   reg("tax_above_scale") / reg("land_above_scale"), rtol=1e-12)
        # Industrial output (规上 and all) is the firms' and the industrial sectors' sum.
        np.testing.assert_allclose(reg("industrial_output_above_scale"),
                                   reg("output_above_scale"), rtol=1e-12)
        codes = [c.decode() for c in h5["sectors/sector"][()]]
        ind = [codes.index(f"{s:02d}") for s in range(2, 27)]
        np.testing.assert_allclose(reg("industrial_output"),
                                   h5["sectors/output"][()][0][:, :, ind].sum(axis=-1),
                                   rtol=1e-12)


def test_the_calibration_sees_2017_only(tmp_path):
    # The shipped fragment names 2017 moments and sets the fitted key.
    text = FRAGMENT.read_text(encoding="utf-8")
    years = [int(y) for y in re.findall(r"^#   \S+ \S+ (\d{4}):", text, flags=re.M)]
    assert years and max(years) <= 2017
    assert 'extends = "backtest_firms_2017_ex_ante.toml"' in text
    assert re.search(r"^firms\.above_scale_output_share = 0\.\d+$", text, flags=re.M)
    # A moment dated after 2017 is refused (exit 2, file:line, nothing written).
    bad = tmp_path / "calibrate_2018.toml"
    bad.write_text(f'extends = "{CALIBRATION}"\n\n[[calibration.moment]]\n'
                   'observed = "mj_tax_2018"\n', encoding="utf-8")
    fragment = tmp_path / "never.toml"
    proc = run("calibrate", bad, "--fragment", fragment, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "2018" in proc.stderr and "after 2017" in proc.stderr and str(bad) in proc.stderr
    assert not fragment.exists()


def test_calibration_before_is_the_firm_file_value(tmp_path):
    # The fit table's "before" is the scenario's own value: for a synthesis key the scenario
    # leaves to its firm calibration file, that file's figure (0.860638), not the key's default.
    fragment = tmp_path / "fragment.toml"
    proc = run("calibrate", CALIBRATION, "--fragment", fragment,
               "--set", "calibration.global_evaluations=1",
               "--set", "calibration.local_evaluations=0")
    line = next(l for l in proc.stdout.splitlines()
                if l.startswith("firms.above_scale_output_share"))
    assert line.split()[3] == "0.860638", line
