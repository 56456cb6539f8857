"""Tests of the bundled Ningbo dataset (tools/ningbo/build_ningbo.py and its outputs).

Run with Debian's Python: /usr/bin/python3 -m pytest tests/python/test_ningbo_dataset.py
(ICSIM_BIN and ICSIM_SOURCE_DIR are set by CTest; see icsim_testing.py for the defaults).

The tables are read here with pandas (icsim_testing.read_table), independently of the builder,
and checked against the figures of scenarios/data/ningbo/calibration.csv.
"""
from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from icsim_testing import SOURCE_DIR, TABLES, icsim_bin, read_table, run

NINGBO = SOURCE_DIR / "scenarios" / "data" / "ningbo"
CONCORDANCES = SOURCE_DIR / "scenarios" / "data" / "concordances"
BUILDER = SOURCE_DIR / "tools" / "ningbo" / "build_ningbo.py"
SYSTEMS = ["246", "361-2023", "361-2025", "3511", "3511-key-2019", "415X", "zhenhai-122",
           "high-tech-mfg", "high-new-tech-zj", "digital-core"]
INDUSTRY = [f"{i:02d}" for i in range(2, 27)]
BASE_YEARS = (2017, 2021)
KEY_2019 = ["rare_earth_magnetic_materials", "high_end_metal_alloys", "graphene",
            "special_equipment", "key_basic_components", "optoelectronics",
            "integrated_circuits", "industrial_iot"]

SHIPPED = ([f"scenarios/data/tables/{t}/{f}" for t in ("ningbo_2017_42", "ningbo_2021_42")
            for f in ("table.toml", "sectors.csv", "Z.csv", "final_demand.csv", "value_added.csv",
                      "imports.csv", "satellites.csv", "gfcf_bridge.csv")]
           + [f"scenarios/data/concordances/{y}/{s}.csv" for y in BASE_YEARS for s in SYSTEMS]
           + ["scenarios/data/concordances/README.md"]
           + [f"scenarios/data/ningbo/{f}" for f in
              ("sizes_2017.csv", "derived.csv", "actuals.csv", "SOURCES.md")])


def calibration():
    c = pd.read_csv(NINGBO / "calibration.csv")
    return {(r.figure, int(r.year)): float(r.value) for r in c.itertuples()}


def derived():
    d = pd.read_csv(NINGBO / "derived.csv")
    return {(r.figure, int(r.year)): float(r.value) for r in d.itertuples()}


def test_rebuild_reproduces_every_shipped_file(tmp_path):
    proc = subprocess.run([sys.executable, str(BUILDER), "--out-root", str(tmp_path),
                           "--icsim", icsim_bin()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    produced = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert produced == sorted(SHIPPED)
    for rel in SHIPPED:
        assert filecmp.cmp(tmp_path / rel, SOURCE_DIR / rel, shallow=False), f"{rel} differs"


def test_calibration_has_a_source_for_every_figure():
    c = pd.read_csv(NINGBO / "calibration.csv", dtype=str, keep_default_na=False)
    assert list(c.columns)[:5] == ["figure", "year", "value", "unit", "source"]
    assert (c["source"].str.len() > 5).all()
    a = pd.read_csv(NINGBO / "actuals.csv", dtype=str, keep_default_na=False)
    assert list(a.columns) == ["metric", "year", "value", "unit", "source"]
    assert (a["source"].str.len() > 5).all()
    assert {"gdp", "industrial_value_added", "industrial_value_added_above_scale",
            "industrial_output_above_scale"} <= set(a["metric"])


@pytest.mark.parametrize("year", [2017, 2021])
def test_table_reproduces_calibration_totals(year):
    c, d = calibration(), derived()
    codes, Z, F, V, M, S, C = read_table(TABLES / f"ningbo_{year}_42")
    x_row = Z.sum(axis=1) + F.to_numpy().sum(axis=1)
    x_col = Z.sum(axis=0) + V.to_numpy().sum(axis=0) + M.to_numpy().sum(axis=0)
    assert np.allclose(x_row, x_col, rtol=1e-8, atol=1e-8)
    va = V.to_numpy().sum(axis=0)
    ind = [codes.index(s) for s in INDUSTRY]
    # GDP = value added
    assert va.sum() == pytest.approx(c[("gdp", year)], rel=0.005)
    ind_va = va[ind].sum()
    ind_x = x_row[ind].sum()
    if year == 2021:
        assert ind_va == pytest.approx(c[("industrial_value_added", 2021)], rel=1e-6)
        assert d[("industrial_value_added_above_scale", 2021)] == c[("industrial_value_added_above_scale", 2021)]
    else:  # 2017 industrial VA: 2017 GDP x the 2018 industry share (estimate in SOURCES.md)
        share18 = c[("industrial_value_added", 2018)] / c[("gdp", 2018)]
        assert ind_va == pytest.approx(c[("gdp", 2017)] * share18, rel=1e-6)
    # 规上 figures through the derived shares
    assert d[("above_scale_share_of_industrial_output", year)] * ind_x == pytest.approx(
        d[("industrial_output_above_scale", year)], rel=1e-5)
    assert d[("above_scale_share_of_industrial_value_added", year)] * ind_va == pytest.approx(
        d[("industrial_value_added_above_scale", year)], rel=1e-5)
    assert 0.5 < d[("above_scale_share_of_industrial_output", year)] < 1
    assert 0.5 < d[("above_scale_share_of_industrial_value_added", year)] < 1
    if year == 2017:
        auto = c[("automobile_output_above_scale", 2017)] / c[("automobile_share_of_above_scale_output", 2017)]
        assert d[("industrial_output_above_scale", 2017)] == pytest.approx(auto, rel=1e-6)
    # regional table: every sector at most the Zhejiang parent's output; bridge columns <= 1
    zj = read_table(TABLES / "zhejiang_2017_42")
    x_zj = zj[1].sum(axis=1) + zj[2].to_numpy().sum(axis=1)
    sizes = pd.read_csv(NINGBO / "sizes_2017.csv", dtype={"code": str}).set_index("code")["output"]
    assert (sizes.loc[codes].to_numpy() <= x_zj * (1 + 1e-9)).all()
    if year == 2017:
        assert np.allclose(x_row, sizes.loc[codes].to_numpy(), rtol=1e-8)
    assert (C >= 0).all() and (C.sum(axis=0) <= 1 + 1e-12).all()


def test_sector_18_holds_the_published_automobile_output():
    """Sector 18 of 2017 = Ningbo's 规上 automobile output (汽车制造业) / the 规上 share, plus the
    non-automobile part (rail, ships, other transport: China 2018 mix) at the common share of the
    other industrial sectors — recomputed here from the sizes, the parent and the national table."""
    c, d = calibration(), derived()
    n153, Z153, F153, *_ = read_table(TABLES / "china_2018_153")
    x153 = pd.Series(Z153.sum(axis=1) + F153.to_numpy(float).sum(axis=1), index=n153)
    af = x153[["079", "080"]].sum() / x153[[f"{k:03d}" for k in range(79, 84)]].sum()
    zj = read_table(TABLES / "zhejiang_2017_42")
    x_zj = pd.Series(zj[1].sum(axis=1) + zj[2].to_numpy().sum(axis=1), index=zj[0])
    sizes = pd.read_csv(NINGBO / "sizes_2017.csv", dtype={"code": str}).set_index("code")["output"]
    common = [s for s in INDUSTRY if s not in ("11", "18") and x_zj[s] > 0]
    share = sizes[common] / x_zj[common]
    assert share.max() - share.min() < 1e-9   # one common share s for the other sectors
    a = d[("above_scale_share_of_industrial_output", 2017)]
    auto = c[("automobile_output_above_scale", 2017)] / a
    assert sizes["18"] == pytest.approx(auto + share.iloc[0] * (1 - af) * x_zj["18"], rel=2e-6)
    assert sizes["18"] < x_zj["18"]


def test_tables_load_and_run_in_icsim():
    for year in (2017, 2021):
        proc = run("io", TABLES / f"ningbo_{year}_42", "--type2", "--investment", "--quiet")
        assert proc.returncode == 0
        toml = (TABLES / f"ningbo_{year}_42" / "table.toml").read_text(encoding="utf-8")
        assert "NO PUBLISHED INPUT-OUTPUT TABLE" in toml and "[table]" in toml


def read_concordance(year, system):
    """(weights, overlapping): the CSV read with pandas; `# overlapping` lines before the header."""
    path = CONCORDANCES / str(year) / f"{system}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    assert all(ln.startswith("#") for ln in lines[:len(comments)]), "comments only before the header"
    overlapping = any(ln[1:].split()[:1] == ["overlapping:"] or ln[1:].split()[:1] == ["overlapping"]
                      for ln in comments)
    w = pd.read_csv(path, dtype={"sector": str}, skiprows=len(comments))
    return w, overlapping


@pytest.mark.parametrize("year", BASE_YEARS)
@pytest.mark.parametrize("system", SYSTEMS)
def test_concordance_loads_and_overlap_is_declared(year, system):
    w, overlapping = read_concordance(year, system)
    assert list(w.columns) == ["cluster", "sector", "weight", "cluster_name"]
    assert ((w["weight"] > 0) & (w["weight"] <= 1)).all()
    # a sector's weights sum above 1 only in a system whose file declares it overlapping
    assert overlapping == bool((w.groupby("sector")["weight"].sum() > 1 + 1e-9).any())
    assert w["cluster"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    codes = read_table(TABLES / f"ningbo_{year}_42")[0]
    assert set(w["sector"]) <= set(codes)
    path = CONCORDANCES / str(year) / f"{system}.csv"
    run("io", TABLES / f"ningbo_{year}_42", "--investment", "--quiet", "--concordance",
        f"{system}={path}")


@pytest.mark.parametrize("year", BASE_YEARS)
def test_key_2019_has_exactly_the_eight_codes(year):
    w, _ = read_concordance(year, "3511-key-2019")
    assert list(dict.fromkeys(w["cluster"])) == KEY_2019


def test_scenarios_use_the_concordances_of_their_base_year():
    for name, year in (("backtest_2017.toml", 2017), ("baseline.toml", 2021)):
        text = (SOURCE_DIR / "scenarios" / "ningbo" / name).read_text(encoding="utf-8")
        paths = [ln.split("=", 1)[1].strip().strip('"') for ln in text.splitlines()
                 if "../data/concordances/" in ln and not ln.lstrip().startswith("#")]
        assert paths and all(p.startswith(f"../data/concordances/{year}/") for p in paths), name


# ---- clusters as the plans count them ------------------------------------------------------
#
# Every cluster mapped to a published figure (tools/ningbo/cluster_targets.csv -> observed.csv)
# reproduces it in the base year: Y projected from its year y <= B with the table's growth of
# the cluster's sectors, against sum_j W(c, j) a_j x_j (a_j = the 规上 share of the base year for
# industrial sectors, as clusters/output_above_scale). Computed here from the table folders and
# the concordance CSVs with pandas, independently of the builder. Every one is within 5 % (and
# in fact exact): sector 18 of the tables is sized to hold the published automobile output.

FITTED = {  # (base year, system, cluster): (observed id, published value, year)
    (2017, "246", "automobile"): ("auto_out_2017", 2355.9, 2017),
    (2017, "3511", "automobile"): ("auto_out_2017", 2355.9, 2017),
    (2021, "246", "green_petrochemicals"): ("petro_out_2019", 3609.7, 2019),
    (2021, "361-2023", "green_petrochemicals"): ("petro_out_2019", 3609.7, 2019),
    (2021, "361-2025", "green_petrochemicals"): ("petro_out_2019", 3609.7, 2019),
    (2021, "3511", "green_petrochemicals"): ("petro_out_2019", 3609.7, 2019),
    (2021, "246", "automobile"): ("auto_out_2017", 2355.9, 2017),
    (2021, "3511", "automobile"): ("auto_out_2017", 2355.9, 2017),
    (2021, "246", "key_basic_components"): ("kbc_out_2020", 958.8, 2020),
    (2021, "361-2023", "key_basic_components"): ("kbc_out_2020", 958.8, 2020),
    (2021, "3511-key-2019", "key_basic_components"): ("kbc_out_2020", 958.8, 2020),
    (2021, "246", "smart_home_appliances"): ("appl_out_2020", 1031.7, 2020),
    (2021, "361-2023", "smart_home_appliances"): ("appl_out_2020", 1031.7, 2020),
    (2021, "3511", "home_appliances"): ("appl_out_2020", 1031.7, 2020),
    (2021, "246", "biomedicine"): ("bio_out_2020", 206.1, 2020),
    (2021, "3511", "biomedicine"): ("bio_out_2020", 206.1, 2020),
}

def sector_outputs(year):
    codes, Z, F, *_ = read_table(TABLES / f"ningbo_{year}_42")
    return pd.Series(Z.sum(axis=1) + F.to_numpy(float).sum(axis=1), index=codes)


def above_scale_share(year):
    return derived()[("above_scale_share_of_industrial_output", year)]


def cluster_above_scale(year, system, cluster, weights=None):
    x = sector_outputs(year)
    a = pd.Series(1.0, index=x.index)
    a[INDUSTRY] = above_scale_share(year)
    w = read_concordance(year, system)[0] if weights is None else weights
    w = w[w["cluster"] == cluster].set_index("sector")["weight"]
    return float((w * a[w.index] * x[w.index]).sum()), w


def test_fitted_clusters_are_the_mapped_ones_and_figures_come_from_observed():
    obs = pd.read_csv(NINGBO / "observed.csv", dtype=str).set_index("id")
    targets = pd.read_csv(SOURCE_DIR / "tools" / "ningbo" / "cluster_targets.csv", dtype=str)
    mapped = {(int(year), r.system, r.cluster) for r in targets.itertuples() for year in BASE_YEARS
              if int(obs.loc[r.observed_id, "year"]) <= year}
    assert mapped == set(FITTED)
    for (year, system, cluster), (oid, value, y) in FITTED.items():
        o = obs.loc[oid]
        assert float(o["value"]) == value and int(o["year"]) == y and y <= year
        assert o["metric"].startswith("clusters/output_above_scale:") and o["scope"] == "Ningbo"
        assert o["status"] in ("verified", "from_shared_list") and len(o["quote"]) > 5


@pytest.mark.parametrize("key", sorted(FITTED), ids=lambda k: f"{k[0]}-{k[1]}-{k[2]}")
def test_cluster_reproduces_its_published_base_year_output(key):
    year, system, cluster = key
    _, value, y = FITTED[key]
    got, w = cluster_above_scale(year, system, cluster)
    # the table's yearly growth of the cluster's sectors (2017 -> 2021, four years)
    x17, x21 = sector_outputs(2017), sector_outputs(2021)
    ratio = float((w * x21[w.index]).sum() / (w * x17[w.index]).sum())
    target = value * ratio ** ((year - y) / 4)
    assert got == pytest.approx(target, rel=0.05)
    assert got == pytest.approx(target, rel=1e-9)  # the fit is exact
    assert ((w > 0) & (w <= 1)).all()


@pytest.mark.parametrize("year", BASE_YEARS)
def test_unfitted_clusters_keep_the_product_mix_weights(year):
    """A cluster without a figure dated <= the base year has the same weights in both years'
    files, except where it was fitted in the other one."""
    other = 2021 if year == 2017 else 2017
    for system in SYSTEMS:
        w, _ = read_concordance(year, system)
        v, _ = read_concordance(other, system)
        for cluster in dict.fromkeys(w["cluster"]):
            if (year, system, cluster) in FITTED or (other, system, cluster) in FITTED:
                continue
            if system == "high-new-tech-zj":  # fitted to a share in both years
                continue  # (tests/python/test_classifications.py)
            if (system, cluster) in UNION_TOTALS:  # the union of the year's fitted clusters
                continue
            a = w[w.cluster == cluster].set_index("sector")["weight"]
            b = v[v.cluster == cluster].set_index("sector")["weight"]
            pd.testing.assert_series_equal(a, b)


# ---- system totals: the union cluster of an overlapping system ----------------------------------

UNION_TOTALS = {("361-2023", "total")}


@pytest.mark.parametrize("year", BASE_YEARS)
@pytest.mark.parametrize("system,total", sorted(UNION_TOTALS))
def test_union_total_is_min_one_of_the_summed_weights(year, system, total):
    """`total` = per sector min(1, sum of the other clusters' weights), recomputed with pandas;
    it comes last in the file (the memberships of the other clusters do not move)."""
    w, overlapping = read_concordance(year, system)
    assert overlapping and list(dict.fromkeys(w["cluster"]))[-1] == total
    own = w[w["cluster"] != total].groupby("sector")["weight"].sum()
    expect = own.where(own < 1 - 1e-12, 1.0).sort_index()
    got = w[w["cluster"] == total].set_index("sector")["weight"].sort_index()
    pd.testing.assert_series_equal(got, expect, check_names=False, rtol=1e-15)
    # the union is at least every cluster and at most the sector, and below the plain sum
    value, _ = cluster_above_scale(year, system, total)
    parts = sum(cluster_above_scale(year, system, c)[0]
                for c in dict.fromkeys(w["cluster"]) if c != total)
    assert value <= parts * (1 + 1e-12)
    if year == 2021:  # the fitted clusters overlap in 16 and 19: the union is strictly smaller
        assert value < parts * 0.95


def test_the_361_system_target_selects_its_union_total():
    text = (SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml").read_text(encoding="utf-8")
    block = text.split('id = "N361-2023-revenue-2027"', 1)[1].split("[[target]]", 1)[0]
    assert 'select = ["361-2023/total"]' in block and "needs" not in block
    assert 'metric = "clusters/output_above_scale"' in block
