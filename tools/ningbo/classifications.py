"""Statistical classifications as concordances: fitted to a published value-added share.

The classification systems of tools/ningbo/cluster_rules.csv (高技术产业(制造业), the provincial
高新技术产业, 数字经济核心产业) are concordances like the plan clusters, with one difference in
the fit: their published base figure is a share of 规上工业增加值, not a 规上 output. A cluster
mapped in tools/ningbo/classification_targets.csv to such a share S (observed.csv metric
`aggregates/value_added_share_above_scale:...`, a percentage) of year y gets, in base year B, the
latest figure with y <= B: its product-mix weights are multiplied by one factor (capped at 1, as
build_ningbo.fit_weights) so that

    sum_j W(c, j) v_j = S_B / 100 * sum_{j industrial} v_j,    S_B = S * r^((B - y) / 4),

v = the base-year table's value added and r = the ratio of the cluster's product-mix share in
ningbo_2021_42 to ningbo_2017_42. The 规上 share a_j is one number for every industrial sector,
so the share of 规上 value added equals the share of all industrial value added.
"""
from __future__ import annotations

from pathlib import Path

from observed_targets import read_targets  # next to this module

ROOT = Path(__file__).resolve().parents[2]
SHARE_TARGETS = ROOT / "tools" / "ningbo" / "classification_targets.csv"
SHARE_METRIC = "aggregates/value_added_share_above_scale:"
CLASSIFICATION_SYSTEMS = ["high-tech-mfg", "high-new-tech-zj", "digital-core"]

NOTES = {
    "high-tech-mfg": "国家统计局《高技术产业(制造业)分类(2017)》 (国统字〔2017〕200号): its six classes, "
                     "defined on 国民经济行业分类 (GB/T 4754-2017) industries, mapped to the 153 "
                     "items; disjoint. No Ningbo level of 高技术制造业 dated 2021 or earlier was "
                     "found (only growth rates, e.g. +13.0 % in 2020), so the weights are the "
                     "product-mix ESTIMATE. NOT the measure of 高新技术产业 targets (see "
                     "`high-new-tech-zj`).",
    "high-new-tech-zj": "高新技术产业 as Zhejiang and Ningbo count it (a provincial classification, "
                        "wider than the national 高技术产业: it holds every 高技术制造业 industry "
                        "plus new materials, advanced equipment and new energy). One cluster, FITTED "
                        "to Ningbo's published share of 规上工业增加值 (37 % in 2015 for the 2017 "
                        "files, 53.7 % in 2019 for the 2021 files; `../ningbo/observed.csv` "
                        "`ht_share_2015`, `ht_share_2019`). The measure of target T09.",
    "digital-core": "国家统计局《数字经济及其核心产业统计分类(2021)》 (国家统计局令第33号): the four "
                    "core parts 01-04 (数字产品制造业, 数字产品服务业, 数字技术应用业, 数字要素驱动业); "
                    "part 05 (数字化效率提升业, the digitalised rest of the economy) is not core and "
                    "is left out. Disjoint. No Ningbo level dated 2021 or earlier was found (only "
                    "growth rates), so the weights are the product-mix ESTIMATE. Only part 01 and "
                    "the small manufacturing fractions have firms (`district_clusters/`).",
}


def read_share_targets(observed_csv: Path):
    """[{system, cluster, note, obs}] of tools/ningbo/classification_targets.csv."""
    def check(r, o):
        if not o["metric"].startswith(SHARE_METRIC) or o["scope"] != "Ningbo" or o["unit"] != "percent":
            return f"{o['id']} is not a Ningbo share of 规上工业增加值 in percent"
        if r["system"] not in CLASSIFICATION_SYSTEMS:
            return f"{r['system']} is not a classification"
        return None
    return read_targets(SHARE_TARGETS, observed_csv, check)


def value_added(table):
    """{sector: value added} of a tableio table."""
    return dict(zip(table.codes, table.va.sum(axis=0)))


def va_share(w, v, industrial):
    return sum(w[s] * v[s] for s in w) / sum(v[s] for s in industrial)


def fit_shares(system, clusters, B, v, v17, v21, industrial, targets, fit_weights):
    """Fits the clusters of a classification `system` in base year B; returns (clusters, report).

    clusters: [(cluster, name, product-mix weights, rule)]; v: the base year's value added."""
    out, report = [], []
    for cl, name, w0, r in clusters:
        mine = sorted((t for t in targets if t["system"] == system and t["cluster"] == cl),
                      key=lambda t: int(t["obs"]["year"]))
        usable = [t for t in mine if int(t["obs"]["year"]) <= B]
        w = dict(w0)
        if mine:
            t = usable[-1] if usable else mine[0]
            y, S = int(t["obs"]["year"]), float(t["obs"]["value"])
            before = 100 * va_share(w0, v, industrial)
            if usable:
                ratio = va_share(w0, v21, industrial) / va_share(w0, v17, industrial)
                factor = ratio ** ((B - y) / 4.0)
                goal = S * factor
                ones = {s: 1.0 for s in w0}
                w, feasible = fit_weights(w0, v, ones, goal / 100 * sum(v[s] for s in industrial))
                after = 100 * va_share(w, v, industrial)
                status = "fitted" if feasible else "short"
            else:
                factor = goal = after = None
                status = "later"
            report.append(dict(base=B, system=system, cluster=cl, name=name, obs=t["obs"], year=y,
                               value=S, factor=factor, goal=goal, before=before, after=after,
                               status=status, note=t["note"], w0=w0, w=w))
        out.append((cl, name, w, r))
    return out, report


def report_md(report, fmt):
    """Markdown lines of the share fits."""
    md = ["## Fitted classifications (shares of 规上工业增加值)", "",
          "A classification mapped in `tools/ningbo/classification_targets.csv` to a published share "
          "of 规上工业增加值 is fitted to it (the latest figure dated in or before the base year; "
          "method: `tools/ningbo/classifications.py`): sum_j W(c, j) v_j equals the share times the "
          "industrial value added of the base year's table (the 规上 share is one number for every "
          "industrial sector, so it cancels). The model reports this share as `clusters/value_added` "
          "of the cluster over `region/industrial_value_added`.", "",
          "| base | cluster | published % (year) | observed id | factor | target % | before % | "
          "after % | status |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in report:
        md.append(f"| {r['base']} | `{r['system']}/{r['cluster']}` {r['name']} | {fmt(r['value'])} "
                  f"({r['year']}) | `{r['obs']['id']}` | "
                  + ("" if r["factor"] is None else f"{r['factor']:.4f}") + " | "
                  + ("" if r["goal"] is None else f"{r['goal']:.2f}") + f" | {r['before']:.2f} | "
                  + ("" if r["after"] is None else f"{r['after']:.2f}") + f" | {r['status']} |")
    md += ["", "Notes on the mapping: " + " ".join(
        f"`{t['system']}/{t['cluster']}` <- `{t['obs']['id']}`: {t['note']}."
        for t in {(x['system'], x['cluster'], x['obs']['id']): x for x in report}.values()), ""]
    return md
