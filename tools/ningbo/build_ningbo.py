#!/usr/bin/python3
"""Build the bundled Ningbo dataset (see tools/ningbo/README.md).

Writes, from inputs inside the repository only:

* scenarios/data/tables/ningbo_2017_42/   FLQ regionalisation of zhejiang_2017_42 (by `icsim io`)
* scenarios/data/tables/ningbo_2021_42/   the 2017 coefficients brought to 2021 totals
* scenarios/data/concordances/{2017,2021}/*.csv  cluster concordances per base year, fitted to
                                          the published cluster outputs (+ README.md)
* scenarios/data/ningbo/sizes_2017.csv    the regional sizes handed to the FLQ
* scenarios/data/ningbo/derived.csv       derived calibration numbers (shares, investment, ...)
* scenarios/data/ningbo/actuals.csv       reported figures for backtests
* scenarios/data/ningbo/SOURCES.md        provenance of every number

Inputs: scenarios/data/ningbo/calibration.csv (every Ningbo figure, with its source),
scenarios/data/ningbo/satellite_figures.csv (the satellite accounts' figures, tools/ningbo/satellites.py),
tools/ningbo/cluster_rules.csv (153-sector items of every cluster),
tools/ningbo/cluster_targets.csv (clusters fitted to published figures of
scenarios/data/ningbo/observed.csv), the shipped tables
zhejiang_2017_42, china_2018_153, china_2020_153, china_2018_42 and the `icsim` binary.

Deterministic: the same inputs give the same bytes (OPENBLAS_NUM_THREADS=1, icsim --threads 1,
fixed order, the importers' shortest-round-trip number writer).

    /usr/bin/python3 tools/ningbo/build_ningbo.py [--out-root DIR] [--icsim PATH]
"""
from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy: identical floating-point results

import argparse
import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "importers"))
import tableio as T  # noqa: E402  (the importers' deterministic reader/writer)

TABLES = ROOT / "scenarios" / "data" / "tables"
CALIBRATION = ROOT / "scenarios" / "data" / "ningbo" / "calibration.csv"
RULES = ROOT / "tools" / "ningbo" / "cluster_rules.csv"
FLQ_DELTA = 0.3
INDUSTRY = [f"{i:02d}" for i in range(2, 27)]       # 02-26: mining, manufacturing, utilities
SERVICES = [f"{i:02d}" for i in range(28, 43)]      # 28-42
sys.path.insert(0, str(ROOT / "tools" / "ningbo"))
import classifications as CL  # noqa: E402  (the classification systems and their share fit)
from observed_targets import read_targets  # noqa: E402  (a target table joined to observed.csv)
import system_totals as ST  # noqa: E402  (the union cluster of an overlapping system)
from classifications import CLASSIFICATION_SYSTEMS  # noqa: E402

SYSTEMS = ["246", "361-2023", "361-2025", "3511", "3511-key-2019", "415X", "zhenhai-122"] \
    + CLASSIFICATION_SYSTEMS
PETRO_ITEMS = ["043", "044", "045", "046", "047", "048", "051"]  # petrochemical part of sector 12
AUTO_ITEMS = ["079", "080"]  # 汽车制造业 (NBS 36): vehicles and parts, the automobile part of 18

# 153 -> 42 correspondence (2017 classification; contiguous, checked against china_2018_42).
RANGES_153 = {
    "01": (1, 5), "02": (6, 6), "03": (7, 7), "04": (8, 9), "05": (10, 11), "06": (12, 26),
    "07": (27, 31), "08": (32, 34), "09": (35, 36), "10": (37, 40), "11": (41, 42),
    "12": (43, 53), "13": (54, 60), "14": (61, 65), "15": (66, 66), "16": (67, 73),
    "17": (74, 78), "18": (79, 83), "19": (84, 89), "20": (90, 95), "21": (96, 96),
    "22": (97, 98), "23": (99, 99), "24": (100, 100), "25": (101, 101), "26": (102, 102),
    "27": (103, 108), "28": (109, 110), "29": (111, 122), "30": (123, 124), "31": (125, 129),
    "32": (130, 132), "33": (133, 133), "34": (134, 135), "35": (136, 136), "36": (137, 138),
    "37": (139, 141), "38": (142, 143), "39": (144, 144), "40": (145, 146), "41": (147, 151),
    "42": (152, 153),
}
ITEM_TO_42 = {f"{k:03d}": s for s, (a, b) in RANGES_153.items() for k in range(a, b + 1)}


def f(x, nd=1):
    """Fixed-decimal text for reports (deterministic)."""
    return f"{x:,.{nd}f}"


def csv_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


# ----------------------------------------------------------------------------- calibration

class Calibration:
    def __init__(self, path: Path):
        with open(path, encoding="utf-8", newline="") as fh:
            self.rows = list(csv.DictReader(fh))
        self.value = {(r["figure"], int(r["year"])): float(r["value"]) for r in self.rows}
        self.source = {(r["figure"], int(r["year"])): r["source"] for r in self.rows}

    def __call__(self, figure, year):
        return self.value[(figure, year)]


def industrial_output_above_scale_2017(c: Calibration) -> float:
    # derived: automobile 规上 output / automobile share of 规上 output (same source)
    return c("automobile_output_above_scale", 2017) / c("automobile_share_of_above_scale_output", 2017)


def va_rate_above_scale(c: Calibration) -> float:
    # 规上 VA / 规上 gross output, 2020 (both full-year published figures)
    return c("industrial_value_added_above_scale", 2020) / c("industrial_output_above_scale", 2020)


def group_targets(c: Calibration, year: int) -> dict:
    """Value added of the four groups (primary, industry, construction, services) in ``year``."""
    gdp = c("gdp", year)
    prim_share = c("va_primary", 2020) / c("gdp", 2020)
    cons_share = (c("va_secondary", 2020) - c("industrial_value_added", 2020)) / c("gdp", 2020)
    if (("industrial_value_added", year)) in c.value:
        ind = c("industrial_value_added", year)
        ind_how = "published"
    else:  # 2017: the 2018 industry share of GDP applied to the 2017 GDP
        ind = gdp * c("industrial_value_added", 2018) / c("gdp", 2018)
        ind_how = "estimate: 2017 GDP x 2018 share of 全部工业增加值 in GDP"
    prim, cons = gdp * prim_share, gdp * cons_share
    return {"gdp": gdp, "primary": prim, "industry": ind, "construction": cons,
            "services": gdp - prim - ind - cons, "industry_how": ind_how,
            "prim_share": prim_share, "cons_share": cons_share}


# ----------------------------------------------------------------------------- national shares

def national_outputs(name):
    t = T.read_table(TABLES / name)
    return dict(zip(t.codes, t.total_output()))


def check_153_to_42():
    x153 = national_outputs("china_2018_153")
    x42 = national_outputs("china_2018_42")
    for s in x42:
        agg = sum(v for k, v in x153.items() if ITEM_TO_42[k] == s)
        if abs(agg - x42[s]) > 1e-6 * max(1.0, x42[s]):
            raise SystemExit(f"153->42 correspondence broken at sector {s}: {agg} vs {x42[s]}")


def auto_fraction_of_18(x153) -> float:
    """Share of the automobile items (079 vehicles, 080 parts) in sector 18, national mix."""
    items18 = [k for k in x153 if ITEM_TO_42[k] == "18"]
    return sum(x153[k] for k in AUTO_ITEMS) / sum(x153[k] for k in items18)


def petro_fraction_of_12(x153) -> float:
    items12 = [k for k in x153 if ITEM_TO_42[k] == "12"]
    return sum(x153[k] for k in PETRO_ITEMS) / sum(x153[k] for k in items12)


# ----------------------------------------------------------------------------- 2017 sizes

def sizes_2017(zj: T.Table, c: Calibration, x153):
    codes = list(zj.codes)
    ix = {s: i for i, s in enumerate(codes)}
    x = zj.total_output()
    vcoef = np.divide(zj.va.sum(axis=0), x, out=np.zeros_like(x), where=x > 0)
    va = vcoef * x
    g = group_targets(c, 2017)
    xr = np.zeros_like(x)
    notes = {}

    xr[ix["01"]] = x[ix["01"]] * g["primary"] / va[ix["01"]]
    notes["01"] = "Zhejiang output x (Ningbo primary VA / Zhejiang sector VA)"
    xr[ix["27"]] = x[ix["27"]] * g["construction"] / va[ix["27"]]
    notes["27"] = "Zhejiang output x (Ningbo construction VA / Zhejiang sector VA)"
    serv = [ix[s] for s in SERVICES]
    s_serv = g["services"] / va[serv].sum()
    xr[serv] = x[serv] * s_serv
    for s in SERVICES:
        notes[s] = f"Zhejiang output x {s_serv:.6f} (Ningbo tertiary VA / Zhejiang tertiary VA)"

    # Industry: the automobile part of 18 from Ningbo's published 规上 automobile output (汽车制造业,
    # at the region's 规上 share a of industrial output, so that the engine's 规上 output of the
    # automobile items is the published figure); 11 and the common share s of the other
    # industrial sectors (and of the non-automobile part of 18) solve (i) industrial VA = target
    # and (ii) green petrochemicals (11 + petrochemical part of 12) = 1/5 of 2017 规上 output.
    # a = 规上 output / table industrial output depends on s: fixed point (contraction, a few steps).
    i11, i12, i18 = ix["11"], ix["12"], ix["18"]
    pf = petro_fraction_of_12(x153)
    af = auto_fraction_of_18(x153)
    A = c("automobile_output_above_scale", 2017)
    oas = industrial_output_above_scale_2017(c)
    P = c("green_petrochemicals_share_of_above_scale_output", 2019) * oas
    rest = [ix[s] for s in INDUSTRY if s not in ("11", "18")]
    R = va[rest].sum() + (1 - af) * va[i18]      # scaled by s: the rest and 18's non-auto part
    X = x[rest].sum() + (1 - af) * x[i18]
    a_share, steps = 1.0, 0
    while True:
        x_auto = A / a_share
        s_ind = (g["industry"] - x_auto * vcoef[i18] - P * vcoef[i11]) / (R - pf * x[i12] * vcoef[i11])
        x11 = P - s_ind * pf * x[i12]
        a_next = oas / (s_ind * X + x_auto + x11)
        steps += 1
        if abs(a_next - a_share) <= 1e-15 * a_share or steps == 200:
            break
        a_share = a_next
    x18 = x_auto + s_ind * (1 - af) * x[i18]
    if not (0 < s_ind < 1 and 0 <= x11 <= x[i11] and x18 <= x[i18] and abs(a_next - a_share) <= 1e-12):
        raise SystemExit(f"industrial sizes out of range: s={s_ind}, x11={x11} (Zhejiang {x[i11]}), "
                         f"x18={x18} (Zhejiang {x[i18]}), a={a_share}->{a_next}")
    xr[rest] = x[rest] * s_ind
    xr[i11] = x11
    xr[i18] = x18
    notes["11"] = ("solved: green petrochemicals 2017 (1/5 of 规上 output) minus the petrochemical "
                   "part of Ningbo's sector 12")
    notes["18"] = (f"automobile 2,355.9 / 规上 share {a_share:.6f} + non-automobile part "
                   f"({1 - af:.4f} of Zhejiang's, China 2018 mix) x {s_ind:.6f} (common share)")
    for s in INDUSTRY:
        if s not in ("11", "18"):
            notes[s] = f"Zhejiang output x {s_ind:.6f} (common industrial share, solved)"
    info = {"g": g, "s_serv": s_serv, "s_ind": s_ind, "pf": pf, "P": P, "x11_share": x11 / x[i11],
            "x18_share": xr[i18] / x[i18], "af": af, "a_share": a_share, "x_auto": x_auto,
            "a_steps": steps}
    return xr, notes, info


def run_icsim(icsim, args):
    proc = subprocess.run([icsim, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"icsim {' '.join(args)} failed:\n{proc.stderr}")
    return proc


# ----------------------------------------------------------------------------- tables

def ningbo_bridge(t: T.Table, gdp: float, zj: T.Table) -> np.ndarray:
    """Default bridge (docs/table-format.md) with Ningbo's GFCF total estimated from GDP at
    Zhejiang's ratio of total GFCF (incl. imported/inflowed) to GDP."""
    k = zj.fd_labels.index("gfcf")
    zj_local = zj.fd[:, k]
    j = int(np.argmax(zj.bridge[:, 0]))
    zj_gfcf_total = zj_local[j] / zj.bridge[j, 0]   # bridge = local / total
    ratio = zj_gfcf_total / zj.va.sum()
    gfcf = t.fd[:, t.fd_labels.index("gfcf")]
    total = gdp * ratio
    col = np.clip(gfcf, 0, None) / total
    if col.sum() > 1:
        raise SystemExit("bridge column sum above 1")
    return np.repeat(col[:, None], len(t.codes), axis=1), ratio, total


SOURCE_COMMON = (
    "NINGBO HAS NO PUBLISHED INPUT-OUTPUT TABLE: this is a NON-SURVEY ESTIMATE. "
    "To use a better table, write it in the same folder format (docs/table-format.md) and "
    "point the scenario's [table] path at your folder. ")


SATELLITE_NOTE = (
    " Satellites energy (tce), water (m3) and rd_expenditure (CNY 100 million, 2021 only) are "
    "ESTIMATES of industry's accounts (sectors 02-26; 0 elsewhere): published Ningbo totals split "
    "over sectors by the national input coefficients of energy and water products (R&D by value "
    "added): "
    "scenarios/data/ningbo/SOURCES-satellites.md; built by tools/ningbo/satellites.py.")


def build_2017(zj, c, x153, icsim, work: Path):
    xr, notes, info = sizes_2017(zj, c, x153)
    sizes = work / "sizes.csv"
    write(sizes, csv_text([["code", "output"]] + [[s, T.fmt_number(v)] for s, v in zip(zj.codes, xr)]))
    out = work / "flq"
    run_icsim(icsim, ["io", str(TABLES / "zhejiang_2017_42"), "--regionalise", "flq", "--delta",
                      str(FLQ_DELTA), "--regional-sizes", str(sizes), "--region", "Ningbo",
                      "--write-table", str(out), "--quiet", "--threads", "1"])
    t = T.read_table(out)
    t.name, t.region, t.year = "ningbo_2017_42", "Ningbo", 2017
    t.bridge, ratio, gfcf_total = ningbo_bridge(t, info["g"]["gdp"], zj)
    info.update(gfcf_ratio=ratio, gfcf_total=gfcf_total)
    t.source = (
        SOURCE_COMMON +
        f"Regionalised by `icsim io` from zhejiang_2017_42 (the Zhejiang local table) with FLQ, "
        f"delta = {FLQ_DELTA} (Flegg & Webber's usual value), regional sizes = Ningbo 2017 gross "
        "output by sector, ESTIMATED (no sector outputs are published for Ningbo): Zhejiang's "
        "sector outputs scaled to Ningbo's published or estimated totals (GDP 2017, three-sector "
        "value added, industrial value added), with transport equipment holding Ningbo's "
        "published 2017 规上 automobile output (2355.9 at the region's 规上 share) and petroleum refining solved from green "
        "petrochemicals = 1/5 of 规上 output. Value added, imports and employment at Zhejiang "
        "coefficients (employment is itself an estimate in the parent). Import row 'inflows' = "
        "coefficient mass removed by FLQ (bought from outside Ningbo, mostly the rest of Zhejiang); "
        "final-demand rows follow Zhejiang's row mix, so 'exports'/'outflows' are deliveries out of "
        "Ningbo. gfcf_bridge.csv is the default assumption with Ningbo total GFCF = GDP x "
        "Zhejiang's GFCF/GDP. Sizes: scenarios/data/ningbo/sizes_2017.csv; every figure and "
        "estimate: scenarios/data/ningbo/SOURCES.md; built by tools/ningbo/build_ningbo.py.")
    t.validate()
    return t, xr, notes, info


def build_2021(t17: T.Table, zj, c):
    codes = list(t17.codes)
    ix = {s: i for i, s in enumerate(codes)}
    x17 = t17.total_output()
    safe = np.where(x17 > 0, x17, 1.0)
    A = t17.Z / safe[None, :]
    vc = t17.va / safe[None, :]
    mc = t17.imp / safe[None, :]
    sc = t17.sat / safe[None, :]
    va17 = t17.va.sum(axis=0)
    g = group_targets(c, 2021)
    groups = {"primary": ["01"], "industry": INDUSTRY, "construction": ["27"], "services": SERVICES}
    factor = np.ones(len(codes))
    growth = {}
    for grp, members in groups.items():
        idx = [ix[s] for s in members]
        growth[grp] = g[grp] / va17[idx].sum()
        factor[idx] = growth[grp]
    x = x17 * factor
    Z = A * x[None, :]
    fd_mix = t17.fd
    out_col = t17.fd_labels.index("outflows")
    fd = np.zeros_like(fd_mix)
    resid = x - Z.sum(axis=1)
    to_outflows = []
    for i in range(len(codes)):
        tot = fd_mix[i].sum()
        if resid[i] < 0 or tot <= 0:
            fd[i, out_col] = resid[i]
            if abs(resid[i]) > 1e-9 * max(x[i], 1e-300):
                to_outflows.append(codes[i])
        else:
            fd[i] = fd_mix[i] * (resid[i] / tot)
    t = T.Table(
        name="ningbo_2021_42", region="Ningbo", year=2021, source="", codes=codes,
        names=t17.names, names_zh=t17.names_zh, Z=Z, fd_labels=list(t17.fd_labels), fd=fd,
        va_labels=list(t17.va_labels), va=vc * x[None, :], imp_labels=list(t17.imp_labels),
        imp=mc * x[None, :], sat_labels=list(t17.sat_labels), sat_units=list(t17.sat_units),
        sat=sc * x[None, :], options=dict(t17.options))
    t.bridge, ratio, gfcf_total = ningbo_bridge(t, g["gdp"], zj)
    t.source = (
        SOURCE_COMMON +
        "Base year 2021, the DEFAULT Ningbo table: the ningbo_2017_42 structure (itself an FLQ "
        "regionalisation of the Zhejiang 2017 local table) brought to 2021 totals. ASSUMPTION: "
        "technical coefficients A, value-added, import and employment coefficients are those of "
        "2017 (no price or technology change). Sector outputs are the 2017 outputs times one "
        "factor per group (primary, industry 02-26, construction, services 28-42) so that group "
        "value added meets Ningbo 2021: GDP 14594.9, 全部工业增加值 6297.5 (published), primary "
        "and construction at their 2020 shares of GDP, services the rest. Z = A diag(x); final "
        "demand = row residual split by the 2017 row mix (negative residuals to 'outflows'). "
        "gfcf_bridge.csv: default assumption, Ningbo total GFCF = GDP x Zhejiang's GFCF/GDP. "
        "Every figure and estimate: scenarios/data/ningbo/SOURCES.md; built by "
        "tools/ningbo/build_ningbo.py.")
    t.validate()
    return t, {"growth": growth, "g": g, "to_outflows": to_outflows, "gfcf_total": gfcf_total}


# ----------------------------------------------------------------------------- concordances

def parse_items(text):
    out = []
    for tok in text.split():
        code, _, frac = tok.partition("*")
        if code not in ITEM_TO_42:
            raise SystemExit(f"cluster_rules.csv: unknown 153 item {code}")
        out.append((code, float(frac) if frac else 1.0))
    return out


def read_rules():
    with open(RULES, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["system"] not in SYSTEMS:
            raise SystemExit(f"cluster_rules.csv: unknown system {r['system']}")
        r["parsed"] = parse_items(r["items"])
    return rows


def concordance_weights(rules, x153, x42):
    """{system: [(cluster, name, {sector: weight})]}; weight = sum(frac * x_item) / x_sector."""
    out = {}
    for r in rules:
        w = {}
        for item, frac in r["parsed"]:
            s = ITEM_TO_42[item]
            w[s] = w.get(s, 0.0) + frac * x153[item] / x42[s]
        for s in w:  # a whole 42-sector sums to 1 + round-off: make it exactly 1
            if 1.0 < w[s] <= 1.0 + 1e-12:
                w[s] = 1.0
        out.setdefault(r["system"], []).append((r["cluster"], r["cluster_name"], w, r))
    for system, clusters in out.items():
        total = {}
        for _, _, w, _ in clusters:
            for s, v in w.items():
                total[s] = total.get(s, 0.0) + v
        bad = {s: v for s, v in total.items() if v > 1 + 1e-12}
        if bad:
            raise SystemExit(f"system {system}: sector weights sum above 1: {bad}")
    return out


BASE_YEARS = (2017, 2021)      # the tables' years; each gets its own concordance folder
OBSERVED = ROOT / "scenarios" / "data" / "ningbo" / "observed.csv"
TARGETS = ROOT / "tools" / "ningbo" / "cluster_targets.csv"
FIT_TOLERANCE = 0.05           # the fit is exact where feasible; the tests allow 5 %


def read_fit_targets():
    """[{system, cluster, note, obs: observed.csv row}] from tools/ningbo/cluster_targets.csv."""
    def check(r, o):
        if not o["metric"].startswith("clusters/output_above_scale:") or o["scope"] != "Ningbo":
            return f"{o['id']} is not a Ningbo cluster 规上 output"
        if o["unit"] != "CNY 100 million":
            return f"{o['id']} is not a figure in CNY 100 million"
        return None
    return read_targets(TARGETS, OBSERVED, check)


def fit_weights(w0, x, a, goal):
    """Scale the product-mix weights w0 by one factor, capping at 1, so that
    sum_j w_j a_j x_j = goal (a = above-scale share per sector). Exact: the capped set grows until
    no weight exceeds 1. Returns (weights, feasible)."""
    full = sum(a[s] * x[s] for s in w0)
    if full <= goal:
        return {s: 1.0 for s in w0}, full >= goal
    capped = set()
    while True:
        free = sum(w0[s] * a[s] * x[s] for s in w0 if s not in capped)
        lam = (goal - sum(a[s] * x[s] for s in w0 if s in capped)) / free  # w0 order: deterministic
        over = {s for s in w0 if s not in capped and lam * w0[s] > 1.0}
        if not over:
            return {s: (1.0 if s in capped else lam * w0[s]) for s in w0}, True
        capped |= over


def fit_concordances(rules, w18, tables, shares, industrial):
    """Per base year B: {system: [(cluster, name, weights, rule)]} plus the fit report.

    A cluster listed in cluster_targets.csv whose figure is dated B or earlier gets weights
    that reproduce it (see fit_weights); every other cluster keeps its product-mix weights."""
    targets = read_fit_targets()
    share_targets = CL.read_share_targets(OBSERVED)
    v17, v21 = CL.value_added(tables[2017]), CL.value_added(tables[2021])
    x17 = dict(zip(tables[2017].codes, tables[2017].total_output()))
    x21 = dict(zip(tables[2021].codes, tables[2021].total_output()))
    out, report, share_report = {}, [], []
    for B in BASE_YEARS:
        x = x17 if B == 2017 else x21
        a = {s: (shares[B] if s in industrial else 1.0) for s in x}
        by_year = {}
        for system in SYSTEMS:
            if system in CLASSIFICATION_SYSTEMS:
                by_year[system], rep = CL.fit_shares(
                    system, w18[system], B, v17 if B == 2017 else v21, v17, v21, sorted(industrial),
                    share_targets, fit_weights)
                share_report += rep
                continue
            clusters = []
            for cl, name, w0, r in w18[system]:
                t = next((t for t in targets if t["system"] == system and t["cluster"] == cl), None)
                w = dict(w0)
                if t is not None:
                    o = t["obs"]
                    y, Y = int(o["year"]), float(o["value"])
                    before = sum(w0[s] * a[s] * x[s] for s in w0)
                    if y <= B:
                        # the table's growth of the cluster's sectors 2017 -> 2021, per year
                        r21 = sum(w0[s] * x21[s] for s in w0) / sum(w0[s] * x17[s] for s in w0)
                        factor = r21 ** ((B - y) / 4.0)
                        goal = Y * factor
                        w, feasible = fit_weights(w0, x, a, goal)
                        after = sum(w[s] * a[s] * x[s] for s in w)
                        status = "fitted" if feasible else "short"
                    else:
                        factor = goal = after = None
                        status = "later"
                    report.append(dict(base=B, system=system, cluster=cl, name=name, obs=o,
                                       year=y, value=Y, factor=factor, goal=goal, before=before,
                                       after=after, status=status, note=t["note"], w0=w0, w=w,
                                       share=shares[B]))
                clusters.append((cl, name, w, r))
            by_year[system] = clusters
        out[B] = by_year
    return out, report, share_report


def overlapping_sectors(clusters):
    total = {}
    for _, _, w, _ in clusters:
        for s, v in w.items():
            total[s] = total.get(s, 0.0) + v
    return sorted(s for s, v in total.items() if v > 1 + 1e-9)


SYSTEM_NOTES = {
    "246": "\"246\" 万千亿级产业集群 (甬党发〔2019〕38号): 2 万亿级, 4 五千亿级, 6 千亿级 clusters.",
    "361-2023": "\"361\" 万千亿级产业集群, 2023 version (甬政发〔2023〕43号). The \"1\" (一批新兴和未来产业群) "
                "is OMITTED: it names no products that can be mapped to the 153 items.",
    "361-2025": "\"361\" 现代化产业体系, 2025 version (2025-06-21). The \"1\" (前瞻性未来产业) is OMITTED "
                "for the same reason.",
    "3511": "\"3511\" (2016, seed 004): 3 strategic, 5 advantage, 1 emerging group (three clusters), "
            "1 producer-services group.",
    "3511-key-2019": "The eight 2019 key sub-sectors of \"3511\" (targets T01-T08 of scenarios/ningbo/backtest_2017.toml, in "
                     "CNY 100 million of output). Most are far below the 153-item level: their "
                     "weights are rough JUDGEMENTS, except special_equipment and "
                     "key_basic_components (whole 153 items; key_basic_components fitted in 2021).",
    "415X": "Zhejiang \"415X\" (浙政发〔2023〕4号): the 4 万亿级 clusters only. The 15 千亿级 clusters "
            "and the X 百亿级 groups are OMITTED: their list is not in the project's documents, so "
            "they cannot be mapped. The four clusters are disjoint (`415X/*` may be summed) and "
            "unfitted, so their weights are the national product mix and hold for the province "
            "too: `scenarios/zhejiang/baseline.toml` applies `2017/415X.csv` to `zhejiang_2017_42` "
            "(the 规上 columns below are Ningbo's; the province's are in "
            "`../zhejiang/SOURCES.md`).",
    **CL.NOTES,
    "zhenhai-122": "Zhenhai district's green-petrochemical focus (seed 003). The meaning of the "
                   "digits \"122\" is UNKNOWN. The clusters are disjoint: green petrochemicals in "
                   "Zhenhai's sense = refining_chemicals + other_petrochemicals + new_materials "
                   "(targets T32 绿色石化 3300 and T33 炼油化工 1450 refer to the sum and to "
                   "refining_chemicals). The weights describe sectors of the Ningbo CITY table; "
                   "Zhenhai's share of the city is not in this dataset.",
}


def concordance_csv(clusters, codes, system, overlap):
    head = []
    if system in ST.UNION_TOTALS:
        head = [ST.header(system, overlap)]
    elif overlap:
        head = [f"# overlapping: the clusters of system {system} share sectors "
                f"({' '.join(overlap)}); never add them up (scenarios/data/concordances/README.md)\n"]
    rows = [["cluster", "sector", "weight", "cluster_name"]]
    for cl, name, w, _ in clusters:
        for s in codes:
            if s in w and w[s] > 0:
                rows.append([cl, s, T.fmt_number(w[s]), name])
    return "".join(head) + csv_text(rows)


def write_concordances(rules, out_root: Path, t17, t21, shares):
    x153_18 = national_outputs("china_2018_153")
    x153_20 = national_outputs("china_2020_153")
    x42_18 = {s: sum(v for k, v in x153_18.items() if ITEM_TO_42[k] == s) for s in RANGES_153}
    x42_20 = {s: sum(v for k, v in x153_20.items() if ITEM_TO_42[k] == s) for s in RANGES_153}
    w18 = concordance_weights(rules, x153_18, x42_18)
    w20 = concordance_weights(rules, x153_20, x42_20)
    codes = list(t17.codes)
    industrial = set(INDUSTRY)
    fitted, report, share_report = fit_concordances(rules, w18, {2017: t17, 2021: t21}, shares,
                                                    industrial)
    x = {2017: dict(zip(codes, t17.total_output())), 2021: dict(zip(codes, t21.total_output()))}
    names153 = {}
    with open(TABLES / "china_2018_153" / "sectors.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names153[r["code"]] = r["name_zh"]
    names42 = dict(zip(codes, t17.names_zh))
    overlaps = {B: {s: overlapping_sectors(fitted[B][s]) for s in SYSTEMS} for B in BASE_YEARS}
    ST.add_totals(fitted, codes)  # after the overlaps: those are the clusters' own
    for B in BASE_YEARS:
        for system in SYSTEMS:
            write(out_root / "scenarios" / "data" / "concordances" / str(B) / f"{system}.csv",
                  concordance_csv(fitted[B][system], codes, system, overlaps[B][system]))

    def above(B, w):
        return sum(v * x[B][s] * (shares[B] if s in industrial else 1.0) for s, v in w.items())

    md = ["# Cluster concordances (generated by tools/ningbo/build_ningbo.py; do not edit)", "",
          "One folder per base year — `2017/` for `ningbo_2017_42` (the 2017 backtest), `2021/` for "
          "`ningbo_2021_42` (the default scenario) — with one CSV per cluster system, "
          "`cluster,sector,weight,cluster_name` over the table's 42 sector codes (format: "
          "`include/icsim/io/concordance.hpp`, `docs/model.md` §1). Load with `icsim io TABLE "
          "--concordance SYSTEM=scenarios/data/concordances/YEAR/SYSTEM.csv`; a scenario points "
          "its `[clusters]` at the folder of its own base year.", "",
          "**Clusters as the plans count them.** Where the city has published a cluster's output "
          "(`../ningbo/observed.csv`, mapped in `tools/ningbo/cluster_targets.csv`) the cluster's "
          "weights are FITTED so that its base-year 规上 output reproduces the figure; every other "
          "cluster keeps the product-mix ESTIMATE below. A base year uses only figures dated that "
          "year or earlier: the 2017 files are fitted to 2017 figures only, the 2021 files to "
          "figures of 2021 or earlier.", "",
          "**Product-mix estimate (unfitted clusters, and the shape of every fit).** Every cluster "
          "is a list of items of the national 153-sector table (rules: "
          "`tools/ningbo/cluster_rules.csv`), optionally with a fraction of an item. Its weight on "
          "42-sector j is `sum over its items k in j of fraction_k * x_k / x_j` with x = gross output "
          "of the **China 2018 153-sector table** (`china_2018_153`; 153 -> 42 is contiguous and "
          "checked against `china_2018_42`). This assumes Ningbo's product mix inside each "
          "42-sector equals China's — an ESTIMATE (Ningbo's chemicals are more petrochemical, its "
          "electrical machinery more household appliances than the national mix). 'max "
          "|2020-2018|' shows how much the weights move with the 2020 table (`china_2020_153`). "
          "Fractions other than 1 are marked JUDGEMENT: no data below the 153 level was available.",
          "",
          "**The fit.** For a cluster with a published 规上 output Y of year y <= B: target in B = "
          "Y x g^(B-y), g = the table's yearly growth of the cluster's sectors (the ratio of the "
          "cluster's product-mix output in `ningbo_2021_42` to `ningbo_2017_42`, to the power 1/4; "
          "1.0853 for every industrial cluster, the two tables sharing one industrial factor). "
          "The model's 规上 output of a cluster is what `clusters/output_above_scale` reports: "
          "sum_j W(c, j) a_j x_j with a_j = the base year's `region.above_scale_output_share` "
          f"(`../ningbo/derived.csv`: {shares[2017]:.6f} in 2017, {shares[2021]:.6f} in 2021) for industrial sectors "
          "and 1 for the others. The product-mix weights of the cluster's own sectors are "
          "multiplied by one factor, each capped at 1 (no sector outside the cluster's items is "
          "added), so that this equals the target exactly. If even every covered sector at "
          "weight 1 falls short, the weights are 1 and the gap is reported (status `short`): no "
          "sector is invented.", "",
          "**Overlap.** A fitted weight can exceed the national share of the cluster's items, and "
          "the plans' clusters themselves overlap (新材料 with 石化 and metals, 关键基础件 with "
          "equipment and electronics), so within a system a sector's weights may sum above 1. "
          "Such a file starts with the line `# overlapping: ...` (the loader refuses a sum above "
          "1 without it). **The clusters of an overlapping system must never be added up**: a "
          "scenario target or actual selecting two or more of its clusters (or `SYSTEM/*`) is "
          "refused, and no system total is computed from them: a system total is the system's "
          "union cluster `total` (section *System totals* below). Disjoint systems (no such "
          "line) may still be summed.", ""]
    for B in BASE_YEARS:
        ov = [f"`{s}` ({', '.join(overlaps[B][s])})" for s in SYSTEMS if overlaps[B][s]]
        md.append(f"Overlapping systems in `{B}/`: " + (", ".join(ov) if ov else "none") + ".")
    md.append("")
    md += ["## Fitted clusters", "",
           "Published figure, its year and source (`../ningbo/observed.csv` id), the growth factor "
           "to the base year, the target, and the model's base-year 规上 output before (product "
           "mix) and after the fit. `later`: the figure is dated after the base year and is not "
           "used (the cluster keeps its product-mix weights).", "",
           "| base | cluster | published (year) | observed id | factor | target | before | after "
           "| error | status |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in report:
        e = None if r["after"] is None else (r["after"] / r["goal"] - 1) * 100
        err = "" if e is None else ("0.0 %" if abs(e) < 0.05 else f"{e:+.1f} %")
        md.append(
            f"| {r['base']} | `{r['system']}/{r['cluster']}` {r['name']} | {f(r['value'])} "
            f"({r['year']}) | `{r['obs']['id']}` | "
            + ("" if r["factor"] is None else f"{r['factor']:.4f}") + " | "
            + ("" if r["goal"] is None else f(r["goal"])) + f" | {f(r['before'])} | "
            + ("" if r["after"] is None else f(r["after"])) + f" | {err} | {r['status']} |")
    md.append("")
    shorts = [r for r in report if r["status"] == "short"]
    if shorts:
        md.append("**Short** (every covered sector at weight 1 and still below the figure): " + "; ".join(
            f"`{r['system']}/{r['cluster']}` in {r['base']}: at most {f(r['after'])} of "
            f"{f(r['goal'])} ({(r['after'] / r['goal'] - 1) * 100:+.1f} %)" for r in shorts)
            + ".")
        md.append("")
    md += ["Notes on the mapping (`tools/ningbo/cluster_targets.csv`): " + " ".join(
        f"`{t['system']}/{t['cluster']}`: {t['note']}." for t in read_fit_targets()), "",
           "**Not fitted** (product-mix estimate, marked `estimate` below): every other cluster. "
           "In particular 新材料 and 电子信息, which Ningbo counted among its eight 千亿级 "
           "clusters in 2018 (`c246_count_2018`): a label (>= 1,000), not a figure — the same "
           "list has 关键基础件, whose published 2020 output is 958.8 — so nothing is fitted to "
           "it; the only published 新材料 output (4,919.36, 2024) is after both base years. "
           "现代健康 / 生命健康 (361 systems) are wider than the published 生物医药 and keep their "
           "estimate. Plan targets of clusters without a figure are therefore still judged on "
           "product-mix levels.", ""]
    md += CL.report_md(share_report, f)
    md += ST.report_md(fitted, codes, names42, above, BASE_YEARS)
    status = {(r["base"], r["system"], r["cluster"]): r["status"] for r in report + share_report}
    for system in SYSTEMS:
        md += [f"## `{system}.csv`", "", SYSTEM_NOTES[system], "",
               "| cluster | name | 153 items (fraction) | product-mix weights on 42 sectors (2018) | "
               "max \\|2020-2018\\| | fitted weights 2017 | fitted weights 2021 | 规上 output 2017 | "
               "2021 |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for (cl, name, w, r), (_, _, w2, _) in zip(w18[system], w20[system]):
            items = ", ".join(f"{k} {names153[k]}" + (f" x{fr:g}" if fr != 1 else "")
                              for k, fr in r["parsed"])
            ws = "; ".join(f"{s} {names42[s]} {w[s]:.4f}" for s in codes if s in w)
            diff = max(abs(w[s] - w2.get(s, 0.0)) for s in w)
            cells = []
            for B in BASE_YEARS:
                st = status.get((B, system, cl), "estimate")
                wB = next(ww for cc, _, ww, _ in fitted[B][system] if cc == cl)
                if st in ("fitted", "short"):
                    cells.append(f"{st}: " + "; ".join(f"{s} {wB[s]:.4f}" for s in codes if s in wB))
                else:
                    cells.append(st)
            outs = []
            for B in BASE_YEARS:
                wB = next(ww for cc, _, ww, _ in fitted[B][system] if cc == cl)
                outs.append(f(above(B, wB)))
            md.append(f"| `{cl}` | {name} | {items} | {ws} | {diff:.4f} | {cells[0]} | {cells[1]} | "
                      f"{outs[0]} | {outs[1]} |")
        md.append("")
        md.append("Notes per cluster: " + " ".join(f"`{cl}`: {r['note']}." for cl, _, _, r in w18[system]))
        md.append("")
    md += ["规上 output columns: sum_j W(c, j) a_j x_j of the base year's table and concordance "
           "(CNY 100 million; a_j the 规上 share of industrial sectors, 1 for services) — what the "
           "engine reports as `clusters/output_above_scale` in the base year. `clusters/output` "
           "(all firms) is the same without a_j.", ""]
    write(out_root / "scenarios" / "data" / "concordances" / "README.md", "\n".join(md))
    return fitted, report


# ----------------------------------------------------------------------------- derived & actuals

def derived_numbers(c: Calibration, t17, t21, gfcf_total):
    out = []
    codes = list(t17.codes)
    ind = [codes.index(s) for s in INDUSTRY]
    above_out_17 = industrial_output_above_scale_2017(c)
    rate = va_rate_above_scale(c)
    above_va_17 = above_out_17 * rate
    above_out_21 = c("industrial_value_added_above_scale", 2021) / rate
    above_va_21 = c("industrial_value_added_above_scale", 2021)
    L = c("industrial_investment_cumulative_2016_2020", 2020) / (4 + 1 + c("industrial_investment_growth", 2020))
    inv = {2017: L, 2020: L * (1 + c("industrial_investment_growth", 2020))}
    inv[2021] = inv[2020] * (1 + c("manufacturing_investment_growth", 2021))
    for year, t, ao, av in ((2017, t17, above_out_17, above_va_17), (2021, t21, above_out_21, above_va_21)):
        x = t.total_output()
        va = t.va.sum(axis=0)
        out += [
            ("table_gross_output", year, x.sum(), "CNY 100 million", "sum of the table's sector outputs"),
            ("table_value_added", year, va.sum(), "CNY 100 million", "sum of value_added.csv (= GDP calibration target)"),
            ("table_industrial_output", year, x[ind].sum(), "CNY 100 million", "table output of sectors 02-26"),
            ("table_industrial_value_added", year, va[ind].sum(), "CNY 100 million", "table VA of sectors 02-26 (= 全部工业增加值 target)"),
            ("industrial_output_above_scale", year, ao, "CNY 100 million",
             "derived: automobile 规上 output 2355.9 / its 14.8% share" if year == 2017 else
             "estimate: 2021 规上 VA 4865 / 2020 规上 VA rate (4042/17887.1); published only as > 20000"),
            ("industrial_value_added_above_scale", year, av, "CNY 100 million",
             "estimate: 2017 规上 output x 2020 规上 VA rate (4042/17887.1)" if year == 2017 else "published"),
            ("above_scale_share_of_industrial_output", year, ao / x[ind].sum(), "fraction",
             "规上工业总产值 / table industrial output (02-26)"),
            ("above_scale_share_of_industrial_value_added", year, av / va[ind].sum(), "fraction",
             "规上工业增加值 / table industrial VA (02-26)"),
            ("industrial_investment", year, inv[year], "CNY 100 million",
             "estimate: 十三五 cumulative 5294.6 with 2016-2019 flat and 2020 +10% (L = 5294.6/5.1)" if year == 2017 else
             "estimate: 2020 level (1.1 L) x 1.27 (制造业投资 +27% used for all industrial investment)"),
            ("industrial_investment_share_of_table_gfcf_total", year, inv[year] / gfcf_total[year],
             "fraction", "industrial investment / estimated total GFCF of the table (bridge denominator)"),
            ("capacity_utilisation", year, c("capacity_utilisation_national", year), "fraction",
             "national NBS figure used for Ningbo"),
        ]
    return out


def write_actuals(c: Calibration, out_root: Path):
    metric_map = {
        "gdp": "gdp", "industrial_value_added": "industrial_value_added",
        "industrial_value_added_above_scale": "industrial_value_added_above_scale",
        "industrial_output_above_scale": "industrial_output_above_scale",
        "industrial_output_above_scale_lower_bound": "industrial_output_above_scale_lower_bound",
        "industrial_investment_growth": "industrial_investment_growth",
        "manufacturing_investment_growth": "manufacturing_investment_growth",
        "industrial_investment_cumulative_2016_2020": "industrial_investment_cumulative_2016_2020",
        "automobile_output_above_scale": "cluster_output:246/automobile",
        "automobile_value_added_above_scale": "cluster_value_added:246/automobile",
        "green_petrochemicals_output_above_scale": "cluster_output:246/green_petrochemicals",
        "cluster_246_value_added": "cluster_value_added:246",
    }
    rows = [["metric", "year", "value", "unit", "source"]]
    for r in c.rows:
        if r["figure"] in metric_map:
            src = r["source"] + (f" — {r['note']}" if r.get("note") else "")
            rows.append([metric_map[r["figure"]], r["year"], r["value"], r["unit"], src])
    rows.append(["industrial_output_above_scale", "2017", T.fmt_number(round(industrial_output_above_scale_2017(c), 1)),
                 "CNY 100 million", "derived: automobile 规上 output 2355.9 / its 14.8% share "
                 "(japanese.ningbo.gov.cn/art/2018/3/12/art_1178_893827.html)"])
    rows.append(["cluster_output:3511/automobile", "2017", "2355.9", "CNY 100 million",
                 "japanese.ningbo.gov.cn/art/2018/3/12/art_1178_893827.html (规上 automobile output)"])
    head, body = rows[0], rows[1:]
    body.sort(key=lambda r: (r[0], int(r[1])))
    write(out_root / "scenarios" / "data" / "ningbo" / "actuals.csv", csv_text([head] + body))
    return body


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-root", type=Path, default=ROOT, help="write below this folder (default: the repository)")
    ap.add_argument("--icsim", default=os.environ.get("ICSIM_BIN"), help="icsim binary (default $ICSIM_BIN, build/release/icsim)")
    a = ap.parse_args(argv)
    icsim = a.icsim
    if not icsim:
        for cand in (ROOT / "build" / "release" / "icsim", ROOT / "build" / "data" / "icsim"):
            if cand.exists():
                icsim = str(cand)
                break
    if not icsim or not Path(icsim).exists():
        raise SystemExit("icsim binary not found: build it (tools/build.sh) or pass --icsim / set ICSIM_BIN")

    c = Calibration(CALIBRATION)
    check_153_to_42()
    x153 = national_outputs("china_2018_153")
    zj = T.read_table(TABLES / "zhejiang_2017_42")
    out = a.out_root
    with tempfile.TemporaryDirectory() as tmp:
        t17, xr, notes, info17 = build_2017(zj, c, x153, icsim, Path(tmp))
    # Satellite accounts (energy, water before 2021 so that it inherits their coefficients;
    # R&D of 2021 only): tools/ningbo/satellites.py, scenarios/data/ningbo/SOURCES-satellites.md
    import satellites as SAT  # next to this script
    sat_figures = SAT.figures()
    national = T.read_table(TABLES / "china_2017_42")
    SAT.add_rows(t17, national, 2017, sat_figures)
    t21, info21 = build_2021(t17, zj, c)
    SAT.add_rows(t21, national, 2021, sat_figures)
    for t in (t17, t21):
        t.source += SATELLITE_NOTE
    for t in (t17, t21):
        T.write_table(t, out / "scenarios" / "data" / "tables" / t.name)
    # the regional sizes, with how each was made
    # exactly the file handed to `icsim io --regional-sizes` (methods per sector: SOURCES.md)
    write(out / "scenarios" / "data" / "ningbo" / "sizes_2017.csv",
          csv_text([["code", "output"]] + [[s, T.fmt_number(v)] for s, v in zip(zj.codes, xr)]))
    info17["notes"] = notes
    info17["sizes"] = xr
    rules = read_rules()
    derived = derived_numbers(c, t17, t21, {2017: info17["gfcf_total"], 2021: info21["gfcf_total"]})
    # the 规上 output shares as the scenarios state them (derived.csv, 6 decimals)
    shares = {y: round(v, 6) for n, y, v, _, _ in derived
              if n == "above_scale_share_of_industrial_output"}
    _, fit_report = write_concordances(rules, out, t17, t21, shares)
    write(out / "scenarios" / "data" / "ningbo" / "derived.csv", csv_text(
        [["figure", "year", "value", "unit", "how"]] +
        [[n, y, T.fmt_number(round(v, 6)), u, h] for n, y, v, u, h in derived]))
    actuals = write_actuals(c, out)
    from sources_md import sources_md  # prose template, next to this script
    write(out / "scenarios" / "data" / "ningbo" / "SOURCES.md",
          sources_md(c, zj, t17, t21, info17, info21, derived, actuals, FLQ_DELTA, INDUSTRY,
                     fit_report))
    print(f"wrote Ningbo dataset below {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
