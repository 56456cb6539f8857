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
SYSTEMS = ["246", "361-2023", "361-2025", "3511", "3511-key-2019", "415X", "zhenhai-122"]
INDUSTRY = [f"{i:02d}" for i in range(2, 27)]
KEY_2019 = ["rare_earth_magnetic_materials", "high_end_metal_alloys", "graphene",
            "special_equipment", "key_basic_components", "optoelectronics",
            "integrated_circuits", "industrial_iot"]

SHIPPED = ([f"scenarios/data/tables/{t}/{f}" for t in ("ningbo_2017_42", "ningbo_2021_42")
            for f in ("table.toml", "sectors.csv", "Z.csv", "final_demand.csv", "value_added.csv",
                      "imports.csv", "satellites.csv", "gfcf_bridge.csv")]
           + [f"scenarios/data/concordances/{s}.csv" for s in SYSTEMS]
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


def test_tables_load_and_run_in_icsim():
    for year in (2017, 2021):
        proc = run("io", TABLES / f"ningbo_{year}_42", "--type2", "--investment", "--quiet")
        assert proc.returncode == 0
        toml = (TABLES / f"ningbo_{year}_42" / "table.toml").read_text(encoding="utf-8")
        assert "NO PUBLISHED INPUT-OUTPUT TABLE" in toml and "[table]" in toml


@pytest.mark.parametrize("system", SYSTEMS)
def test_concordance_loads_and_weights_sum_at_most_one(system):
    path = CONCORDANCES / f"{system}.csv"
    w = pd.read_csv(path, dtype={"sector": str})
    assert list(w.columns) == ["cluster", "sector", "weight", "cluster_name"]
    assert ((w["weight"] > 0) & (w["weight"] <= 1)).all()
    assert (w.groupby("sector")["weight"].sum() <= 1 + 1e-9).all()
    assert w["cluster"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    codes = read_table(TABLES / "ningbo_2021_42")[0]
    assert set(w["sector"]) <= set(codes)
    run("io", TABLES / "ningbo_2021_42", "--investment", "--quiet", "--concordance", f"{system}={path}")


def test_key_2019_has_exactly_the_eight_codes():
    w = pd.read_csv(CONCORDANCES / "3511-key-2019.csv", dtype={"sector": str})
    assert list(dict.fromkeys(w["cluster"])) == KEY_2019
