"""tools/python/icsim_results.py on run-shaped result files with and without the firm model.

The files come from the test-only writer tests/output/write_sample_result.cpp (modes "run" and
"run-without-firms", env ICSIM_SAMPLE_WRITER set by tests/CMakeLists.txt), which writes the
Projection made up in tests/support/firm_run.hpp through icsim::output::write_run: two districts
(haishu, zhenhai), years 2024-2025, two replications, statistic k of district d in replication r
and year index t = 1000 r + 100 t + 10 d + k + 1, except land_above_scale, which is 0 in the
base year for zhenhai and for both districts in replication 1. The values are recomputed here.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from icsim_testing import SOURCE_DIR

sys.path.insert(0, str(SOURCE_DIR / "tools" / "python"))
import icsim_results as ir  # noqa: E402

DISTRICTS = ["haishu", "zhenhai"]
DISTRICT_NAMES = ["海曙区", "镇海区"]
YEARS = [2024, 2025]
# What docs/results.md promises of /region (and, split by district, of /districts).
REQUIRED = ["firms_above_scale", "firms_entered", "firms_exited", "tax_per_mu_above_scale",
            "value_added_per_mu_above_scale", "land_in_use", "land_available"]


def write(folder, mode):
    writer = os.environ.get("ICSIM_SAMPLE_WRITER")
    if not writer:
        pytest.skip("ICSIM_SAMPLE_WRITER not set (run through ctest)")
    path = folder / f"{mode}.h5"
    done = subprocess.run([writer, str(path), mode], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return ir.open_result(write(tmp_path_factory.mktemp("run"), "run"))


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return ir.open_result(write(tmp_path_factory.mktemp("plain"), "run-without-firms"))


def statistics(run):
    """The statistic names in the file's order (abm::Stat order)."""
    return [v for v in run.districts.data_vars if v != "district_name"]


def value(run, name, r, t, d):
    """The made-up value of a statistic that is not a ratio."""
    k = statistics(run).index(name)
    if name == "land_above_scale" and t == 0 and (d == 1 or r == 1):
        return 0.0
    return 1000.0 * r + 100.0 * t + 10.0 * d + k + 1


def test_districts_group_layout(run):
    assert run.firm_model
    assert run.attrs["firm_model"] == 1
    ds = run.districts
    assert list(ds["district"].values) == DISTRICTS
    assert list(ds["district_name"].values) == DISTRICT_NAMES
    assert list(ds["year"].values) == YEARS
    for name in REQUIRED:
        assert ds[name].dims == ("point", "replication", "year", "district"), name
        assert ds[name].shape == (1, 2, 2, 2)
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs
        assert name in run.region and run.region[name].dims == ("point", "replication", "year")
    assert ds["firms_above_scale"].attrs["units"] == "firms"
    assert ds["land_in_use"].attrs["units"] == "mu"
    assert ds["tax_per_mu_above_scale"].attrs["kind"] == "ratio"
    assert ds["tax_per_mu_above_scale"].attrs["numerator"] == "tax_above_scale"
    assert ds["tax_per_mu_above_scale"].attrs["denominator"] == "land_above_scale"
    assert "land_in_use" in run.clusters and "firms" in run.clusters


def test_opens_with_plain_xarray(run):
    with xr.open_dataset(run.path, engine="h5netcdf", group="districts") as ds:
        assert ds["firms"].dims == ("point", "replication", "year", "district")
        assert ds["firms"].sel(district="zhenhai", year=2025).isel(point=0).values.tolist() == [
            value(run, "firms", 0, 1, 1), value(run, "firms", 1, 1, 1)]


def test_series_of_one_and_several_districts(run):
    one = ir.series(run, "districts/firms_above_scale", select=["zhenhai"])
    assert one.dims == ("replication", "year")
    assert one.attrs["units"] == "firms"
    for r in range(2):
        for t in range(2):
            assert one.values[r, t] == value(run, "firms_above_scale", r, t, 1)
    both = ir.series(run, "districts/firms_above_scale", select="*")
    expected = np.array([[value(run, "firms_above_scale", r, t, 0) +
                          value(run, "firms_above_scale", r, t, 1) for t in range(2)]
                         for r in range(2)])
    np.testing.assert_array_equal(both.values, expected)
    np.testing.assert_array_equal(
        ir.series(run, "firms_above_scale", group="districts", select=DISTRICTS).values, expected)
    # A district named twice counts once, as in Projection::series.
    np.testing.assert_array_equal(
        ir.series(run, "districts/firms_above_scale", select=["*", "haishu"]).values, expected)
    # The districts add up to the region.
    np.testing.assert_array_equal(
        expected, ir.series(run, "region/firms_above_scale").values)
    # Without a selection the district dimension stays.
    assert ir.series(run, "districts/land_in_use").dims == ("replication", "year", "district")


def test_ratios_are_ratios_of_sums(run):
    """Ratios of the summed numerator and denominator; tax per mu in 万元/亩 (the file's 亿元
    per mu × 10,000)."""
    in_10k = ir.series(run, "districts/tax_per_mu_above_scale", select="*")
    tax = in_10k / 1e4
    for r in range(2):
        for t in range(2):
            num = sum(value(run, "tax_above_scale", r, t, d) for d in range(2))
            den = sum(value(run, "land_above_scale", r, t, d) for d in range(2))
            assert tax.values[r, t] == pytest.approx(num / den if den > 0 else 0.0, rel=1e-15)
    assert tax.values[1, 0] == 0.0  # no 规上 land anywhere
    np.testing.assert_allclose(tax.values * 1e4,
                               ir.series(run, "region/tax_per_mu_above_scale").values, rtol=1e-15)
    zhenhai = ir.series(run, "districts/tax_per_mu_above_scale", select="zhenhai") / 1e4
    assert zhenhai.values[0, 0] == 0.0
    assert np.isfinite(zhenhai.values).all()
    assert zhenhai.values[0, 1] == pytest.approx(
        value(run, "tax_above_scale", 0, 1, 1) / value(run, "land_above_scale", 0, 1, 1))
    assert in_10k.attrs["units"] == run.districts["tax_per_mu_above_scale"].attrs["units"]
    assert in_10k.attrs["units"] == "CNY 10 thousand per mu"


def test_unknown_names_are_reported(run):
    with pytest.raises(KeyError, match="no district 'beilun'; expected haishu, zhenhai"):
        ir.series(run, "districts/firms", select=["haishu", "beilun"])
    with pytest.raises(KeyError, match="no variable 'firm_count' in /districts.*firms_above_scale"):
        ir.series(run, "districts/firm_count", select="*")


def test_clusters_keep_working(run):
    land = ir.series(run, "clusters/land_in_use", select="361/*")
    assert land.values[1, 1] == 500 + 100 + 10 + 0
    assert land.attrs["units"] == "mu"
    out = ir.series(run, "output", select=["361/green_petrochemicals", "246/digital"])
    assert out.values[0, 0] == pytest.approx(5 + 6)


def test_fan_chart_and_compare_districts(run):
    import matplotlib
    matplotlib.use("Agg")
    ax = ir.fan_chart(run, "zhenhai", "districts/firms_above_scale")
    assert ax.get_title() == "zhenhai: firms_above_scale"
    assert ax.get_ylabel() == "firms"
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), YEARS)
    ax = ir.fan_chart(run, ["haishu", "zhenhai"], "value_added_per_mu_above_scale",
                      group="districts")
    assert ax.get_ylabel() == "万元/亩"
    df = ir.compare_districts(run, run, 2025, "land_available")
    assert list(df.index) == DISTRICTS
    assert list(df["name"]) == DISTRICT_NAMES
    assert (df["change_percent"] == 0).all()


def test_without_the_firm_model(plain):
    assert not plain.firm_model
    assert plain.attrs["firm_model"] == 0
    assert plain.districts is None
    assert "land_in_use" not in plain.region and "firms" not in plain.clusters
    with pytest.raises(KeyError, match="without the firm model"):
        ir.series(plain, "districts/firms", select="*")
    assert ir.series(plain, "region/gdp").values[0, 0] == 50
