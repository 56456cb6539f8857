"""A scenario's [[actual]] figures scored by `icsim run` itself (docs/score.md, "Scored
automatically"): the /validation group of the result file recomputed with numpy from the
replications h5py reads (median, bands, CRPS by the O(n^2) pair formula, PIT), the summary;
the same group from two shards joined by `icsim merge`; the report's forecast-score section
with its coverage chart; and `--sensitivity` on explain, run and report (dominant parameters,
no_lever_effect, lever_without_effect) checked against the /sensitivity group of a small Morris
analysis."""
import math
import re

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run
from test_score_command import crps_pairs

SCENARIO = SOURCE_DIR / "scenarios" / "ningbo" / "backtest_2017.toml"
N = 12


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


@pytest.fixture(scope="module")
def backtest(tmp_path_factory):
    d = tmp_path_factory.mktemp("run_validation")
    result = d / "backtest.h5"
    proc = run("run", SCENARIO, "-n", N, "-o", result)
    return d, result, proc.stdout


def members(h5, metric, year):
    """The replications of an [[actual]]'s series: metric 'group/variable' or
    'group/variable:CODE[,CODE...]' (summed over the codes)."""
    name, _, codes = metric.partition(":")
    group = name.split("/")[0]
    years = list(h5[group]["year"][()])
    data = h5[name][()][0][:, years.index(year)]
    if not codes:
        return data
    dim = {"clusters": "cluster", "districts": "district", "sectors": "sector"}[group]
    known = [text(c) for c in h5[group][dim][()]]
    return sum(data[:, known.index(c)] for c in codes.split(","))


def test_validation_group_is_recomputed_from_the_replications(backtest):
    _, result, _ = backtest
    with h5py.File(result, "r") as h5:
        v = h5["validation"]
        assert text(v.attrs["observed_file"]) == "[[actual]]"
        assert int(v.attrs["replications"]) == N
        base = int(h5.attrs["base_year"])
        ids = [text(x) for x in v["figure"][()]]
        metrics = [text(x) for x in v["metric"][()]]
        years = v["year"][()]
        assert len(ids) == len(h5["backtest"]["figure"][()])  # every [[actual]]
        counts = {"out": [0, 0, 0], "in": [0, 0, 0]}
        crps_rel = {"out": [], "in": []}
        for i, metric in enumerate(metrics):
            assert v["comparable"][i] == 1, (ids[i], text(v["reason"][i]))
            x = np.sort(members(h5, metric, int(years[i])))
            y = float(v["observed"][i])
            assert v["median"][i] == pytest.approx(np.quantile(x, 0.5), rel=1e-12)
            for q, name in ((0.05, "p05"), (0.25, "p25"), (0.75, "p75"), (0.95, "p95")):
                assert v[name][i] == pytest.approx(np.quantile(x, q), rel=1e-12)
            assert v["in_band_50"][i] == int(np.quantile(x, 0.25) <= y <= np.quantile(x, 0.75))
            assert v["in_band_90"][i] == int(np.quantile(x, 0.05) <= y <= np.quantile(x, 0.95))
            assert v["crps"][i] == pytest.approx(crps_pairs(x, y), rel=1e-9, abs=1e-9)
            pit = (np.sum(x < y) + 0.5 * np.sum(x == y)) / len(x)
            assert v["pit"][i] == pytest.approx(pit, abs=1e-15)
            assert v["in_sample"][i] == int(years[i] <= base)
            key = "in" if years[i] <= base else "out"
            counts[key][0] += 1
            counts[key][1] += int(v["in_band_50"][i])
            counts[key][2] += int(v["in_band_90"][i])
            crps_rel[key].append(float(v["crps_relative"][i]))
        for key, name in (("out", "out_of_sample"), ("in", "in_sample")):
            assert int(v.attrs[f"{name}_figures"]) == counts[key][0]
            assert int(v.attrs[f"{name}_in_band_50"]) == counts[key][1]
            assert int(v.attrs[f"{name}_in_band_90"]) == counts[key][2]
            if crps_rel[key]:
                assert float(v.attrs[f"{name}_mean_crps_relative"]) == pytest.approx(
                    np.mean(crps_rel[key]), rel=1e-12)
        assert counts["out"][0] > 0 and counts["in"][0] > 0
        # /backtest and /validation agree on the medians.
        assert np.allclose(h5["backtest"]["median"][()], v["median"][()], rtol=1e-12)


def test_run_prints_the_scores(backtest):
    _, result, stdout = backtest
    assert "Backtest: the projection scored against the reported figures" in stdout
    assert "out of sample" in stdout and "in 90 % band" in stdout
    with h5py.File(result, "r") as h5:
        v = h5["validation"]
        n = int(v.attrs["out_of_sample_figures"])
        k = int(v.attrs["out_of_sample_in_band_90"])
    assert re.search(rf"out of sample\s+{n}\s+.*\s{k}/{n} ", stdout), stdout


def test_merged_shards_score_as_one_run(backtest):
    d, result, _ = backtest
    shards = []
    for i in (1, 2):
        shard = d / f"shard_{i}.h5"
        run("run", SCENARIO, "-n", N, "--shard", f"{i}/2", "-o", shard, "-q")
        with h5py.File(shard, "r") as h5:
            assert "summary_over" in h5["validation"].attrs
        shards.append(shard)
    merged = d / "merged.h5"
    run("merge", *shards, "-o", merged, "-q")
    with h5py.File(result, "r") as a, h5py.File(merged, "r") as b:
        va, vb = a["validation"], b["validation"]
        assert "summary_over" not in vb.attrs
        for name in ("median", "p05", "p95", "crps", "pit", "in_band_50", "in_band_90"):
            assert np.array_equal(va[name][()], vb[name][()]), name
        for key in va.attrs:
            x, y = va.attrs[key], vb.attrs[key]
            if isinstance(x, float) and math.isnan(x):
                assert math.isnan(y)
            else:
                assert text(x) == text(y), key


def test_report_shows_scores_and_coverage_chart(backtest):
    d, result, _ = backtest
    out = d / "report"
    run("report", result, "-o", out, "-q")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<section id=validation>" in page
    assert "Forecast scores" in page
    charts = [p.name for p in out.glob("*coverage*.png")]
    assert len(charts) == 1, charts


@pytest.fixture(scope="module")
def morris(tmp_path_factory, backtest):
    d = tmp_path_factory.mktemp("morris")
    params = d / "params.toml"
    # growth.common.sd moves every target's value; capacity.utilisation is read by the
    # projection only when capacity binds; the price deflator moves the current-price series.
    params.write_text(
        '[sensitivity]\nmethod = "morris"\ntrajectories = 2\nlevels = 4\nreplications = 4\n'
        '[[sensitivity.parameter]]\nkey = "investment.output_per_investment"\nlow = 1.0\n'
        'high = 2.0\n'
        '[[sensitivity.parameter]]\nkey = "growth.final_demand.exports.mean"\nlow = 0.0\n'
        'high = 0.1\n', encoding="utf-8")
    out = d / "morris.h5"
    run("sensitivity", SCENARIO, "--parameters", params, "-o", out, "-q")
    return out


def moved(h5, output_index):
    g = h5["sensitivity"]
    mu_star = g["mu_star"][()]
    values = g["output_value"][()][output_index]
    floor = 1e-9 * (1 + np.nanmax(np.abs(values)))
    return [i for i in range(mu_star.shape[1]) if mu_star[output_index, i] > floor]


def test_explain_names_dominant_parameters_and_flags(backtest, morris):
    _, result, _ = backtest
    proc = run("explain", result, "--sensitivity", morris)
    blocks = proc.stdout.strip().split("\n\n")
    with h5py.File(morris, "r") as h5:
        g = h5["sensitivity"]
        params = [text(p) for p in g["parameter"][()]]
        outputs = [text(o) for o in g["output"][()]]
        targets = sorted({text(t) for t in g["output_target"][()] if text(t)})
        any_output = set()
        for o in range(len(outputs)):
            any_output.update(moved(h5, o))
        for tid in targets:
            block = next(b for b in blocks if b.startswith(tid + " "))
            p_moved = moved(h5, outputs.index(f"{tid} P"))
            v_moved = moved(h5, outputs.index(f"{tid} median"))
            assert "dominant parameters (morris" in block
            flagged = "FLAG no_lever_effect" in block
            assert flagged == (not p_moved and not v_moved), block
            if p_moved:
                mu_star = g["mu_star"][()][outputs.index(f"{tid} P")]
                top = max(p_moved, key=lambda i: mu_star[i])
                line = next(x for x in block.split("\n") if "probability:" in x)
                assert line.split("probability:")[1].strip().startswith(params[top]), line
    levers = blocks[-1]
    assert levers.startswith("LEVERS without effect")
    without = [params[i] for i in range(len(params)) if i not in any_output]
    for name in params:
        assert (f"lever_without_effect: {name} [" in levers) == (name in without), levers


def test_run_and_report_take_the_analysis(backtest, morris):
    d, _, _ = backtest
    out = d / "with_sensitivity.h5"
    proc = run("run", SCENARIO, "-n", N, "-o", out, "--sensitivity", morris)
    explained = run("explain", out, "--sensitivity", morris).stdout
    for line in explained.split("\n"):
        if "FLAG no_lever_effect" in line:
            assert "no_lever_effect" in proc.stdout
    report = d / "report_sensitivity"
    run("report", out, "-o", report, "-q", "--sensitivity", morris)
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "dominant parameters (morris" in page
    assert "LEVERS without effect" in page


def test_sensitivity_file_is_refused_when_it_is_not_one(backtest):
    d, result, _ = backtest
    proc = run("explain", result, "--sensitivity", result, check=False)
    assert proc.returncode == 2
    assert f"{result}: no /sensitivity group" in proc.stderr
    proc = run("run", SCENARIO, "-n", 2, "-o", d / "x.h5", "--sensitivity", d / "missing.h5",
               check=False)
    assert proc.returncode == 2
    assert not (d / "x.h5").exists()
