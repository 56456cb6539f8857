#!/usr/bin/python3
"""Build the bundled Ningbo dataset (see tools/ningbo/README.md).

Writes, from inputs inside the repository only:

* scenarios/data/tables/ningbo_2017_42/   FLQ regionalisation of zhejiang_2017_42 (by `icsim io`)
* scenarios/data/tables/ningbo_2021_42/   the 2017 coefficients brought to 2021 totals
* scenarios/data/concordances/*.csv       cluster concordances (+ README.md with derivations)
* scenarios/data/ningbo/sizes_2017.csv    the regional sizes handed to the FLQ
* scenarios/data/ningbo/derived.csv       derived calibration numbers (shares, investment, ...)
* scenarios/data/ningbo/actuals.csv       reported figures for backtests
* scenarios/data/ningbo/SOURCES.md        provenance of every number

Inputs: scenarios/data/ningbo/calibration.csv (every Ningbo figure, with its source),
tools/ningbo/cluster_rules.csv (153-sector items of every cluster), the shipped tables
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
SYSTEMS = ["246", "361-2023", "361-2025", "3511", "3511-key-2019", "415X", "zhenhai-122"]
PETRO_ITEMS = ["043", "044", "045", "046", "047", "048", "051"]  # petrochemical part of sector 12

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

    # Industry: 18 from the published Ningbo share of Zhejiang's automobile output; 11 and the
    # common share s of the other industrial sectors solve (i) industrial VA = target and
    # (ii) green petrochemicals (11 + petrochemical part of 12) = 1/5 of 2017 规上 output.
    i11, i12, i18 = ix["11"], ix["12"], ix["18"]
    xr[i18] = c("automobile_share_of_zhejiang_automobile", 2017) * x[i18]
    notes["18"] = "Zhejiang output x 0.476 (Ningbo share of Zhejiang automobile output 2017)"
    pf = petro_fraction_of_12(x153)
    P = c("green_petrochemicals_share_of_above_scale_output", 2019) * industrial_output_above_scale_2017(c)
    rest = [ix[s] for s in INDUSTRY if s not in ("11", "18")]
    R = va[rest].sum()
    s_ind = (g["industry"] - xr[i18] * vcoef[i18] - P * vcoef[i11]) / (R - pf * x[i12] * vcoef[i11])
    x11 = P - s_ind * pf * x[i12]
    if not (0 < s_ind < 1 and 0 <= x11 <= x[i11]):
        raise SystemExit(f"industrial sizes out of range: s={s_ind}, x11={x11} (Zhejiang {x[i11]})")
    xr[rest] = x[rest] * s_ind
    xr[i11] = x11
    notes["11"] = ("solved: green petrochemicals 2017 (1/5 of 规上 output) minus the petrochemical "
                   "part of Ningbo's sector 12")
    for s in INDUSTRY:
        if s not in ("11", "18"):
            notes[s] = f"Zhejiang output x {s_ind:.6f} (common industrial share, solved)"
    info = {"g": g, "s_serv": s_serv, "s_ind": s_ind, "pf": pf, "P": P, "x11_share": x11 / x[i11],
            "x18_share": xr[i18] / x[i18]}
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
        "value added, industrial value added), with transport equipment at Ningbo's published "
        "47.6% share of Zhejiang automobile output and petroleum refining solved from green "
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


def write_concordances(rules, out_root: Path, t17, t21):
    x153_18 = national_outputs("china_2018_153")
    x153_20 = national_outputs("china_2020_153")
    x42_18 = {s: sum(v for k, v in x153_18.items() if ITEM_TO_42[k] == s) for s in RANGES_153}
    x42_20 = {s: sum(v for k, v in x153_20.items() if ITEM_TO_42[k] == s) for s in RANGES_153}
    w18 = concordance_weights(rules, x153_18, x42_18)
    w20 = concordance_weights(rules, x153_20, x42_20)
    codes = list(t17.codes)
    x17 = dict(zip(codes, t17.total_output()))
    x21 = dict(zip(codes, t21.total_output()))
    names153 = {}
    with open(TABLES / "china_2018_153" / "sectors.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names153[r["code"]] = r["name_zh"]
    names42 = dict(zip(codes, t17.names_zh))

    md = ["# Cluster concordances (generated by tools/ningbo/build_ningbo.py; do not edit)", "",
          "One CSV per cluster system, `cluster,sector,weight,cluster_name` over the 42 sector codes "
          "of `ningbo_2017_42` / `ningbo_2021_42` (format: include/icsim/io/concordance.hpp). "
          "Load with `icsim io TABLE --concordance SYSTEM=scenarios/data/concordances/SYSTEM.csv`.",
          "",
          "**How the weights are made.** Every cluster is a list of items of the national "
          "153-sector table (rules: `tools/ningbo/cluster_rules.csv`), optionally with a "
          "fraction of an item. The weight of cluster c on 42-sector j is "
          "`sum over c's items k in j of fraction_k * x_k / x_j` with x = gross output of the "
          "**China 2018 153-sector table** (`china_2018_153`; 153 -> 42 is contiguous and checked "
          "against `china_2018_42`). This assumes Ningbo's product mix inside each 42-sector "
          "equals China's — an ESTIMATE (Ningbo's chemicals are more petrochemical, its "
          "transport equipment more automotive than the national mix). The column 'max |2020-2018|' "
          "shows how much the weights move with the 2020 table (`china_2020_153`). Fractions "
          "other than 1 are marked JUDGEMENT: no data below the 153 level was available.", "",
          "Within a system the clusters are disjoint (a sector's weights sum to at most 1), so "
          "an umbrella cluster and its sub-clusters cannot share one file.", ""]
    system_notes = {
        "246": "\"246\" 万千亿级产业集群 (甬党发〔2019〕38号): 2 万亿级, 4 五千亿级, 6 千亿级 clusters.",
        "361-2023": "\"361\" 万千亿级产业集群, 2023 version (甬政发〔2023〕43号). The \"1\" (一批新兴和未来产业群) "
                    "is OMITTED: it names no products that can be mapped to the 153 items.",
        "361-2025": "\"361\" 现代化产业体系, 2025 version (2025-06-21). The \"1\" (前瞻性未来产业) is OMITTED "
                    "for the same reason.",
        "3511": "\"3511\" (2016, seed 004): 3 strategic, 5 advantage, 1 emerging group (three clusters), "
                "1 producer-services group.",
        "3511-key-2019": "The eight 2019 key sub-sectors of \"3511\" (seed_targets.csv T01-T08, targets in "
                         "CNY 100 million of output). Most are far below the 153-item level: their "
                         "weights are rough JUDGEMENTS, except special_equipment and "
                         "key_basic_components (whole 153 items).",
        "415X": "Zhejiang \"415X\" (浙政发〔2023〕4号): the 4 万亿级 clusters only. The 15 千亿级 clusters "
                "and the X 百亿级 groups are OMITTED: their list is not in the project's documents, so "
                "they cannot be mapped.",
        "zhenhai-122": "Zhenhai district's green-petrochemical focus (seed 003). The meaning of the "
                       "digits \"122\" is UNKNOWN. The clusters are disjoint: green petrochemicals in "
                       "Zhenhai's sense = refining_chemicals + other_petrochemicals + new_materials "
                       "(targets T32 绿色石化 3300 and T33 炼油化工 1450 refer to the sum and to "
                       "refining_chemicals). The weights describe sectors of the Ningbo CITY table; "
                       "Zhenhai's share of the city is not in this dataset.",
    }
    for system in SYSTEMS:
        rows = [["cluster", "sector", "weight", "cluster_name"]]
        for cl, name, w, _ in w18[system]:
            for s in codes:
                if s in w and w[s] > 0:
                    rows.append([cl, s, T.fmt_number(w[s]), name])
        write(out_root / "scenarios" / "data" / "concordances" / f"{system}.csv", csv_text(rows))
        md += [f"## `{system}.csv`", "", system_notes[system], "",
               "| cluster | name | 153 items (fraction) | weights on 42 sectors (2018) | max \\|2020-2018\\| | "
               "Ningbo output 2017 | 2021 |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for (cl, name, w, r), (_, _, w2, _) in zip(w18[system], w20[system]):
            items = ", ".join(f"{k} {names153[k]}" + (f" x{fr:g}" if fr != 1 else "")
                              for k, fr in r["parsed"])
            ws = "; ".join(f"{s} {names42[s]} {w[s]:.4f}" for s in codes if s in w)
            diff = max(abs(w[s] - w2.get(s, 0.0)) for s in w)
            o17 = sum(w[s] * x17[s] for s in w)
            o21 = sum(w[s] * x21[s] for s in w)
            md.append(f"| `{cl}` | {name} | {items} | {ws} | {diff:.4f} | {f(o17)} | {f(o21)} |")
        md.append("")
        md.append("Notes per cluster: " + " ".join(f"`{cl}`: {r['note']}." for cl, _, _, r in w18[system]))
        md.append("")
    def out17(system, cl):
        w = next(ww for cc, _, ww, _ in w18[system] if cc == cl)
        return sum(v * x17[s] for s, v in w.items())
    md += ["Ningbo output columns: sum of weight x sector output of the Ningbo tables (CNY 100 "
           "million, all firms, not only 规上) — orders of magnitude for comparing with the targets, "
           "not published cluster figures.", "",
           "**Cross-check (2017).** `246/automobile` gives "
           f"{f(out17('246', 'automobile'))} against the published 规上 automobile output 2,355.9; "
           f"`246/green_petrochemicals` gives {f(out17('246', 'green_petrochemicals'))} against about "
           "3,184 (1/5 of 2017 规上 output, the figure used for the table's sizes). The national "
           "product mix inside sectors 11, 12 and 18 understates Ningbo's specialisation (its "
           "sector 11 is nearly all refining, its sector 18 mostly automotive): scenario "
           "calibrations should scale cluster levels to the actuals (`../ningbo/actuals.csv`) rather "
           "than take these sums as observed.", ""]
    write(out_root / "scenarios" / "data" / "concordances" / "README.md", "\n".join(md))
    return w18


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
    t21, info21 = build_2021(t17, zj, c)
    for t in (t17, t21):
        T.write_table(t, out / "scenarios" / "data" / "tables" / t.name)
    # the regional sizes, with how each was made
    # exactly the file handed to `icsim io --regional-sizes` (methods per sector: SOURCES.md)
    write(out / "scenarios" / "data" / "ningbo" / "sizes_2017.csv",
          csv_text([["code", "output"]] + [[s, T.fmt_number(v)] for s, v in zip(zj.codes, xr)]))
    info17["notes"] = notes
    info17["sizes"] = xr
    rules = read_rules()
    w18 = write_concordances(rules, out, t17, t21)
    derived = derived_numbers(c, t17, t21, {2017: info17["gfcf_total"], 2021: info21["gfcf_total"]})
    write(out / "scenarios" / "data" / "ningbo" / "derived.csv", csv_text(
        [["figure", "year", "value", "unit", "how"]] +
        [[n, y, T.fmt_number(round(v, 6)), u, h] for n, y, v, u, h in derived]))
    actuals = write_actuals(c, out)
    from sources_md import sources_md  # prose template, next to this script
    write(out / "scenarios" / "data" / "ningbo" / "SOURCES.md",
          sources_md(c, zj, t17, t21, info17, info21, derived, actuals, FLQ_DELTA, INDUSTRY))
    print(f"wrote Ningbo dataset below {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
