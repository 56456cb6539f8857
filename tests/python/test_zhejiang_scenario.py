"""End-to-end check of the province-wide scenario scenarios/zhejiang/baseline.toml (the 415X target).

It runs the scenario at a few replications and checks, independently of icsim's code:
* the base-year (2017) 规上 output of the 415X clusters against the concordance times the table's
  gross output, computed with numpy/pandas from the CSV files;
* that the target Z415X-revenue-2025 is judged there (and only listed, with a pointer to this
  file, in the Ningbo baseline);
* that every number the scenario uses is a `scenario/<key>` row of
  scenarios/data/zhejiang/observed.csv dated 2017 or earlier (the base year), and every
  reported figure it is scored against is a row of that file.
"""
import math
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from icsim_testing import SOURCE_DIR, TABLES, read_table, run  # noqa: E402

SCENARIO = SOURCE_DIR / "scenarios" / "zhejiang" / "baseline.toml"
OBSERVED = SOURCE_DIR / "scenarios" / "data" / "zhejiang" / "observed.csv"
TARGET = "Z415X-revenue-2025"
BASE_YEAR = 2017


@pytest.fixture(scope="module")
def scenario():
    with open(SCENARIO, "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def observed():
    return pd.read_csv(OBSERVED, dtype={"id": str})


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("zhejiang") / "zj.h5"
    proc = run("run", SCENARIO, "-n", "20", "--threads", "1", "-o", path)
    return path, proc.stdout


def open_group(path, group):
    return xr.open_dataset(path, engine="h5netcdf", group=group).load()


def test_base_year_415x_output_is_concordance_times_table(scenario, result):
    path, _ = result
    table = (SCENARIO.parent / scenario["table"]["path"]).resolve()
    assert table == TABLES / "zhejiang_2017_42"
    codes, Z, F, _, _, _, _ = read_table(table)
    x = pd.Series(Z.sum(axis=1) + F.to_numpy(float).sum(axis=1), index=codes)
    share = scenario["region"]["above_scale_output_share"]
    industrial = set(scenario["region"]["industrial_sectors"])
    a = pd.Series([share if c in industrial else 1.0 for c in codes], index=codes)
    weights = pd.read_csv((SCENARIO.parent / scenario["clusters"]["415X"]).resolve(),
                          dtype={"sector": str}, comment="#")
    weights["output"] = weights["weight"] * weights["sector"].map(x)
    weights["above_scale"] = weights["output"] * weights["sector"].map(a)
    expected = weights.groupby("cluster")[["output", "above_scale"]].sum()

    clusters = open_group(path, "clusters")
    for cluster, row in expected.iterrows():
        got = clusters.sel(cluster=f"415X/{cluster}", year=BASE_YEAR).isel(point=0)
        # The base year is the table itself: the same in every replication.
        np.testing.assert_allclose(got["output"].values, row["output"], rtol=1e-9)
        np.testing.assert_allclose(got["output_above_scale"].values, row["above_scale"], rtol=1e-9)
    # The documented figures (observed.csv rows zj_415x_output_2017, zj_415x_oas_2017).
    assert expected["output"].sum() == pytest.approx(70764.7, abs=0.05)
    assert expected["above_scale"].sum() == pytest.approx(62327.9, abs=0.05)


def test_target_is_judged_here_and_pointed_to_from_ningbo(result):
    path, stdout = result
    targets = open_group(path, "targets")
    assert TARGET in targets["target"].values
    assert TARGET not in targets["not_evaluated"].values
    p = float(targets["probability"].sel(target=TARGET).isel(point=0))
    assert 0.0 <= p <= 1.0
    assert TARGET in stdout.split("Backtest:")[0]
    # The Ningbo baseline keeps the target as not evaluated, naming this scenario.
    with open(SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml", "rb") as f:
        ningbo = tomllib.load(f)
    (entry,) = [t for t in ningbo["target"] if t["id"] == TARGET]
    assert "../zhejiang/baseline.toml" in entry["needs"]
    with open(SCENARIO, "rb") as f:
        (judged,) = [t for t in tomllib.load(f)["target"] if t["id"] == TARGET]
    for key in ["text", "source", "threshold", "year", "unit"]:
        assert judged[key] == entry[key], key


def numeric_leaves(table, prefix=""):
    """(dotted key, number) for every number of a parsed TOML table (arrays of tables skipped)."""
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from numeric_leaves(value, name + ".")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, (int, float)):
            yield name, float(value)


def documented_key(key):
    """The observed.csv metric that documents a scenario key (final-demand columns share one)."""
    parts = key.split(".")
    if parts[:2] == ["growth", "final_demand"] and parts[3] in ("mean", "sd"):
        return f"scenario/growth.final_demand.*.{parts[3]}"
    if key == "investment.other_gfcf_growth.mean":
        return "scenario/growth.final_demand.*.mean"
    if key == "investment.other_gfcf_growth.sd" or key.endswith("common_loading"):
        return "scenario/growth.final_demand.*.sd"  # the spreads and loadings row
    return f"scenario/{key}"


def test_every_number_of_the_scenario_is_documented_and_dated_no_later_than_base_year(
        scenario, observed):
    assert scenario["scenario"]["base_year"] == BASE_YEAR
    rows = observed[observed["metric"].str.startswith("scenario/")]
    assert (rows["year"] <= BASE_YEAR).all()
    assert set(rows["status"]) <= {"estimate", "assumption", "derived", "verified"}
    used = {k: v for part in ("region", "growth", "prices", "capacity", "investment")
            if part in scenario for k, v in numeric_leaves(scenario[part], part + ".")}
    assert "region.above_scale_output_share" in used
    for key, value in used.items():
        if key == "growth.common.mean":
            assert value == 0.0  # the common shock is centred: no figure behind a zero
            continue
        metric = documented_key(key)
        row = rows[rows["metric"] == metric]
        assert len(row) == 1, f"{key}: no row {metric} in {OBSERVED.name}"
        if key.endswith(("common_loading", ".sd")) and metric.endswith("*.sd"):
            continue  # spreads and loadings: one ASSUMPTION row lists them all
        documented = float(row["value"].iloc[0])
        assert value == pytest.approx(documented, abs=5e-5), key
    # The rows the parameters rest on are themselves dated no later than the base year.
    basis = observed[observed["status"].isin(["verified", "derived", "estimate"])
                     & observed["id"].str.startswith("zj_")]
    assert (basis["year"] <= BASE_YEAR).all()


def test_parameter_arithmetic_matches_the_published_figures(observed):
    v = observed.set_index("id")["value"]
    assert v["zj_oas_jan_jul_2017"] == pytest.approx(
        v["zj_newprod_oas_jan_jul_2017"] / (v["zj_newprod_rate_jan_jul_2017"] / 100), abs=0.05)
    assert v["zj_oas_2017"] == pytest.approx(v["zj_oas_jan_jul_2017"] * 12 / 7, abs=0.05)
    codes, Z, F, _, _, _, _ = read_table(TABLES / "zhejiang_2017_42")
    x = pd.Series(Z.sum(axis=1) + F.to_numpy(float).sum(axis=1), index=codes)
    industrial = x[[f"{i:02d}" for i in range(2, 27)]].sum()
    assert v["zj_industrial_output_2017"] == pytest.approx(industrial, abs=0.05)
    assert v["zj_param_above_scale_share"] == pytest.approx(v["zj_oas_2017"] / industrial, abs=5e-5)
    real = (1 + v["zj_gdp_real_growth_2011_2016"] / 100) * (1 + v["zj_gdp_growth_2017"] / 100)
    assert v["zj_param_real_growth"] == pytest.approx(real ** (1 / 6) - 1, abs=5e-5)
    deflator = (v["zj_gdp_2017"] / v["zj_gdp_2011"] / real) ** (1 / 6) - 1
    assert v["zj_param_price_growth"] == pytest.approx(deflator, abs=5e-5)


def test_actuals_are_rows_of_the_record(scenario, observed, result):
    path, _ = result
    rows = observed.set_index("id")
    ids = []
    for actual in scenario["actual"]:
        row = rows.loc[actual["id"]]
        key = actual["metric"] + (":" + ",".join(actual["select"]) if "select" in actual else "")
        assert row["metric"] == key
        assert row["year"] == actual["year"] and row["value"] == actual["value"]
        ids.append(actual["id"])
    later = [i for i in ids if rows.loc[i, "year"] > BASE_YEAR]
    assert later, "the run is scored against figures reported after its base year"
    validation = open_group(path, "validation")
    assert set(ids) <= set(map(str, validation["figure"].values))
    assert math.isfinite(float(validation["crps"].sel(figure="z415x_revenue_2023")))
