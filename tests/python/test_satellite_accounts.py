"""The satellite accounts of the Ningbo tables (energy, water, R&D) and their flow into results.

Checks, independently of tools/ningbo/satellites.py (the tables are read with pandas, the rules
recomputed with numpy): each account reproduces its published base-year total within 2 %
(scenarios/data/ningbo/satellite_figures.csv), every figure has a source and a quote, the rows
follow the documented split rules (scenarios/data/ningbo/SOURCES-satellites.md), the 2021 table
keeps the 2017 coefficients, and a run's result file carries the accounts (opened in xarray)
with the base year equal to the table and the accounting identities of docs/results.md.

Run with Debian's Python: /usr/bin/python3 -m pytest tests/python/test_satellite_accounts.py
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from icsim_testing import SOURCE_DIR, TABLES, read_table, run

FIGURES = SOURCE_DIR / "scenarios" / "data" / "ningbo" / "satellite_figures.csv"
INDUSTRY = [f"{i:02d}" for i in range(2, 27)]
ENERGY_PRODUCTS = ["02", "03", "11", "24", "25"]


def figure(name, year):
    f = pd.read_csv(FIGURES)
    row = f[(f["figure"] == name) & (f["year"] == year)]
    assert len(row) == 1, (name, year)
    return float(row["value"].iloc[0])


def table(year):
    codes, Z, F, V, M, S, C = read_table(TABLES / f"ningbo_{year}_42")
    x = Z.sum(axis=1) + F.to_numpy().sum(axis=1)
    return codes, x, V.to_numpy().sum(axis=0), S


def industrial(codes):
    return np.array([c in INDUSTRY for c in codes])


def test_every_figure_has_a_source_and_a_quote():
    f = pd.read_csv(FIGURES, dtype=str, keep_default_na=False)
    assert list(f.columns) == ["figure", "year", "value", "unit", "source", "quote"]
    assert (f["source"].str.len() > 20).all() and (f["quote"].str.len() > 5).all()
    assert (f["year"].astype(int) <= 2021).all()


def test_2017_accounts_reproduce_the_published_totals():
    codes, x, va, S = table(2017)
    ind = industrial(codes)
    energy, water = S.loc["energy"].to_numpy(), S.loc["water"].to_numpy()
    # Energy: Ningbo's industrial energy use (the 2010 white paper's, held: an ESTIMATE).
    assert energy[ind].sum() == pytest.approx(figure("industrial_energy_use", 2010), rel=0.02)
    # Water: 万元工业增加值用水量 2017 = industrial water / industrial value added in 万元.
    assert water[ind].sum() / (va[ind].sum() * 1e4) == pytest.approx(
        figure("industrial_water_intensity", 2017), rel=0.02)
    # Industry's accounts only.
    assert (energy[~ind] == 0).all() and (water[~ind] == 0).all()


def test_2017_rd_account_is_the_2015_ratio_to_above_scale_output():
    """R&D 2017 (ESTIMATE): the plan's 2015 base ratio of 规上制造业 R&D to 主营业务收入 (1.5 %)
    times 2017 规上 output (automobile 规上 output / its share, calibration.csv), split by the
    industrial sectors' value added."""
    codes, x, va, S = table(2017)
    ind = industrial(codes)
    cal = pd.read_csv(SOURCE_DIR / "scenarios" / "data" / "ningbo" / "calibration.csv")
    get = lambda n: float(cal[(cal["figure"] == n) & (cal["year"] == 2017)]["value"].iloc[0])
    above = get("automobile_output_above_scale") / get("automobile_share_of_above_scale_output")
    assert above == pytest.approx(15918.2, abs=0.1)  # observed.csv oas_2017_derived
    rd = S.loc["rd_expenditure"].to_numpy()
    ratio = figure("rd_share_of_revenue_manufacturing_above_scale", 2015)
    assert 100 * rd.sum() / above == pytest.approx(ratio, rel=0.02)
    # and as the scenario reads it: over the table's industrial output x the 规上 share
    der = pd.read_csv(SOURCE_DIR / "scenarios" / "data" / "ningbo" / "derived.csv")
    share = float(der[(der["figure"] == "above_scale_share_of_industrial_output")
                      & (der["year"] == 2017)]["value"].iloc[0])
    assert 100 * rd.sum() / (share * x[ind].sum()) == pytest.approx(ratio, rel=0.02)
    pos = ind & (va > 0)
    assert np.allclose(rd[pos] / va[pos], rd[ind].sum() / va[ind].sum(), rtol=1e-9)
    assert (rd[~ind] == 0).all()


def test_2021_accounts_keep_2017_coefficients_and_meet_the_rd_total():
    c17, x17, _, S17 = table(2017)
    c21, x21, va21, S21 = table(2021)
    assert c17 == c21
    for label in ("energy", "water"):
        k17 = np.divide(S17.loc[label].to_numpy(), x17, out=np.zeros_like(x17), where=x17 > 0)
        k21 = np.divide(S21.loc[label].to_numpy(), x21, out=np.zeros_like(x21), where=x21 > 0)
        assert np.allclose(k17, k21, rtol=1e-9, atol=0)
    ind = industrial(c21)
    rd = S21.loc["rd_expenditure"].to_numpy()
    published = figure("rd_expenditure_industry_above_scale", 2021)
    assert rd.sum() == pytest.approx(published, rel=0.02)
    # Split by industrial value added: the same R&D per unit of value added in industry.
    pos = ind & (va21 > 0)
    assert np.allclose(rd[pos] / va21[pos], rd[ind].sum() / va21[ind].sum(), rtol=1e-9)
    assert (rd[ind & (va21 == 0)] == 0).all()
    assert (rd[~ind] == 0).all()


def test_split_follows_the_national_input_coefficients():
    codes, x, _, S = table(2017)
    nc, nZ, nF, nV, nM, _, _ = read_table(TABLES / "china_2017_42")
    nx = nZ.sum(axis=1) + nF.to_numpy().sum(axis=1)
    A = nZ / np.where(nx > 0, nx, 1.0)[None, :]
    for label, products in (("energy", ENERGY_PRODUCTS), ("water", ["26"])):
        coef = A[[nc.index(k) for k in products]].sum(axis=0)
        w = np.array([x[j] * coef[nc.index(c)] if c in INDUSTRY else 0.0
                      for j, c in enumerate(codes)])
        row = S.loc[label].to_numpy()
        assert np.allclose(row / row.sum(), w / w.sum(), rtol=1e-9, atol=1e-15), label


def test_a_run_carries_the_accounts(tmp_path):
    """The backtest from 2017 (input-output only): the base year holds the table's rows, the
    published water intensity, and the identities hold in every year and replication."""
    out = tmp_path / "bt.h5"
    run("run", SOURCE_DIR / "scenarios" / "ningbo" / "backtest_2017.toml", "-n", 8, "-q",
        "-o", out)
    import xarray as xr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sec = xr.open_dataset(out, engine="h5netcdf", group="sectors").load()
        reg = xr.open_dataset(out, engine="h5netcdf", group="region").load()
        tg = xr.open_dataset(out, engine="h5netcdf", group="targets").load()
    codes, x, va, S = table(2017)
    base = sec["energy_use"].isel(point=0, replication=0, year=0).to_numpy()
    assert np.allclose(base, S.loc["energy"].to_numpy(), rtol=1e-9)
    r = reg.isel(point=0)
    assert float(r["industrial_water_intensity"].isel(replication=0, year=0)) == pytest.approx(
        figure("industrial_water_intensity", 2017), rel=0.02)
    e = sec["energy_use"].isel(point=0).sum("sector")
    assert np.allclose(e, r["energy_use"], rtol=1e-9)
    va_wan = r["industrial_value_added"] / r["price_index"] * 1e4
    assert np.allclose(r["industrial_energy_intensity"] * va_wan, r["industrial_energy_use"],
                       rtol=1e-9)
    assert np.allclose(r["industrial_water_intensity"] * va_wan, r["industrial_water_use"],
                       rtol=1e-9)
    # T14 and T10 are judged (not in the not-evaluated list).
    judged = [str(t) for t in tg["target"].to_numpy()]
    assert "T14" in judged and "T10" in judged
    # T10's series in the base year: the account's R&D over 规上 output = the 2015 ratio.
    rd0 = float(r["industrial_rd_expenditure"].isel(replication=0, year=0))
    above0 = float(r["industrial_output_above_scale"].isel(replication=0, year=0))
    assert 100 * rd0 / above0 == pytest.approx(
        figure("rd_share_of_revenue_manufacturing_above_scale", 2015), rel=0.02)
    assert np.allclose(sec["rd_expenditure"].isel(point=0).sum("sector"),
                       r["industrial_rd_expenditure"], rtol=1e-9)
    # T10 by hand: 100 x R&D / 规上 output in 2019, replication by replication, and reached
    # where it is at least 1.75.
    share = 100 * (r["industrial_rd_expenditure"] / r["industrial_output_above_scale"]).sel(
        year=2019).to_numpy()
    t10 = tg.sel(target="T10").isel(point=0)
    np.testing.assert_allclose(t10["value"].to_numpy(), share, rtol=1e-12)
    np.testing.assert_array_equal(t10["reached"].to_numpy().astype(bool), share >= 1.75)
