"""Targets judged on what the plans' programmes and largest firms do, checked from the result file
with numpy (no icsim code), on a three-replication run of the Ningbo baseline (firm model on):
T20 (大优强 产值增长20%) on region/output_top_firms, T18 and T19 (the 双百 and 增资扩产
programmes' 计划投资 in 2022) on programmes/investment, and the accounting of /programmes."""
import re

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

SCENARIO = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
N = 3


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("plan_outcomes")
    path = d / "baseline.h5"
    proc = run("run", SCENARIO, "-n", N, "-o", path)
    return path, proc.stdout


def strings(ds):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[()]]


def target_values(h5, tid):
    return h5["targets/value"][0, :, strings(h5["targets/target"]).index(tid)]


def test_the_targets_are_judged_not_listed_as_inputs(result):
    path, stdout = result
    judged, not_evaluated = stdout.split("\nNot evaluated")
    for tid in ("T18", "T19", "T20"):
        assert re.search(rf"^\s*{tid}\b", judged, re.M), tid
        assert not re.search(rf"^\s*{tid}\b", not_evaluated, re.M), tid
    with h5py.File(path) as h5:
        assert not {"T18", "T19", "T20"} & set(strings(h5["targets/not_evaluated"]))


def test_t20_is_the_growth_of_the_largest_firms_output(result):
    path, _ = result
    with h5py.File(path) as h5:
        years = list(h5["region/year"][()])
        top = h5["region/output_top_firms"][0]  # (replication, year)
        output = h5["region/output"][0]
        assert h5["region/output_top_firms"].attrs["units"] in (b"CNY 100 million",
                                                                 "CNY 100 million")
        assert np.all(top > 0) and np.all(top <= output * (1 + 1e-12))
        growth = (top[:, years.index(2022)] / top[:, years.index(2021)] - 1) * 100
        assert np.allclose(target_values(h5, "T20"), growth, rtol=1e-12)


def test_every_firm_counted_gives_the_region_output(tmp_path):
    # Every firm counted: the region's output in the base year (no exits yet), and later that
    # output less the output of the year's exits (firms active at the end of the year only):
    # rectification closes D firms of both scales, about 2 % of the output a year.
    path = tmp_path / "all.h5"
    run("run", SCENARIO, "-n", 1, "-o", path, "--quiet", "--set", "firms.top_firms=1000000000")
    with h5py.File(path) as h5:
        top, output = h5["region/output_top_firms"][0, 0], h5["region/output"][0, 0]
        assert np.isclose(top[0], output[0], rtol=1e-9)
        assert np.all(top <= output * (1 + 1e-12)) and np.all(top >= 0.97 * output)
        exited = h5["region/firms_exited"][0, 0]
        assert np.all((top < output * (1 - 1e-12)) <= (exited > 0))  # short only with exits


def test_t18_t19_are_the_programmes_outlays_of_2022(result):
    path, _ = result
    with h5py.File(path) as h5:
        names = strings(h5["programmes/programme"])
        assert names == ["shuangbai", "capacity_expansion"]
        years = list(h5["programmes/year"][()])
        invest = h5["programmes/investment"][0]  # (replication, year, programme)
        started = h5["programmes/projects_started"][0]
        completed = h5["programmes/projects_completed"][0]
        for tid, k, total, projects in (("T18", 0, 570.0, 112), ("T19", 1, 557.0, 775)):
            assert np.allclose(target_values(h5, tid), invest[:, years.index(2022), k],
                               rtol=1e-12)
            # Nothing before the programmes start (2022); every project that starts ends by
            # the horizon (delays of at most 2 years, 3 years of construction), and the outlays
            # over the years are the money of the projects that did not fail: at most the total.
            assert np.all(invest[:, :years.index(2022), k] == 0)
            assert np.array_equal(started[:, :, k].sum(axis=1), completed[:, :, k].sum(axis=1))
            n = started[:, :, k].sum(axis=1)
            assert np.all(n <= projects + 6) and np.all(n > 0.5 * projects)
            money = invest[:, :, k].sum(axis=1)
            assert np.all(money <= total * (1 + 1e-12)) and np.all(money > 0.5 * total)


def test_the_new_variables_open_in_xarray_and_icsim_results(result):
    import sys

    import xarray as xr

    sys.path.insert(0, str(SOURCE_DIR / "tools" / "python"))
    import icsim_results as ir

    path, _ = result
    ds = xr.open_dataset(path, engine="h5netcdf", group="programmes")
    assert ds["investment"].dims == ("point", "replication", "year", "programme")
    assert list(ds["programme_label"].values) == ["双百工程", "增资扩产"]
    run = ir.open_result(path)
    s = ir.series(run, "programmes/investment", select=["shuangbai"])
    assert np.array_equal(s.values, ds["investment"].isel(point=0, programme=0).values)
    both = ir.series(run, "programmes/projects_started", select="*")
    assert np.array_equal(both.values, ds["projects_started"].isel(point=0).sum("programme"))
    top = ir.series(run, "region/output_top_firms")
    with h5py.File(path) as h5:
        assert np.array_equal(top.values, h5["region/output_top_firms"][0])
