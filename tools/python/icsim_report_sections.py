"""`icsim report`: sections on every target at once (P with intervals, P reached by year), the
region's aggregates, districts, firms and land (with the firm model), the backtest, and the
reported history drawn on fan charts (functions of the Report of icsim_report.py).

History: the published figures of the region (e.g. scenarios/data/ningbo/observed.csv, columns
id, metric, scope, year, value, unit, definition, source, quote, status) are drawn on the fan
chart of the series they measure. A row matches a series when its `metric` is the series'
`group/variable` (a region series) or `group/variable:CODE` (the series of one district or
cluster, CODE its code), in the same unit (after the 万元/亩 conversion); rows measuring
anything else (growth rates, January–November sums, lower bounds, parks) match no series and
are not drawn. The file is found with --observed, else as observed.csv next to a data file the
scenario names (its districts or firm calibration file).
"""

from __future__ import annotations

import math
from pathlib import Path

from icsim_report_util import esc, fmt, fmt_p, layout, verdict, wrap

REGION = (("gdp", "GDP 地区生产总值"),
          ("industrial_value_added", "industrial value added 全部工业增加值"),
          ("industrial_output_above_scale", "above-scale output 规上工业总产值"),
          ("industrial_investment", "industrial investment 工业投资"))
FIRMS = (("firms_above_scale", "规上 firms"), ("firms_entered", "new firms this year"),
         ("firms_exited", "firms exited this year"),
         ("tax_per_mu_above_scale", "规上 亩均税收"))
LAND = (("land_in_use", "industrial land in use"), ("land_available", "供而未用 supplied, unused"),
        ("land_approved_not_supplied", "批而未供 approved, not supplied"),
        ("land_supplied", "land supplied this year"))
DISTRICT_TABLE = ("firms_above_scale", "value_added_above_scale", "tax_per_mu_above_scale",
                  "land_in_use", "land_available")
MARKERS = {"verified": ("D", "k"), "derived": ("s", "0.35"), "unverified": ("o", "none")}


# ---------------------------------------------------------------------------------------------
# Reported history


def find_observed(rep, given: Path | None):
    """The published figures as a DataFrame (None when there are none), and their file."""
    import pandas as pd

    candidates = [Path(given)] if given else []
    if not given:
        scenario_file = rep.attrs.get("scenario_file")
        doc = _scenario_doc(rep.run.scenario)
        firms = doc.get("firms", {}) if isinstance(doc.get("firms"), dict) else {}
        if scenario_file:
            base = Path(str(scenario_file)).parent
            for key in ("districts", "calibration"):
                if isinstance(firms.get(key), str):
                    candidates.append((base / firms[key]).parent / "observed.csv")
    for path in candidates:
        if path.is_file():
            try:
                table = pd.read_csv(path, encoding="utf-8-sig")
            except (OSError, ValueError, UnicodeDecodeError) as e:
                rep.warnings.append(f"{path}: the reported figures cannot be read ({e})")
                return None, None
            if {"metric", "year", "value", "unit"} <= set(table.columns):
                return table, path
            rep.warnings.append(f"{path}: not a table of reported figures (columns metric, "
                                "year, value, unit expected)")
    return None, None


def _scenario_doc(text):
    try:
        import tomllib

        return tomllib.loads(text or "")
    except Exception:  # noqa: BLE001
        return {}


def history(rep, variable: str, select, units: str):
    """Reported figures of one series (variable "group/name", select None or one code) in its
    units: a DataFrame of year, value, status, id (empty when none)."""
    import icsim_results as ir

    obs = rep.observed
    if obs is None:
        return None
    codes = [select] if isinstance(select, str) else (list(select) if select else [])
    if len(codes) > 1:
        return None
    want = variable if not codes else f"{variable}:{codes[0]}"
    rows = obs[(obs["metric"] == want)]
    if units == ir.PER_MU:  # figures in 万元/亩 match the converted series
        rows = rows[rows["unit"].isin([ir.PER_MU, "万元/亩"])]
    else:
        rows = rows[rows["unit"] == units]
    if "scope" in rows and not variable.startswith("districts/"):
        # A whole-region series (region, sector, cluster): the figures of the region itself
        # (scope empty or the region's name, the attribute `region` of /region), not those of
        # a district or park, as `icsim score` matches them (docs/score.md).
        region = getattr(rep, "region_name", "")
        scope = rows["scope"].fillna("").astype(str).str.strip()
        rows = rows[(scope == "") | (scope == region)] if region else \
            rows[~scope.str.contains(r"\(", regex=True)]
    return rows if len(rows) else None


def draw_history(rep, ax, variable, select, units) -> int:
    """Draws the reported figures of a series on its fan chart; returns how many."""
    rows = history(rep, variable, select, units)
    if rows is None:
        return 0
    for status, (marker, face) in MARKERS.items():
        part = rows[rows.get("status", "verified").astype(str) == status] \
            if "status" in rows else (rows if status == "verified" else rows.iloc[:0])
        if len(part):
            ax.scatter(part["year"], part["value"], marker=marker, s=22, zorder=6,
                       facecolors=face, edgecolors="k", linewidths=0.8,
                       label=f"reported ({status})")
    rep.history_drawn += len(rows)
    return len(rows)


def history_note(rep) -> str:
    if rep.observed is None:
        return ""
    return (f" Reported figures from {esc(rep.observed_path.name)} (diamonds: verified, "
            "squares: derived, open circles: unverified) are drawn on the series they "
            "measure.")


# ---------------------------------------------------------------------------------------------
# Every target at once


def overview_sections(rep) -> list[str]:
    t = rep.run.targets
    n = int(t.sizes.get("target", 0)) if t is not None else 0
    if n == 0:
        return []
    return [all_targets_section(rep, t, n), reached_by_year_section(rep, t, n)]


def all_targets_section(rep, t, n) -> str:
    import matplotlib.pyplot as plt
    import numpy as np

    p = rep.point
    ids = [str(x) for x in t["target"].values]
    prob = t["probability"].values[p].astype(float)
    lo = t["probability_low"].values[p].astype(float)
    hi = t["probability_high"].values[p].astype(float)
    colours = {"vl": "#2e7d32", "l": "#7cb342", "u": "#f9a825", "ul": "#ef6c00",
               "vul": "#c62828", "na": "0.5"}
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * n + 1.3))
    y = np.arange(n)
    for i in range(n):
        cls = verdict(prob[i])[1]
        ax.errorbar([prob[i]], [y[i]], xerr=[[max(prob[i] - lo[i], 0)], [max(hi[i] - prob[i], 0)]],
                    fmt="o", color=colours[cls], capsize=2, markersize=5)
    for x in (0.1, 0.33, 0.66, 0.9):
        ax.axvline(x, color="0.8", linewidth=0.8, linestyle=":")
    ax.set_yticks(y, ids, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("P(reached), with its 95 % Wilson interval")
    ax.grid(alpha=0.3, axis="x")
    layout(fig, left=2.0, top=0.3, bottom=0.6)
    fname = rep.save(fig, "all-targets")
    return ("<section id=probabilities><h2>Every target's probability</h2>"
            + rep.figure("every target's probability", fname,
                         "P of reaching each target in its year, with its 95 % Wilson interval, "
                         "coloured by the words of the table above (dotted: 0.1, 0.33, 0.66, "
                         f"0.9).{esc(rep.point_note())}") + "</section>")


def reached_by_year_section(rep, t, n) -> str:
    import numpy as np

    if "first_year_reached" not in t:
        return ""
    p = rep.point
    first = t["first_year_reached"].values[p].astype(float)  # (replication, target)
    years = _years(rep)
    if not years:
        return ""
    reps = first.shape[0]
    rows = []
    for i in range(n):
        col = first[:, i]
        if not np.isfinite(col).any():
            continue
        cells = []
        for y in years:
            share = float(np.mean(np.isfinite(col) & (col <= y))) if reps else math.nan
            cls = verdict(share)[1]
            target_year = int(t["year"].values[i]) == y
            cells.append(f"<td class='num p {cls}'>{'<b>' if target_year else ''}"
                         f"{fmt_p(share)}{'</b>' if target_year else ''}</td>")
        rows.append(f"<tr><td>{esc(t['target'].values[i])}</td><td>{esc(t['text'].values[i])}"
                    f"</td><td class=num>{int(t['year'].values[i])}</td>{''.join(cells)}</tr>")
    if not rows:
        return ""
    head = "".join(f"<th>{y}</th>" for y in years)
    return ("<section id=by-year><h2>P(reached by year)</h2><p>For each target, the share of "
            "replications whose judged value meets the threshold in some year up to and "
            "including the column's year (<code>/targets/first_year_reached</code>); bold: the "
            "target's own year. It can exceed P, which judges the target year only: a value "
            "met early and lost again counts here. Targets never met in any replication are "
            f"left out.{esc(rep.point_note())}</p><table class=byyear><thead><tr><th>id</th>"
            f"<th>target</th><th>year</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></section>")


def _years(rep):
    for g in ("region", "clusters", "sectors"):
        ds = getattr(rep.run, g)
        if ds is not None and "year" in ds.coords:
            return [int(y) for y in ds["year"].values]
    return []


# ---------------------------------------------------------------------------------------------
# Region, firms, land, districts


def _panels(rep, group, variables, title, name):
    """One figure of fan charts (2 columns) of /group variables with their history."""
    import matplotlib.pyplot as plt

    import icsim_results as ir

    ds = getattr(rep.run, group)
    present = [(v, words) for v, words in variables if ds is not None and v in ds]
    if not present:
        return None
    ncols = 2
    nrows = math.ceil(len(present) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(10.5, 2.9 * nrows + 0.6), squeeze=False)
    reported = 0
    for ax, (v, words) in zip(axes.flat, present):
        units = ds[v].attrs.get("units", "")
        ir.fan_chart(rep.run, None, v, group, ax=ax, point=rep.point, color="C0",
                     label="median")
        reported += draw_history(rep, ax, f"{group}/{v}", None, units)
        ax.set_title(f"{words} ({ir.unit_label(units)})", fontsize=9)
        ax.set_xlabel("")
        ax.set_ylabel(ir.unit_label(units), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, labels, fontsize=6, loc="best")
    for ax in list(axes.flat)[len(present):]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=11)
    layout(fig, left=0.8, right=0.2, top=0.7, bottom=0.4, hspace=0.65, wspace=0.8)
    return rep.save(fig, name), [v for v, _ in present], reported


def region_section(rep) -> str:
    made = _panels(rep, "region", REGION, "Region: aggregates", "region")
    if made is None:
        return ""
    fname, names, reported = made
    table = _horizon_table(rep, "region", names)
    return ("<section id=region><h2>Region: GDP, value added, output, investment</h2>"
            + rep.figure("region aggregates", fname,
                         "The region's aggregates by year: median, 25–75 % and 5–95 % bands "
                         f"over the replications, in current prices.{history_note(rep)}"
                         f"{esc(rep.point_note())}") + table + "</section>")


def firms_land_sections(rep) -> list[str]:
    out = []
    for sid, variables, title in (("firms", FIRMS, "Firms (the firm model)"),
                                  ("land", LAND, "Industrial land (the firm model)")):
        made = _panels(rep, "region", variables, title, sid)
        if made is None:
            continue
        fname, names, _ = made
        words = ("Counts of firms in the region and 规上 tax per mu (万元/亩)" if sid == "firms"
                 else "Industrial land in mu: in use, supplied but unused, approved but not "
                 "supplied, and supplied this year")
        out.append(f"<section id={sid}><h2>{esc(title)}</h2>"
                   + rep.figure(title, fname, f"{words}: median, 25–75 % and 5–95 % bands. "
                                f"{history_note(rep)}{esc(rep.point_note())}")
                   + _horizon_table(rep, "region", names) + "</section>")
    return out


def districts_section(rep) -> str:
    import matplotlib.pyplot as plt

    import icsim_results as ir

    ds = rep.run.districts
    if ds is None or int(ds.sizes.get("district", 0)) == 0:
        return ""
    codes = [str(c) for c in ds["district"].values]
    names = ([str(x) for x in ds["district_name"].values] if "district_name" in ds else codes)
    variable = "value_added_above_scale"
    figure = ""
    if variable in ds:
        units = ds[variable].attrs.get("units", "")
        ncols = min(4, len(codes))
        nrows = math.ceil(len(codes) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 2.2 * nrows + 0.7),
                                 squeeze=False, sharex=True)
        for ax, code, name in zip(axes.flat, codes, names):
            ir.fan_chart(rep.run, code, variable, "districts", ax=ax, point=rep.point,
                         color="C4", label="median")
            draw_history(rep, ax, f"districts/{variable}", code, units)
            ax.set_title(f"{name} ({code})", fontsize=8)
            ax.set_xlabel("")
            ax.set_ylabel("")
            ax.tick_params(labelsize=6)
            ax.grid(alpha=0.3)
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        for ax in list(axes.flat)[len(codes):]:
            ax.set_visible(False)
        fig.suptitle(f"规上 value added by district ({ir.unit_label(units)})", fontsize=10)
        layout(fig, left=0.6, right=0.15, top=0.75, bottom=0.35, hspace=0.55, wspace=0.55)
        fname = rep.save(fig, "districts")
        figure = rep.figure("districts", fname,
                            "Value added of 规上 (above-scale) firms in each district: median, "
                            f"25–75 % and 5–95 % bands.{history_note(rep)}"
                            f"{esc(rep.point_note())}")
    table = _horizon_table(rep, "districts", [v for v in DISTRICT_TABLE if v in ds],
                           by=(codes, names))
    return ("<section id=districts><h2>Districts</h2><p>The firm model's statistics by "
            "district (docs/results.md).</p>" + figure + table + "</section>")


def _horizon_table(rep, group, variables, by=None) -> str:
    """Median [5–95 %] in the last year of each variable (rows: the variables, or with `by`
    the districts and one column per variable)."""
    import numpy as np

    import icsim_results as ir

    ds = getattr(rep.run, group)
    if ds is None or not variables:
        return ""
    last = int(ds["year"].values[-1])

    def cell(da):
        v = da.values.astype(float)
        v = v[np.isfinite(v)]
        if not len(v):
            return "<td class=num>–</td>"
        q = np.quantile(v, [0.05, 0.5, 0.95])
        return (f"<td class=num><b>{esc(fmt(q[1]))}</b><br><small>[{esc(fmt(q[0]))}, "
                f"{esc(fmt(q[2]))}]</small></td>")

    head_units = [ir.unit_label(ds[v].attrs.get("units", "")) for v in variables]
    if by is None:
        rows = "".join(
            f"<tr><td>{esc(ds[v].attrs.get('long_name', v))}</td><td>{esc(u)}</td>"
            + cell(ds[v].isel(point=rep.point).sel(year=last)) + "</tr>"
            for v, u in zip(variables, head_units))
        return (f"<table class=horizon><thead><tr><th>{esc(group)}</th><th>unit</th>"
                f"<th>{last}: median [5–95 %]</th></tr></thead><tbody>{rows}</tbody></table>")
    codes, names = by
    head = "".join(f"<th>{esc(v)}<br><small>{esc(u)}</small></th>"
                   for v, u in zip(variables, head_units))
    rows = "".join(
        f"<tr><td>{esc(name)} ({esc(code)})</td>" + "".join(
            cell(ds[v].isel(point=rep.point).sel(year=last, district=code)) for v in variables)
        + "</tr>" for code, name in zip(codes, names))
    return (f"<table class=horizon><thead><tr><th>district, {last}: median [5–95 %]</th>{head}"
            f"</tr></thead><tbody>{rows}</tbody></table>")


# ---------------------------------------------------------------------------------------------
# Backtest


def backtest_section(rep) -> str:
    import matplotlib.pyplot as plt
    import numpy as np

    b = rep.run.backtest
    if b is None or int(b.sizes.get("figure", 0)) == 0:
        return ""
    n = int(b.sizes["figure"])

    def col(name, kind=float):
        if name not in b:
            return [math.nan if kind is float else ""] * n
        vals = b[name].values.reshape(-1)
        return [kind(v) if kind is float else str(v) for v in vals]

    metric, year, unit, source = col("metric", str), col("year"), col("unit", str), \
        col("source", str)
    actual, median, p05, p95, err = (col(x) for x in ("actual", "median", "p05", "p95",
                                                         "error_percent"))
    inside = [p05[i] <= actual[i] <= p95[i] for i in range(n)]
    rows = "".join(
        f"<tr><td><code>{esc(metric[i])}</code></td><td class=num>{int(year[i])}</td>"
        f"<td class=num>{esc(fmt(actual[i]))}</td><td class=num><b>{esc(fmt(median[i]))}</b></td>"
        f"<td class=num>[{esc(fmt(p05[i]))}, {esc(fmt(p95[i]))}]</td>"
        f"<td class=num>{err[i]:+.1f} %</td><td>{'yes' if inside[i] else '<b>no</b>'}</td>"
        f"<td>{esc(unit[i])}</td><td class=src>{esc(source[i])}</td></tr>" for i in range(n))
    table = ("<table class=backtest><thead><tr><th>figure</th><th>year</th><th>reported</th>"
             "<th>projected median</th><th>5–95 %</th><th>error</th><th>inside the band</th>"
             f"<th>unit</th><th>source</th></tr></thead><tbody>{rows}</tbody></table>")
    fig, ax = plt.subplots(figsize=(8.5, 0.34 * n + 1.3))
    y = np.arange(n)
    rel = lambda v: [(v[i] / actual[i] - 1) * 100 if actual[i] else math.nan  # noqa: E731
                     for i in range(n)]
    lo, med, hi = rel(p05), rel(median), rel(p95)
    ax.errorbar(med, y, xerr=[np.subtract(med, lo), np.subtract(hi, med)], fmt="o", color="C0",
                capsize=2, label="projection: median, 5–95 %")
    ax.axvline(0, color="k", linewidth=1, label="reported figure")
    ax.set_yticks(y, [wrap(f"{metric[i]} {int(year[i])}", 40) for i in range(n)], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("percent of the reported figure (projection / reported − 1)")
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=7, loc="best")
    layout(fig, left=2.6, top=0.3, bottom=0.6)
    fname = rep.save(fig, "backtest")
    hits = sum(inside)
    return ("<section id=backtest><h2>Backtest against reported figures</h2><p>The run "
            f"projected {n} figure{'s' if n != 1 else ''} that were later reported "
            "(the scenario's <code>[[actual]]</code> entries, <code>/backtest</code>): "
            f"{hits} of {n} reported values fall inside the projection's 5–95 % band; the error "
            "is the median's, in percent of the reported value.</p>" + table
            + rep.figure("backtest", fname, "Each reported figure (the zero line) against the "
                         "projection's median and 5–95 % band, in percent of the figure.")
            + "</section>")

