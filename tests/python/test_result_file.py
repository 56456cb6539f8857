"""Result files open with no icsim code: xarray + h5netcdf, h5py, netCDF4 and h5dump.

The file comes from the test-only writer tests/output/write_sample_result.cpp (env
ICSIM_SAMPLE_WRITER, set by tests/CMakeLists.txt), which uses icsim::output with values given by
simple formulas recomputed here. Layout: docs/results.md.
"""

import os
import re
import shutil
import subprocess
import warnings

import h5py
import numpy as np
import pytest
import xarray as xr

POINTS, REPLICATIONS, FIRST_YEAR, YEARS, SECTORS, TARGETS = 2, 100, 2025, 26, 30, 3
SECTOR_NAMES_START = [
    "煤炭开采和洗选业",
    "石油和天然气开采业",
    "石油、煤炭及其他燃料加工业",
    "化学原料和化学制品制造业",
    "电力、热力生产和供应业",
]
SECTOR_NAMES = SECTOR_NAMES_START + [f"第{s}部门" for s in range(5, SECTORS)]
SECTOR_CODES = [f"S{s:02d}" for s in range(SECTORS)]
TARGET_TEXT = [
    "2030 年石化产业增加值达到 1000 亿元",
    "亩均税收不低于 30 万元",
    "规上企业数量超过 500 家",
]
GROUPS = ["io", "sectors", "clusters", "targets"]


def writer():
    path = os.environ.get("ICSIM_SAMPLE_WRITER")
    if not path:
        pytest.skip("ICSIM_SAMPLE_WRITER not set (run through ctest)")
    assert os.path.isfile(path), f"ICSIM_SAMPLE_WRITER={path} does not exist; build first"
    return path


def write(folder, mode):
    path = folder / f"{mode}.h5"
    done = subprocess.run([writer(), str(path), mode], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "HDF5 must not print its error stack"
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    path = write(folder, "sample")
    assert sorted(os.listdir(folder)) == ["sample.h5"], "temporary file left behind"
    return str(path)


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    return str(write(tmp_path_factory.mktemp("edge"), "edge"))


def open_group(path, group):
    # Only warnings raised by xarray / h5netcdf themselves matter (dask's imports warn too).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = xr.open_dataset(path, engine="h5netcdf", group=group)
        ds.load()
    ours = [w for w in caught if re.search(r"(xarray|h5netcdf|h5py)", w.filename)]
    assert not ours, [str(w.message) for w in ours]
    return ds


def expected_output():
    p, r, y, s = np.meshgrid(
        np.arange(POINTS), np.arange(REPLICATIONS), np.arange(YEARS), np.arange(SECTORS),
        indexing="ij",
    )
    return p * 1e6 + r * 1e3 + y * 10.0 + s * 0.25


# --- xarray + h5netcdf -----------------------------------------------------------------------


def test_root_attributes_and_scenario(sample):
    ds = open_group(sample, None)
    assert ds.attrs["icsim_version"] == "0.1.0"
    assert ds.attrs["scenario_name"] == "宁波石化基地 2030 基准"
    assert ds.attrs["units_money"] == "CNY 100 million"
    assert ds.attrs["units_land"] == "mu"
    assert ds.attrs["created_utc"] == "2024-06-01T08:00:00Z"
    for key, value in [("seed", 20240601), ("replications", REPLICATIONS), ("threads", 2),
                       ("processes", 1)]:
        assert ds.attrs[key] == value
        assert isinstance(ds.attrs[key], np.int64), (key, type(ds.attrs[key]))
    scenario = ds["scenario"]
    assert scenario.dims == ()
    assert scenario.item().startswith('name = "宁波石化基地 2030 基准"\n[run]')
    assert scenario.attrs == {"long_name": "Resolved scenario (TOML)", "units": ""}


def test_io_group(sample):
    ds = open_group(sample, "io")
    assert dict(ds.sizes) == {"sector": SECTORS}
    assert list(ds.indexes) == ["sector"]
    assert list(ds["sector"].values) == SECTOR_CODES
    assert list(ds["sector_name"].values) == SECTOR_NAMES
    assert ds["sector_name"].sel(sector="S02").item() == "石油、煤炭及其他燃料加工业"
    np.testing.assert_allclose(ds["output_multiplier"].values, 1.0 + 0.1 * np.arange(SECTORS))
    np.testing.assert_allclose(ds["backward_linkage"].values, 0.5 + 0.05 * np.arange(SECTORS))
    assert ds["output_multiplier"].attrs == {
        "long_name": "Output multiplier (Type I)", "units": "1", "type": "I"}


def test_sectors_group(sample):
    ds = open_group(sample, "sectors")
    assert ds["output"].dims == ("point", "replication", "year", "sector")
    assert dict(ds.sizes) == {"point": POINTS, "replication": REPLICATIONS, "year": YEARS,
                              "sector": SECTORS}
    assert ds["year"].dtype == np.int64
    assert list(ds["year"].values) == list(range(FIRST_YEAR, FIRST_YEAR + YEARS))
    assert ds["year"].attrs == {"long_name": "Year", "units": "year"}
    np.testing.assert_array_equal(ds["output"].values, expected_output())
    # Label-based selection works through the coordinate variables.
    assert ds["output"].sel(point=1, replication=7, year=2030, sector="S04").item() == (
        1e6 + 7e3 + 50.0 + 1.0)
    y, s = np.meshgrid(np.arange(YEARS), np.arange(SECTORS), indexing="ij")
    np.testing.assert_array_equal(ds["capacity"].values, 100.0 * (s + 1) + y)
    assert ds["capacity"].dims == ("year", "sector")
    assert ds["output"].attrs == {"long_name": "Gross output", "units": "CNY 100 million"}


def test_clusters_group(sample):
    ds = open_group(sample, "clusters")
    assert list(ds["cluster"].values) == [
        "361/green_petrochemicals", "361/new_materials", "246/digital"]
    assert list(ds["system"].values) == ["361", "361", "246"]
    assert list(ds["cluster_name"].values) == ["绿色石化", "新材料", "数字经济"]
    assert list(ds["firms"].values) == [120.0, 45.0, 300.0]


def test_targets_group(sample):
    ds = open_group(sample, "targets")
    assert ds["reached"].dtype == np.int8
    assert ds["reached"].dims == ("point", "replication", "target")
    p, r, t = np.meshgrid(np.arange(POINTS), np.arange(REPLICATIONS), np.arange(TARGETS),
                          indexing="ij")
    np.testing.assert_array_equal(ds["reached"].values, (p + r + t) % 2)
    np.testing.assert_array_equal(ds["value"].values, 1000.0 * t + r + 0.5 * p)
    assert list(ds["target_text"].values) == TARGET_TEXT
    assert list(ds["target"].values) == ["T1", "T2", "T3"]
    assert ds.attrs["T1_text"] == TARGET_TEXT[0]
    assert ds.attrs["T1_threshold"] == 1000.0
    assert ds.attrs["T1_year"] == 2030
    # The probability a notebook computes from the 0/1 flags.
    np.testing.assert_allclose(ds["reached"].mean("replication").values[0], [0.5, 0.5, 0.5])


def test_every_variable_has_units_and_long_name(sample):
    for group in [None] + GROUPS:
        ds = open_group(sample, group)
        for name, variable in ds.variables.items():
            assert "units" in variable.attrs, (group, name)
            assert variable.attrs.get("long_name"), (group, name)


def test_edge_cases(edge):
    ds = open_group(edge, "targets")
    assert dict(ds.sizes) == {"point": 1, "replication": 2, "target": 0}
    assert ds["reached"].shape == (1, 2, 0)
    assert ds["reached"].dtype == np.int8
    assert ds["target_text"].shape == (0,)
    region = open_group(edge, "region")
    assert region["land_available"].dims == ()
    assert region["land_available"].item() == 1234.5
    assert region["land_available"].attrs["units"] == "mu"
    notes = open_group(edge, "notes")
    assert notes.attrs["comment"] == "只有属性的组"
    assert len(notes.variables) == 0


# --- h5py ---------------------------------------------------------------------------------


def test_h5py_dimension_scales(sample):
    with h5py.File(sample, "r") as f:
        # Links are kept in creation order (h5py's File object itself lists by name; its root
        # Group object follows the tracked order).
        assert list(f["/"].keys()) == ["scenario", "io", "sectors", "clusters", "targets"]
        assert list(f["sectors"].keys()) == [
            "point", "replication", "year", "sector", "sector_name", "output", "capacity"]
        for group in GROUPS:
            for name, obj in f[group].items():
                if obj.attrs.get("CLASS") == b"DIMENSION_SCALE":
                    assert h5py.h5ds.is_scale(obj.id)
                    assert obj.attrs["NAME"] == name.encode()
                    assert "_Netcdf4Dimid" in obj.attrs
                else:
                    attached = [d[0].name for d in obj.dims]
                    assert all(len(d) == 1 for d in obj.dims), (group, name)
                    assert all(a.startswith(f"/{group}/") for a in attached)
        output = f["sectors/output"]
        assert [d[0].name for d in output.dims] == [
            "/sectors/point", "/sectors/replication", "/sectors/year", "/sectors/sector"]
        ids = [f[g][d].attrs["_Netcdf4Dimid"] for g in GROUPS for d in f[g]
               if f[g][d].attrs.get("CLASS") == b"DIMENSION_SCALE"]
        assert len(ids) == len(set(ids)), "dimension ids are unique in the file"


def test_h5py_values_types_and_strings(sample):
    with h5py.File(sample, "r") as f:
        assert f.attrs["seed"] == 20240601 and f.attrs["seed"].dtype == np.int64
        assert f.attrs["scenario_name"] == "宁波石化基地 2030 基准"
        assert f["targets/reached"].dtype == np.int8
        assert f["sectors/output"].dtype == np.float64
        names = f["io/sector_name"]
        info = h5py.check_string_dtype(names.dtype)
        assert info.encoding == "utf-8" and info.length is None  # variable-length UTF-8
        assert list(names.asstr()[:]) == SECTOR_NAMES
        np.testing.assert_array_equal(f["sectors/output"][:], expected_output())
        assert f["sectors/output"].attrs["units"] == "CNY 100 million"
        assert f["sectors/output"].attrs["long_name"] == "Gross output"


def test_h5py_large_arrays_chunked_and_compressed(sample):
    with h5py.File(sample, "r") as f:
        output = f["sectors/output"]  # 156,000 elements
        assert output.chunks is not None
        assert output.compression == "gzip"
        assert output.shuffle
        assert np.prod(output.chunks) * 8 <= 1 << 20
        assert output.id.get_storage_size() < output.size * 8 / 2
        for small in ["sectors/capacity", "sectors/year", "io/output_multiplier",
                      "targets/reached"]:
            assert f[small].chunks is None, small
            assert f[small].compression is None, small


# --- netCDF4 (the netCDF-C library) ---------------------------------------------------------


def test_netcdf4_library_reads_it(sample):
    netCDF4 = pytest.importorskip("netCDF4")
    with netCDF4.Dataset(sample) as d:
        assert d.getncattr("scenario_name") == "宁波石化基地 2030 基准"
        sectors = d.groups["sectors"]
        assert sectors.variables["output"].dimensions == ("point", "replication", "year", "sector")
        assert {k: len(v) for k, v in sectors.dimensions.items()} == {
            "point": POINTS, "replication": REPLICATIONS, "year": YEARS, "sector": SECTORS}
        assert list(d.groups["targets"].variables["target_text"][:]) == TARGET_TEXT
        np.testing.assert_array_equal(sectors.variables["output"][:], expected_output())
    ds = xr.open_dataset(sample, engine="netcdf4", group="targets")
    assert ds["reached"].dims == ("point", "replication", "target")


# --- h5dump ---------------------------------------------------------------------------------


def h5dump(*args):
    tool = shutil.which("h5dump")
    if tool is None:
        pytest.skip("h5dump not installed (Debian package hdf5-tools)")
    done = subprocess.run([tool, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_h5dump_header(sample):
    header = h5dump("-H", sample)
    for group in GROUPS:
        assert f'GROUP "{group}"' in header
    assert 'DATASET "scenario"' in header
    block = header[header.index('DATASET "output"'):]  # h5dump lists by name
    block = block[:block.index("DATASET", len("DATASET"))]
    assert "DATASPACE  SIMPLE { ( 2, 100, 26, 30 ) / ( 2, 100, 26, 30 ) }" in block
    assert "H5T_IEEE_F64LE" in block
    assert 'ATTRIBUTE "DIMENSION_LIST"' in block
    assert 'ATTRIBUTE "units"' in block and 'ATTRIBUTE "long_name"' in block
    assert "H5T_STD_I8LE" in header  # reached
    assert "CSET H5T_CSET_UTF8" in header
    assert "DIMENSION_SCALE" in h5dump("-a", "/sectors/sector/CLASS", sample)


def test_h5dump_chinese_text(sample):
    # h5dump 1.10 prints bytes >= 0x80 as sign-extended octal escapes (\37777777747 for 0xE7);
    # undoing that gives back the UTF-8 the writer stored.
    text = h5dump("-d", "/io/sector_name", sample)
    data = text[text.index("DATA {"):text.index("ATTRIBUTE")]
    values = re.findall(r'"((?:[^"\\]|\\.)*)"', data)

    def decode(s):
        raw = re.sub(r"\\(3777777[0-7]{4})", lambda m: f"\\x{int(m.group(1), 8) & 0xFF:02x}", s)
        return raw.encode("latin-1").decode("unicode_escape").encode("latin-1").decode("utf-8")

    assert [decode(v) for v in values] == SECTOR_NAMES
