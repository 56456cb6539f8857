"""Result files follow the CF conventions where they apply (docs/results.md, "CF conventions and
format versions"): `Conventions` and `icsim_format` on the root, `year` an int64 dimension
coordinate with the CF time coordinate `time` beside it, readable names as auxiliary
coordinates, integer years stored as integers. A format-1 file (tests/data/results/
format1_baseline.h5, written by icsim before format 2 by `icsim run
scenarios/ningbo/baseline.toml -n 2`) still opens with icsim_results, and `icsim compare` reads
it: its numbers equal those of a run of the same scenario today under the model rules it was
written with (`land.programme_land = "queue"`: programme projects got land by tax per mu like
every other request until the 要素保障 rule became the default; the three below-scale land keys
at 1: below-scale firms held land in proportion to their output until the synthesis gave the
亩均 evaluation its >= 3 mu below-scale firms; the whole land quota supplied every year, a
plot-ratio cap of 3.0 and no productivity drift, until land was supplied on demand) and on the
data it was written with (tests/data/results/format1_inputs: the Ningbo 2021 table and the
concordances before sector 18 was sized to hold the published automobile output, with its 规上
share 0.839047)."""
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from icsim_testing import SOURCE_DIR, run

sys.path.insert(0, str(SOURCE_DIR / "tools" / "python"))
import icsim_results as ir  # noqa: E402

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
FORMAT1 = SOURCE_DIR / "tests" / "data" / "results" / "format1_baseline.h5"
FORMAT1_INPUTS = SOURCE_DIR / "tests" / "data" / "results" / "format1_inputs"
FORMAT1_DATA = [  # the data the format-1 file was written with (module docstring)
    "--set", f'table.path="{FORMAT1_INPUTS / "ningbo_2021_42"}"',
    *[a for s in ("246", "3511", "3511-key-2019", "361-2023", "361-2025")
      for a in ("--set", f'clusters.{s}="{FORMAT1_INPUTS / "concordances" / f"{s}.csv"}"')],
    "--set", "region.above_scale_output_share=0.839047",
    # judged since, on a cluster the old 361-2023 file does not have
    "--set", 'target.N361-2023-revenue-2027.select=["361-2023/green_petrochemicals"]']
NAMES = {"sectors": ["sector_name"], "clusters": ["system", "cluster_name"], "region": [],
         "districts": ["district_name"],
         "district_clusters": ["district_name", "system", "cluster_name"]}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conventions")
    new, backtest = folder / "new.h5", folder / "backtest.h5"
    run("run", NINGBO / "baseline.toml", "-n", "2", "-o", new, "--quiet",
        "--set", 'land.programme_land="queue"', "--set", "firms.below_scale_land_factor=1.0",
        "--set", "firms.below_scale_land_holder_share=1.0",
        "--set", "firms.below_scale_land_elasticity=1.0",
        "--set", "firms.numerical_control.enabled=false", "--set", "firms.green.enabled=false",
        "--set", 'target.T25.select=["361-2023/digital_industry"]',
        "--set", 'land.supply="quota"', "--set", "land.plot_ratio_cap=3.0",
        "--set", "firms.drift.productivity_sd=0", *FORMAT1_DATA,
        # the rectification rules of that time: every firm below the line, all at once
        "--set", 'mujun.scope="district"', "--set", "mujun.d_below_line=false",
        "--set", "mujun.rectify_class_d=false", "--set", "mujun.campaign_rectification_rate=1",
        "--set", "mujun.c_share=0.95", "--set", "mujun.upgrade_probability=0.5")
    run("run", NINGBO / "backtest_2017.toml", "-n", "2", "-o", backtest, "--quiet")
    return new, backtest


def test_root_names_conventions_and_format(files):
    new, _ = files
    with h5py.File(new) as f:
        assert f.attrs["Conventions"] == "CF-1.8 icsim-2"
        assert f.attrs["icsim_format"] == 2 and f.attrs["icsim_format"].dtype == np.int64


def mid_year(year):
    start, end = pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year + 1, month=1,
                                                                       day=1)
    return start + (end - start) / 2


@pytest.mark.parametrize("group", list(NAMES))
def test_each_group_opens_with_year_and_time_as_coordinates(files, group):
    new, _ = files
    with xr.open_dataset(new, engine="h5netcdf", group=group) as ds:
        assert "year" in ds.indexes and ds["year"].dtype == np.int64
        years = [int(y) for y in ds["year"].values]
        assert years == list(range(2021, 2031))
        assert "time" in ds.coords and ds["time"].dims == ("year",)
        assert np.issubdtype(ds["time"].dtype, np.datetime64)
        expected = [mid_year(y) for y in years]  # 2024 (leap): 2 July 00:00, else 12:00
        assert list(pd.to_datetime(ds["time"].values)) == expected
        for name in NAMES[group]:
            assert name in ds.coords and name not in ds.data_vars, name
        for name, var in ds.data_vars.items():
            if "year" in var.dims:
                assert "time" in var.coords, name
            for aux in NAMES[group]:
                assert aux in var.coords, (name, aux)
        # selecting by calendar year as before, and the names travel with the selection
        first = next(iter(ds.data_vars))
        picked = ds[first].sel(year=2030)
        assert int(picked["year"]) == 2030
    with h5py.File(new) as f:
        time = f[group]["time"]
        assert {k: time.attrs[k] for k in ("units", "standard_name", "axis", "calendar")} == {
            "units": "days since 1970-01-01", "standard_name": "time", "axis": "T",
            "calendar": "standard"}
        assert f[group]["year"].attrs["units"] == "year"


def test_targets_text_is_a_coordinate_and_years_are_integers(files):
    new, backtest = files
    with xr.open_dataset(new, engine="h5netcdf", group="targets") as t:
        assert "text" in t.coords and "not_evaluated_text" in t.coords
        assert t["year"].dtype == np.int64
        assert "text" in t["probability"].coords
        assert t["base_year"].dtype == np.float64  # NaN: the year before
    with xr.open_dataset(backtest, engine="h5netcdf", group="backtest") as b:
        assert b["year"].dtype == np.int64 and len(b["year"]) > 0


def test_format1_file_still_opens_and_matches_a_run_today(files):
    new, _ = files
    old_run, new_run = ir.open_result(FORMAT1), ir.open_result(new)
    assert "icsim_format" not in old_run.attrs and new_run.attrs["icsim_format"] == 2
    old_t, new_t = ir.targets_table(old_run), ir.targets_table(new_run)
    # Targets judged since the format-1 file was written (T32, T33: /district_clusters) aside,
    # the verdicts are the same.
    assert set(old_t.index) <= set(new_t.index)
    pd.testing.assert_frame_equal(old_t, new_t.loc[old_t.index])
    old_ids = [str(x) for x in old_run.targets["target"].values]
    for group in ("sectors", "clusters", "region", "districts", "targets"):
        a, b = getattr(old_run, group), getattr(new_run, group)
        if group == "targets":
            b = b.sel(target=old_ids)
        if group == "clusters":  # systems added since keep the old clusters by name
            b = b.sel(cluster=a["cluster"].values)
        for name in a.variables:
            if group == "clusters" and name in ("firms", "land_in_use"):
                continue  # sums over the firms' cluster memberships since /district_clusters
            if a[name].dtype.kind == "f" and (group != "targets" or "target" in a[name].dims):
                # the same numbers up to the last bits: clusters are W x with more systems
                # since, and the firms' accounts (sectors, districts, region and the targets
                # read from them) are summed run by run of one sector and district since, another
                # order of the same additions
                np.testing.assert_allclose(a[name].values, b[name].values, rtol=1e-14,
                                           err_msg=name)
    # the C++ reader: compare reads either format, both ways round
    for pair in ((FORMAT1, new), (new, FORMAT1)):
        out = run("compare", *pair).stdout
        assert "ΔP" in out


def test_district_clusters_add_up_to_the_clusters_and_judge_zhenhai(files):
    """/district_clusters (firms carry their cluster memberships): over the districts, its firms
    and land are /clusters' firms and land; its output of a disjoint system is at most the
    districts' output; the Zhenhai targets T32 and T33 are the sums their selections name."""
    new, _ = files
    with xr.open_dataset(new, engine="h5netcdf", group="district_clusters") as dc, \
            xr.open_dataset(new, engine="h5netcdf", group="clusters") as cl, \
            xr.open_dataset(new, engine="h5netcdf", group="districts") as di:
        assert dc["output"].dims == ("point", "replication", "year", "district", "cluster")
        assert list(dc["cluster"].values) == list(cl["cluster"].values)
        assert list(dc["district"].values) == list(di["district"].values)
        for name in ("firms", "land_in_use"):
            np.testing.assert_allclose(dc[name].sum("district").values, cl[name].values,
                                       rtol=1e-12, err_msg=name)
        zh = [str(c) for c in dc["cluster"].values if str(c).startswith("zhenhai-122/")]
        disjoint = dc["output"].sel(cluster=zh).sum("cluster")
        assert (disjoint.values <= di["output"].values * (1 + 1e-12)).all()
        with xr.open_dataset(new, engine="h5netcdf", group="targets") as t:
            ids = [str(x) for x in t["target"].values]
            year = {"T32": 2024, "T33": 2024}
            for tid, clusters in (("T32", zh), ("T33", ["zhenhai-122/refining_chemicals"])):
                i = ids.index(tid)
                want = dc["output"].sel(district="zhenhai", cluster=clusters, year=year[tid])
                np.testing.assert_allclose(t["value"].values[0, :, i],
                                           want.sum("cluster").values[0], rtol=1e-12)
