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
    # Industry's accounts only; no R&D figure dated 2017 or earlier, so no R&D row.
    assert (energy[~ind] == 0).all() and (water[~ind] == 0).all()
    assert "rd_expenditure" not in S.index


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
    # T14 is judged (not in the not-evaluated list).
    assert "T14" in [str(t) for t in tg["target"].to_numpy()]
