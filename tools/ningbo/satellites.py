"""Satellite accounts of the Ningbo tables: energy (tce), water (m3), R&D spending (亿元).

Called by build_ningbo.py. Every figure comes from scenarios/data/ningbo/satellite_figures.csv
(value, source, quote); scenarios/data/ningbo/SOURCES-satellites.md explains each step and
marks each ESTIMATE. Only figures dated no later than a table's year are used for it.

Energy and water are split over sectors by Ningbo's output of sector j times the NATIONAL
technical coefficient (china_2017_42, competitive-import table, so imported inputs count) of
the products the account follows, over the industrial sectors 02-26 only:

  energy  products 02 coal, 03 crude oil and gas, 11 refined petroleum and coke, 24 electricity
          and heat, 25 gas: money bought per unit of output stands for energy used per unit
  water   product 26 water supply

weight_j = x_j * sum_k A_cn[k, j], account_j = total * weight_j / sum(weight). R&D is split by
the industrial sectors' value added (the same R&D per unit of value added in every industrial
sector): the national table records no intermediate purchases of R&D (product 35) by industry
(R&D is capital formation there), and no R&D by sector was found for Ningbo or Zhejiang.
Non-industrial sectors get 0: the published totals are industry's.

R&D of 2017 (ESTIMATE): no Ningbo R&D total dated 2016 or 2017 was found; the 2016 MIC2025 pilot
plan (甬政办发〔2016〕152号) states the 2015 base of 规上制造业研发经费支出占主营业务收入比重,
1.5 %, which is held for 2017 and applied to 2017 规上 output (主营业务收入 ~ 规上工业总产值):
automobile 规上 output 2355.9 / its 14.8 % share of 规上 output (calibration.csv), as
build_ningbo.py derives the 2017 规上 output.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "scenarios" / "data" / "ningbo" / "satellite_figures.csv"
CALIBRATION = ROOT / "scenarios" / "data" / "ningbo" / "calibration.csv"
INDUSTRY = [f"{i:02d}" for i in range(2, 27)]
PRODUCTS = {"energy": ["02", "03", "11", "24", "25"], "water": ["26"]}
UNITS = {"energy": "tce", "water": "m3", "rd_expenditure": "CNY 100 million"}


def figures() -> dict:
    with open(FIGURES, newline="", encoding="utf-8") as fh:
        return {(r["figure"], int(r["year"])): float(r["value"]) for r in csv.DictReader(fh)}


def output_above_scale_2017() -> float:
    """2017 规上工业总产值 (亿元): automobile 规上 output / its share of 规上 output."""
    with open(CALIBRATION, newline="", encoding="utf-8") as fh:
        c = {(r["figure"], int(r["year"])): float(r["value"]) for r in csv.DictReader(fh)}
    return (c[("automobile_output_above_scale", 2017)]
            / c[("automobile_share_of_above_scale_output", 2017)])


def split_weights(t, national, products) -> np.ndarray:
    """x_j * sum_k A_cn[k, j] on the industrial sectors, 0 elsewhere."""
    xn = national.total_output()
    A = national.Z / np.where(xn > 0, xn, 1.0)[None, :]
    rows = [national.codes.index(k) for k in products]
    coef = A[rows].sum(axis=0)
    w = np.zeros(t.n)
    for s in INDUSTRY:
        j = t.codes.index(s)
        w[j] = t.total_output()[j] * coef[national.codes.index(s)]
    return w


def industrial_mask(t) -> np.ndarray:
    return np.array([1.0 if s in INDUSTRY else 0.0 for s in t.codes])


def industrial_value_added(t) -> float:
    idx = [t.codes.index(s) for s in INDUSTRY]
    return float(t.va.sum(axis=0)[idx].sum())


def totals(t, year: int, fig: dict) -> dict:
    """The industrial total of each account for table t (year 2017 or 2021); None = not built."""
    out = {}
    # ESTIMATE: the latest published Ningbo industrial energy use found is 2010's; held.
    out["energy"] = fig[("industrial_energy_use", 2010)] if year == 2017 else None
    # Published 2017 万元工业增加值用水量 x the table's industrial value added (亿元 x 1e4 = 万元).
    out["water"] = (fig[("industrial_water_intensity", 2017)] * industrial_value_added(t) * 1e4
                    if year == 2017 else None)
    # Published 2021 规上工业企业研发费用. 2017: no R&D total dated 2017 or earlier was found;
    # ESTIMATE: the 2015 ratio to 主营业务收入 (1.5 %, held) x 2017 规上 output.
    if year == 2021:
        out["rd_expenditure"] = fig[("rd_expenditure_industry_above_scale", 2021)]
    else:
        share = fig[("rd_share_of_revenue_manufacturing_above_scale", 2015)] / 100.0
        out["rd_expenditure"] = share * output_above_scale_2017()
    return out


def add_rows(t, national, year: int, fig: dict) -> dict:
    """Appends (or replaces) the accounts of `year` in t's satellites; returns their totals."""
    built = {}
    for label, total in totals(t, year, fig).items():
        if total is None:
            continue
        if label in PRODUCTS:
            w = split_weights(t, national, PRODUCTS[label])
        else:
            w = industrial_mask(t) * t.va.sum(axis=0)
        row = total * w / w.sum()
        if label in t.sat_labels:
            t.sat[t.sat_labels.index(label)] = row
        else:
            t.sat_labels.append(label)
            t.sat_units.append(UNITS[label])
            t.sat = row[None, :] if t.sat is None else np.vstack([t.sat, row[None, :]])
        built[label] = total
    return built
