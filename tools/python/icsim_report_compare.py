"""`icsim report CONTROL.h5 ALTERNATIVE.h5 [...]`: the sections comparing an alternative (or
several) with its control, added to the control's page (icsim_report.Report):

- the scenarios: name, description, file, seed, replications and point of each, and the keys
  whose resolved values differ from the control's (the result files store the resolved scenario
  text, not the --set overrides as given: the differences of the two texts are what changed);
- ΔP per target with its paired 95 % interval (icsim_paired.delta_probability), as a table and
  one chart of every target;
- overlaid fan charts of the control and the alternatives, next to the paired differences
  (alternative − control per replication, then quantiles) by year, for the region's aggregates
  and every level target's series; a table of the differences by year.
"""

from __future__ import annotations

import math

from icsim_report_util import esc, fmt, layout, wrap

COLOURS = ("C0", "C3", "C2", "C4", "C1", "C5")
REGION = (("gdp", "GDP (地区生产总值)"),
          ("industrial_value_added", "industrial value added (工业增加值)"),
          ("industrial_output_above_scale", "above-scale industrial output (规上工业总产值)"),
          ("industrial_investment", "industrial investment (工业投资)"))


def flatten(doc, prefix=""):
    """A parsed scenario as {"dotted.key": value}; arrays of tables by their name or id
    (programme.shuangbai.investment), as `--set` addresses them."""
    out = {}
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(doc, list) and doc and all(isinstance(x, dict) for x in doc):
        for n, x in enumerate(doc):
            key = x.get("name", x.get("id", f"[{n}]"))
            out.update(flatten(x, f"{prefix}{key}."))
    else:
        out[prefix[:-1]] = doc
    return out


def scenario_doc(run) -> dict:
    try:
        import tomllib

        return tomllib.loads(run.scenario or "")
    except Exception:  # noqa: BLE001 - no tomllib (Python < 3.11) or an unreadable text
        return {}


def overrides(control, alternative) -> list[tuple[str, str, str]]:
    """(key, control value, alternative value) for every resolved key that differs, without
    the [scenario] name and description (shown on their own)."""
    a, b = flatten(scenario_doc(control)), flatten(scenario_doc(alternative))
    skip = {"scenario.name", "scenario.description"}
    rows = []
    for key in sorted(set(a) | set(b)):
        if key in skip or a.get(key) == b.get(key):
            continue
        rows.append((key, "–" if key not in a else repr_value(a[key]),
                     "–" if key not in b else repr_value(b[key])))
    return rows


def repr_value(v) -> str:
    text = str(v) if not isinstance(v, str) else f'"{v}"'
    return text if len(text) <= 120 else text[:117] + "…"


class Compared:
    """One alternative: its run, the point drawn, and how it pairs with the control."""

    def __init__(self, rep, path):
        import icsim_paired
        import icsim_results as ir

        self.path = path
        self.run = ir.open_result(path)
        self.point, self.point_how = ir.default_point(self.run)
        self.paired, self.why = icsim_paired.pairing(rep.run, self.run)
        self.name = self.run.name


def comparison_sections(rep, paths) -> None:
    alts = [Compared(rep, p) for p in paths]
    rep.sections.append(scenarios_section(rep, alts))
    if rep.run.targets is not None and all(a.run.targets is not None for a in alts):
        rep.sections.append(delta_p_section(rep, alts))
    rep.sections.append(series_section(rep, alts))


def _description(run) -> str:
    return str(scenario_doc(run).get("scenario", {}).get("description", "")) or "–"


def scenarios_section(rep, alts) -> str:
    rows = [("control", rep.run, rep.path, rep.point if rep.is_sweep else None)]
    rows += [(f"alternative {k + 1}", a.run, a.path, a.point if a.run.sweep is not None
              else None) for k, a in enumerate(alts)]
    body = "".join(
        f"<tr><td>{esc(role)}</td><td><b>{esc(run.name)}</b></td><td>{esc(_description(run))}"
        f"</td><td>{esc(path.name)}</td><td class=num>{esc(run.attrs.get('seed', '–'))}</td>"
        f"<td class=num>{esc(run.attrs.get('replications', '–'))}</td>"
        f"<td class=num>{'–' if point is None else point}</td></tr>"
        for role, run, path, point in rows)
    parts = [("<table class=scenarios><thead><tr><th></th><th>scenario</th><th>description</th>"
              "<th>file</th><th>seed</th><th>replications</th><th>sweep point</th></tr></thead>"
              f"<tbody>{body}</tbody></table>")]
    for k, a in enumerate(alts):
        diff = overrides(rep.run, a.run)
        head = (f"<h3>Alternative {k + 1}, {esc(a.name)}: what differs from the control "
                f"({len(diff)} key{'s' if len(diff) != 1 else ''})</h3>")
        if not diff:
            parts.append(head + "<p>The resolved scenarios are the same (apart from name and "
                         "description).</p>")
        else:
            parts.append(head + "<table class=overrides><thead><tr><th>key</th><th>control</th>"
                         "<th>alternative</th></tr></thead><tbody>" + "".join(
                             f"<tr><td><code>{esc(key)}</code></td><td>{esc(x)}</td>"
                             f"<td>{esc(y)}</td></tr>" for key, x, y in diff)
                         + "</tbody></table>")
        if not a.paired:
            parts.append(f"<p class=warn>Not paired with the control: {esc(a.why)}. ΔP gets "
                         "the interval for independent samples; no differences by year.</p>")
        if a.run.sweep is not None:
            parts.append(f"<p>Sweep file: {esc(a.point_how)}.</p>")
    return ("<section id=scenarios><h2>Scenarios compared</h2><p>The first file is the control, "
            "the others alternatives. Each alternative's overrides are read from the resolved "
            "scenarios the files store (after <code>extends</code> and <code>--set</code>): "
            "every key whose value differs from the control's; the result files do not keep "
            "the <code>--set</code> options as typed.</p>" + "".join(parts) + "</section>")


def delta_p_section(rep, alts) -> str:
    import matplotlib.pyplot as plt
    import numpy as np

    import icsim_paired

    tables = [icsim_paired.delta_probability(rep.run, a.run, rep.point, a.point) for a in alts]
    ids = list(tables[0].index) if len(tables[0]) else []
    head = "".join(f"<th>P {esc(a.name)}</th><th>ΔP [95 %]</th><th>reached only under "
                   "control / alternative</th>" for a in alts)
    rows = []
    for tid in ids:
        cells = ""
        for dp in tables:
            if tid not in dp.index:
                cells += "<td>–</td><td>–</td><td>–</td>"
                continue
            r = dp.loc[tid]
            cells += (f"<td class=num>{r['p_alternative']:.2f}</td><td class=num><b>"
                      f"{r['delta_p']:+.2f}</b> [{r['delta_p_low']:+.2f}, "
                      f"{r['delta_p_high']:+.2f}]</td><td class=num>"
                      + (f"{r['control_only']} / {r['alternative_only']}" if r["paired"]
                         else "unpaired") + "</td>")
        r0 = tables[0].loc[tid]
        rows.append(f"<tr><td>{esc(tid)}</td><td>{esc(r0['text'])}</td><td class=num>"
                    f"{r0['p_control']:.2f}</td>{cells}</tr>")
    table = ("<table class=deltap><thead><tr><th>id</th><th>target</th><th>P control</th>"
             f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    figure = ""
    if ids:
        fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(ids) + 1.4))
        y = np.arange(len(ids))
        for k, dp in enumerate(tables):
            d = dp.reindex(ids)
            off = (k - (len(tables) - 1) / 2) * 0.25
            ax.errorbar(d["delta_p"], y + off, xerr=[d["delta_p"] - d["delta_p_low"],
                                                      d["delta_p_high"] - d["delta_p"]],
                        fmt="o", color=COLOURS[(k + 1) % len(COLOURS)], capsize=2,
                        markersize=4, label=alts[k].name)
        ax.axvline(0, color="k", linewidth=0.8)
        ax.set_yticks(y, ids, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("ΔP = P(alternative) − P(control), with its paired 95 % interval")
        ax.grid(alpha=0.3, axis="x")
        ax.legend(fontsize=7, loc="lower right")
        layout(fig, left=2.0, top=0.3, bottom=0.6)
        fname = rep.save(fig, "compare-delta-p")
        figure = rep.figure("change in probability per target", fname,
                            "ΔP of every target both files evaluate, with its 95 % interval "
                            "for paired proportions.")
    return ("<section id=delta-p><h2>Change in each target's probability</h2><p>ΔP = "
            "P(alternative) − P(control). The runs share their random numbers (same seed, "
            "replication <i>r</i> draws the same streams in both), so the replications are "
            "paired: only the replications that reach a target under one run and not the other "
            "move P, and the 95 % interval is Newcombe's hybrid score interval for paired "
            "proportions (the two Wilson intervals combined with the correlation of the paired "
            "outcomes; docs/report.md). It is much narrower than the two separate intervals "
            "suggest. Files with different seeds get the interval for independent samples."
            f"</p>{table}{figure}</section>")


def _pair_figure(rep, alts, variable, group, select, title, unit, target=None):
    """Two panels: the control and the alternatives overlaid (fan charts), and the paired
    differences alternative − control by year. Returns the figure's HTML."""
    import matplotlib.pyplot as plt

    import icsim_paired
    import icsim_results as ir

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.9))
    ir.fan_chart(rep.run, select, variable, group, target=target, ax=left, point=rep.point,
                 label=f"control: {rep.run.name}", color=COLOURS[0], annotate=False)
    paired = [a for a in alts if a.paired]
    for k, a in enumerate(alts):
        ir.fan_chart(a.run, select, variable, group, ax=left, point=a.point,
                     label=a.name, color=COLOURS[(k + 1) % len(COLOURS)],
                     bands=((0.05, 0.95),))
    for k, a in enumerate(paired):
        icsim_paired.paired_chart(rep.run, a.run, f"{group}/{variable}", select=select,
                                  ax=right, color=COLOURS[(alts.index(a) + 1) % len(COLOURS)],
                                  label=f"{a.name} − control", point_control=rep.point,
                                  point_alternative=a.point)
    for ax in (left, right):
        ax.set_title("")
        ax.grid(alpha=0.3)
        ax.set_ylabel(ir.unit_label(unit))
        ax.tick_params(labelsize=8)
    handles, labels = left.get_legend_handles_labels()
    keep = [i for i, lab in enumerate(labels) if not lab.endswith(" %")]
    left.legend([handles[i] for i in keep], [labels[i] for i in keep], fontsize=7, loc="best")
    left.set_title("runs (median, 5–95 %)", fontsize=9)
    right.set_title("paired difference (median, 25–75 %, 5–95 %)" if paired
                    else "not paired: no differences", fontsize=9)
    fig.suptitle(wrap(title, 100), fontsize=10)
    layout(fig, left=0.8, right=0.2, top=0.7, bottom=0.5, wspace=0.8)
    return rep.save(fig, f"compare-{group}-{variable}-{select or ''}")


def series_section(rep, alts) -> str:
    import icsim_paired

    figs, tables = [], []
    region = rep.run.region
    paired = [a for a in alts if a.paired]
    for variable, words in REGION:
        if region is None or variable not in region or any(
                a.run.region is None or variable not in a.run.region for a in alts):
            continue
        unit = region[variable].attrs.get("units", "")
        fname = _pair_figure(rep, alts, variable, "region", None, f"Region: {words}", unit)
        figs.append(rep.figure(f"region {variable}", fname,
                               f"<b>{esc(words)}</b> ({esc(unit)}): left, each run's median "
                               "and 5–95 % band; right, the paired difference alternative − "
                               "control by year."))
        for a in paired:
            bands = icsim_paired.difference_bands(icsim_paired.paired_difference(
                rep.run, a.run, f"region/{variable}", point_control=rep.point,
                point_alternative=a.point))
            tables.append((words, unit, a.name, bands))
    t = rep.run.targets
    drawn = {("region", v, None): None for v, _ in REGION}  # series already shown
    by_series: dict = {}
    for i in range(int(t.sizes.get("target", 0)) if t is not None else 0):
        tid = str(t["target"].values[i])
        if str(t["kind"].values[i]) != "level":
            continue
        try:
            variable, select = rep.ir.parse_metric(str(t["metric"].values[i]))
        except ValueError:
            continue
        if rep.ir.target_series(rep.run, tid, point=rep.point) is None:
            continue
        group, name = variable.split("/", 1)
        key = (group, name, tuple(select) if select else None)
        if key in drawn:
            continue
        by_series.setdefault(key, []).append(i)
    for (group, name, select), members in by_series.items():
        i = members[0]
        tid = str(t["target"].values[i])
        try:
            fname = _pair_figure(rep, alts, name, group, list(select) if select else None,
                                 f"{tid}: {t['text'].values[i]}", str(t["unit"].values[i]),
                                 target=tid)
        except (KeyError, ValueError) as e:
            rep.warnings.append(f"target {tid}: no comparison chart ({e})")
            continue
        others = [str(t["target"].values[j]) for j in members[1:]]
        figs.append(rep.figure(f"{tid} compared", fname,
                               f"<b>{esc(tid)}</b> {esc(t['text'].values[i])}: the series it "
                               f"judges, <code>{esc(t['metric'].values[i])}</code>; dashed: "
                               "its threshold." + (f" The same series is judged by "
                                                   f"{esc(', '.join(others))}." if others
                                                   else "")))
    table_html = "".join(_bands_table(*x) for x in tables)
    return ("<section id=differences><h2>Runs overlaid and their paired differences</h2><p>"
            "For the region's aggregates and the series of every level target: each run's fan "
            "chart (left) and the difference alternative − control computed replication by "
            "replication, then summarised by its median and quantiles (right). Because the "
            "runs share random numbers the differences are much tighter than the runs' own "
            "bands.</p>" + "".join(figs) + table_html + "</section>")


def _bands_table(words, unit, name, bands) -> str:
    rows = "".join(
        f"<tr><td class=num>{int(y)}</td><td class=num><b>{esc(fmt(r['p50']))}</b></td>"
        f"<td class=num>[{esc(fmt(r['p05']))}, {esc(fmt(r['p95']))}]</td>"
        f"<td class=num>{esc(fmt(r['mean']))}</td></tr>" for y, r in bands.iterrows()
        if not (math.isclose(r["p05"], 0, abs_tol=0) and math.isclose(r["p95"], 0, abs_tol=0)))
    return (f"<h3>{esc(words)}: {esc(name)} − control ({esc(unit)})</h3><table class=bands>"
            "<thead><tr><th>year</th><th>median difference</th><th>5–95 %</th><th>mean</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")
