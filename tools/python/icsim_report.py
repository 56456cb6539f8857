"""`icsim report RESULT.h5 -o DIR`: a self-contained HTML page about one icsim result file.

DIR/index.html (UTF-8, no network resources) with the charts as PNG files next to it:
provenance, a fan chart (or, for percentage targets, the distribution of the judged value) per
evaluated target against its threshold with the probability and its 95 % interval, a summary
table, the targets not evaluated, cluster trajectories by system, and, where the file has them,
the sweep (probability against each swept parameter) and the seek (answers and bisection
steps) sections. Any group may be missing (a seek file has only /seek). docs/report.md.

Run by `icsim report` (engine/cli/report_command.cpp) or directly:

    /usr/bin/python3 tools/python/icsim_report.py baseline.h5 -o baseline-report/

Exit status: 0 written, 2 bad input (missing file, not an icsim result, a variable missing,
a full disk, missing Python package), 1 internal error. The folder is built beside DIR and
renamed into place at the end (icsim_report_util.OutputFolder): a failure leaves nothing.
"""

from __future__ import annotations

import argparse
import html
import math
import re
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run from the source tree

import icsim_report_calibration  # noqa: E402
import icsim_report_sections  # noqa: E402
import icsim_report_sensitivity  # noqa: E402
import icsim_report_sweep  # noqa: E402
import icsim_report_validation  # noqa: E402
from icsim_report_util import (  # noqa: E402
    DPI, FONT_STACK, PROG, OutputFolder, ReportError, _text, _warn, check_result, esc, fmt,
    fmt_exact, layout, op_text, safe_name, verdict, wrap, year_text)

INSTALL_HINT = ("install the Python packages with tools/install-deps.sh (Debian: apt-get install "
                "python3-matplotlib python3-h5py python3-numpy python3-pandas python3-xarray "
                "python3-h5netcdf fonts-noto-cjk)")


# ---------------------------------------------------------------------------------------------
# The report


class Report:
    def __init__(self, path: Path, out: OutputFolder, point: int | None, quiet: bool,
                 alternatives=(), observed: Path | None = None,
                 explain: Path | None = None):
        import h5py

        self.alternatives = [Path(a) for a in alternatives]
        self.path = path
        self.out = out
        self.quiet = quiet
        self.charts: list[str] = []
        self.sections: list[str] = []
        self.warnings: list[str] = []
        self.h5 = h5py.File(path, "r")
        self.attrs = {k: _text(v) if isinstance(v, (bytes, str))
                      else (v.item() if getattr(v, "size", 0) == 1 else v)
                      for k, v in self.h5.attrs.items()}
        import icsim_results as ir

        self.ir = ir
        self.run = ir.open_result(path)
        self.points = self._points()
        if point is None:
            self.point, self.point_how = ir.default_point(self.run)
        else:
            self.point, self.point_how = point, f"point {point}, chosen with --point"
        self.history_drawn = 0
        region = self.h5["region"].attrs.get("region", "") if "region" in self.h5 else ""
        self.region_name = _text(region)  # the scope of whole-region reported figures
        self.observed, self.observed_path = icsim_report_sections.find_observed(self, observed)
        self.explained = read_explanations(explain)
        if not 0 <= self.point < max(self.points, 1):
            raise ReportError(f"{path}: --point {self.point} is out of range: the file has "
                              f"{self.points} point{'s' if self.points != 1 else ''} "
                              f"(0..{self.points - 1})")

    def close(self):
        self.h5.close()

    # -- reading ---------------------------------------------------------------------------

    def _points(self) -> int:
        for g in ("targets", "clusters", "region", "sectors", "districts", "sweep"):
            if g in self.h5 and "point" in self.h5[g]:
                return int(self.h5[g]["point"].shape[0])
        return 1

    def strings(self, dataset) -> list[str]:
        return [_text(x) for x in dataset[()].reshape(-1)]

    @property
    def is_sweep(self) -> bool:
        return "sweep" in self.h5 and self.points > 1

    def point_label(self, p: int) -> str:
        sw = self.h5.get("sweep")
        if sw is not None and "point_label" in sw:
            labels = self.strings(sw["point_label"])
            if p < len(labels):
                return labels[p]
        if sw is not None and "parameter_value" in sw and "parameter" in sw:
            names = self.strings(sw["parameter"])
            vals = sw["parameter_value"][()]
            return ", ".join(f"{n}={fmt_exact(v)}" for n, v in zip(names, vals[p]))
        return ""

    def point_note(self) -> str:
        if not self.is_sweep:
            return ""
        label = self.point_label(self.point)
        return (f" Sweep point {self.point} of {self.points}" + (f" ({label})" if label else "")
                + f" — {self.point_how}; other points: 'icsim report --point N'.")

    # -- charts ----------------------------------------------------------------------------

    def save(self, fig, name: str) -> str:
        import matplotlib.pyplot as plt

        import io

        fname = f"{len(self.charts):03d}-{safe_name(name)}.png"
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI)
        plt.close(fig)
        self.out.write(fname, buffer.getvalue())
        self.charts.append(fname)
        return fname

    def figure(self, alt: str, fname: str, caption: str) -> str:
        return (f'<figure><img src="{html.escape(fname)}" alt="{esc(alt)}">'
                f"<figcaption>{caption}</figcaption></figure>")

    # -- sections --------------------------------------------------------------------------

    def header(self) -> str:
        a = self.attrs
        name = a.get("scenario_name", self.path.stem)
        rows = [
            ("Scenario", name),
            ("Scenario file", a.get("scenario_file", "–")),
            ("Seed", a.get("seed", "–")),
            ("Replications", a.get("replications", "–")),
            ("Years", f"{a.get('base_year', '–')}–{a.get('horizon', '–')}"),
            ("Input-output table", a.get("table_name", "–")),
            ("Firm and land model", {1: "yes", 0: "no"}.get(a.get("firm_model"), "–")
             if "firm_model" in a else "–"),
            ("Created (UTC)", a.get("created_utc", "–")),
            ("icsim version", f"{a.get('icsim_version', '–')}"
             + (f" (commit {a['git_commit']})" if a.get("git_commit") else "")),
            ("Result file", str(self.path)),
        ]
        if self.points > 1:
            rows.insert(5, ("Sweep points", f"{self.points} (method "
                            f"{_text(self.h5['sweep'].attrs.get('method', '–'))})"
                            if "sweep" in self.h5 else str(self.points)))
        if "seek" in self.h5:
            rows.insert(5, ("Seek lever", _text(self.h5["seek"].attrs.get("lever", "–"))))
        body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
        money = a.get("units_money", "CNY 100 million")
        return (f"<header><h1>{esc(name)}</h1>"
                f"<p class=lead>icsim projection report: how likely the plan's targets are "
                f"reached, over {esc(a.get('replications', '?'))} Monte Carlo replications. "
                f"Money in {esc(money)} (亿元), current prices unless a target says "
                f"otherwise; tax and value added per mu in 万元/亩.{self.compared_note()}</p>"
                f"<table class=meta>{body}</table></header>")

    def compared_note(self) -> str:
        if not self.alternatives:
            return ""
        return (" This is the <b>control</b>; the page compares it with "
                + ", ".join(f"<b>{esc(a.name)}</b>" for a in self.alternatives)
                + " (sections <i>scenarios</i>, <i>delta p</i>, <i>differences</i>); the "
                "sections after them are the control's own.")

    def targets_sections(self):
        t = self.run.targets
        if t is None:
            return
        n = int(t.sizes.get("target", 0))
        ids = [str(x) for x in t["target"].values] if n else []
        cards, rows = [], []
        p = self.point
        reps = int(t.sizes.get("replication", 0))
        for i, tid in enumerate(ids):
            text = str(t["text"].values[i])
            kind = str(t["kind"].values[i]) if "kind" in t else "level"
            unit = str(t["unit"].values[i]) if "unit" in t else ""
            op = str(t["operator"].values[i])
            thr = float(t["threshold"].values[i])
            year = int(t["year"].values[i])
            prob = float(t["probability"].values[p, i])
            lo = float(t["probability_low"].values[p, i])
            hi = float(t["probability_high"].values[p, i])
            med = float(t["value_median"].values[p, i]) if "value_median" in t else math.nan
            first = (float(t["first_year_reached_median"].values[p, i])
                     if "first_year_reached_median" in t else math.nan)
            words, cls = verdict(prob)
            ptxt = f"P = {prob:.2f} [{lo:.2f}, {hi:.2f}]"
            unit_txt = "%" if unit == "percent" else f" {unit}" if unit else ""
            pct = "%" if unit == "percent" else ""
            goal = f"{op_text(op)} {fmt_exact(thr)}{unit_txt} in {year}"
            try:
                fname, how = self.target_chart(i, tid, text, kind, unit, op, thr, year, prob,
                                               lo, hi)
            except Exception as e:  # noqa: BLE001 - one bad chart must not lose the page
                self.warnings.append(f"target {tid}: no chart ({e})")
                fname, how = None, ""
            caption = (f"<b>{esc(tid)}</b> {esc(text)} — goal {esc(goal)}. "
                       f"<b>{esc(ptxt)}</b> ({words}; 95 % Wilson interval over {reps} "
                       f"replications). {how}{esc(self.point_note())}")
            why = self.explained.get(tid)
            if why:
                caption += "".join(f" <b>Flag {esc(code)}</b>: {esc(msg)}."
                                   for code, msg in why["flags"])
            card = (self.figure(f"{tid}: {text}", fname, caption) if fname
                    else f"<p>{caption}</p>")
            if why:
                card += ("<details><summary>Why this verdict (icsim explain)</summary>"
                         f"<pre>{esc(why['text'])}</pre></details>")
            cards.append(card)
            rows.append(
                f"<tr><td>{esc(tid)}</td><td>{esc(text)}</td><td class=src>"
                f"{esc(t['source'].values[i]) if 'source' in t else ''}</td>"
                f"<td class=num>{esc(op_text(op))} {esc(fmt_exact(thr))}{esc(unit_txt)}</td>"
                f"<td class=num>{year}</td>"
                f"<td class='num p {cls}'>{prob:.2f} [{lo:.2f}, {hi:.2f}]<br><small>{words}"
                f"</small></td><td class=num>{esc(fmt(med))}{pct}</td>"
                f"<td class=num>{year_text(first)}</td>"
                f"<td>{esc(', '.join(c for c, _ in self.explained.get(tid, {}).get('flags', [])))}"
                "</td></tr>")
        table = ("<table class=targets><thead><tr><th>id</th><th>target</th><th>source</th>"
                 "<th>threshold</th><th>year</th><th>P [95 % interval]</th>"
                 "<th>median value (unit of the threshold)</th><th>first year met (median)</th>"
                 "<th>flags</th></tr></thead>"
                 f"<tbody>{''.join(rows)}</tbody></table>") if rows else \
            "<p>The scenario has no targets the model could evaluate.</p>"
        self.sections.append(
            "<section id=summary><h2>Targets at a glance</h2>"
            "<p>Each row: the target as the plan states it, the probability P that it is "
            "reached (share of replications; 95 % Wilson interval in brackets), the median of "
            "the judged value in the target year and the median first year the threshold is met, "
            "over the replications that meet it in some year of the projection (<i>never</i>: "
            "in none). Flags (docs/explain.md): <i>zero_value</i> and <i>constant_value</i>, "
            "the value is the same in every replication, so P is 0 or 1 by construction; "
            "<i>certain_verdict</i>, no replication comes near the threshold. Words: P ≥ 0.9 "
            "very "
            "likely, ≥ 0.66 likely, 0.33–0.66 uncertain, ≤ 0.33 unlikely, ≤ 0.1 very "
            "unlikely. With <code>--sensitivity</code>: <i>no_lever_effect</i>, no parameter of "
            "the sensitivity analysis moves the target."
            f"{esc(self.point_note())}</p>{table}{self.levers_note()}</section>")
        self.not_evaluated_section(t)
        if cards:
            self.sections.append(
                "<section id=targets><h2>Each target against its threshold</h2>"
                "<p>Fan charts: the line is the median over the replications, the dark band "
                "holds the middle half (25–75 %), the light band 90 % of them (5–95 %); the "
                "dashed line is the threshold, the diamond the target year. Targets stated as "
                "percentages (growth, CAGR, share, change) are shown as the distribution of "
                "the percentage itself.</p>" + "".join(cards) + "</section>")

    def levers_note(self) -> str:
        """The levers of a sensitivity analysis (`--sensitivity`) that move no output."""
        block = self.explained.get("LEVERS")
        if not block:
            return ""
        head = block["text"].split("\n", 1)[0]
        items = "".join(f"<li><code>{esc(msg)}</code></li>" for _, msg in block["flags"])
        return (f"<p><b>{esc(head)}</b></p>" + (f"<ul>{items}</ul>" if items else ""))

    def target_chart(self, i, tid, text, kind, unit, op, thr, year, prob, lo, hi):
        import matplotlib.pyplot as plt
        import numpy as np

        t = self.run.targets
        p = self.point
        title = wrap(f"{tid}: {text}", 80) + f"\nP = {prob:.2f}  [95 %: {lo:.2f}, {hi:.2f}]"
        da = self.ir.target_series(self.run, tid, point=p) if kind == "level" else None
        fig, ax = plt.subplots(figsize=(8, 4.2))
        if da is not None:
            self.ir.fan_chart(self.run, target=tid, ax=ax, point=p, data=da,
                              label="median", color="C0", annotate=False)
            variable, select = self.ir.parse_metric(str(t["metric"].values[i]))
            icsim_report_sections.draw_history(self, ax, variable, select,
                                               da.attrs.get("units", unit))
            ax.set_ylabel(unit)
            ax.set_title("")
            ax.legend(loc="best", fontsize=8)
            how = (f"Chart: projected {esc(t['metric'].values[i])} by year (level target).")
        else:
            values = t["value"].values[p, :, i].astype(float)
            ok = values[np.isfinite(values)]
            bins = int(min(30, max(6, len(ok) // 4))) if len(ok) else 6
            if len(ok):
                ax.hist(ok, bins=bins, color="C0", alpha=0.55, label="replications")
                ax.plot(ok, np.zeros_like(ok), "|", color="C0", markersize=14)
                ax.axvline(float(np.median(ok)), color="C0", linewidth=2, label="median")
            ax.axvline(thr, color="k", linestyle="--", linewidth=1.2,
                       label=f"threshold {op_text(op)} {fmt_exact(thr)}")
            ax.set_xlabel(("percent" if unit == "percent" else unit) + f" in {year}")
            ax.set_ylabel("replications")
            ax.legend(loc="upper left")
            nan_note = (f" {len(values) - len(ok)} replications have no value (NaN)."
                        if len(ok) < len(values) else "")
            if kind == "level":
                how = ("Chart: distribution over the replications of the value judged in "
                       f"{year} (the level series could not be matched with the judged "
                       f"values, e.g. a target in constant prices).{nan_note}")
            else:
                base = (int(t["base_year"].values[i]) if "base_year" in t
                        and np.isfinite(t["base_year"].values[i]) else None)
                if base is None:  # the defaults of docs/scenario-reference.md
                    base = (self.attrs.get("base_year", "the base year") if kind == "cagr"
                            else year - 1)
                what = {"growth": f"growth from {base} to {year}, percent",
                        "cagr": f"average annual growth (CAGR) {base}–{year}, percent",
                        "share": f"share in {year}, percent",
                        "change": f"change from {base} to {year}, percent"}.get(kind, kind)
                how = (f"Chart: distribution over the replications of the judged value, the "
                       f"{esc(what)} of {esc(t['metric'].values[i])}, against the threshold. "
                       f"A fan chart of the underlying series would not be comparable with a "
                       f"percentage threshold.{nan_note}")
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(alpha=0.3)
        layout(fig, top=0.25 + 0.2 * title.count("\n") + 0.2)
        return self.save(fig, f"target-{tid}"), how

    def not_evaluated_section(self, t):
        n = int(t.sizes.get("not_evaluated", 0)) if "not_evaluated" in t.dims else 0
        if n == 0:
            body = "<p>None: every target of the scenario was evaluated.</p>"
        else:
            rows = "".join(
                f"<tr><td>{esc(t['not_evaluated'].values[k])}</td>"
                f"<td>{esc(t['not_evaluated_text'].values[k])}</td>"
                f"<td class=src>{esc(t['not_evaluated_source'].values[k])}</td>"
                f"<td>{esc(t['not_evaluated_reason'].values[k])}</td></tr>" for k in range(n))
            body = ("<table class=notev><thead><tr><th>id</th><th>target</th><th>source</th>"
                    f"<th>why not evaluated</th></tr></thead><tbody>{rows}</tbody></table>")
        self.sections.append(
            f"<section id=not-evaluated><h2>Targets not evaluated ({n})</h2>"
            f"<p>Targets the plans state that this run cannot judge, with what it would "
            f"need.</p>{body}</section>")

    def clusters_section(self):
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        c = self.run.clusters
        if c is None or "output" not in c or int(c.sizes.get("cluster", 0)) == 0:
            return
        codes = [str(x) for x in c["cluster"].values]
        names = ([str(x) for x in c["cluster_name"].values] if "cluster_name" in c
                 else codes)
        systems = ([str(x) for x in c["system"].values] if "system" in c
                   else [s.split("/", 1)[0] for s in codes])
        unit = c["output"].attrs.get("units", self.attrs.get("units_money", ""))
        order = list(dict.fromkeys(systems))
        figs = []
        for system in order:
            members = [k for k, s in enumerate(systems) if s == system]
            ncols = min(4, len(members))
            nrows = math.ceil(len(members) / ncols)
            fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.3 * nrows + 0.8),
                                     squeeze=False, sharex=True)
            for ax, k in zip(axes.flat, members):
                self.ir.fan_chart(self.run, codes[k], "clusters/output", ax=ax,
                                  point=self.point, color="C2", label="median")
                ax.set_title(f"{names[k]}\n{codes[k]}", fontsize=9)
                ax.set_xlabel("")
                ax.set_ylabel(unit if ax in axes[:, 0] else "", fontsize=8)
                ax.tick_params(labelsize=7)
                ax.yaxis.set_major_locator(MaxNLocator(5))
                ax.grid(alpha=0.3)
                leg = ax.get_legend()
                if leg is not None:
                    leg.remove()
            for ax in list(axes.flat)[len(members):]:
                ax.set_visible(False)
            fig.suptitle(f"Programme {system}: cluster output ({unit})", fontsize=11)
            flat = list(axes.flat)
            for k in range(len(members), len(flat)):  # hidden bottom panel: label the one above
                if k >= ncols:
                    flat[k - ncols].xaxis.set_tick_params(labelbottom=True)
            layout(fig, left=0.75, right=0.15, top=0.95, bottom=0.35, hspace=0.6, wspace=0.55)
            fname = self.save(fig, f"clusters-{system}")
            listed = "、".join(names[k] for k in members)
            figs.append(self.figure(
                f"cluster output, programme {system}", fname,
                f"Programme <b>{esc(system)}</b>: gross output of each cluster "
                f"({esc(listed)}) in {esc(unit)} (concordance-weighted); median line with "
                f"the 25–75 % and 5–95 % bands over the replications.{esc(self.point_note())}"))
        self.sections.append(
            "<section id=clusters><h2>Cluster trajectories</h2><p>Projected output of every "
            "cluster the scenario's programmes define, grouped by programme (system). Clusters "
            "of different programmes overlap: they are different cuts of the same "
            "sectors; so do the clusters of a programme whose concordance is declared "
            "overlapping. Cluster outputs are therefore never added up here.</p>" + "".join(figs) + "</section>")

    # -- the page --------------------------------------------------------------------------

    def page(self) -> str:
        name = self.attrs.get("scenario_name", self.path.stem)
        notes = ""
        if self.warnings:
            notes = ("<section id=notes><h2>Notes</h2><ul>" + "".join(
                f"<li>{esc(w)}</li>" for w in self.warnings) + "</ul></section>")
        return f"""<!DOCTYPE html>
<html lang="zh-Hans-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="icsim report {esc(self.attrs.get('icsim_version', ''))}">
<title>{esc(name)} — icsim report</title>
<style>
body {{ font-family: {FONT_STACK}; margin: 0 auto; max-width: 1100px; padding: 1em 1.5em;
       color: #222; line-height: 1.45; }}
h1 {{ margin-bottom: 0.2em; }} h2 {{ border-bottom: 1px solid #ccc; margin-top: 1.8em; }}
.lead {{ color: #444; }}
table {{ border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }}
th, td {{ border: 1px solid #ddd; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }}
thead th {{ background: #f3f3f3; position: sticky; top: 0; }}
table.meta th {{ background: #f7f7f7; font-weight: normal; color: #555; }}
td.num {{ text-align: right; white-space: nowrap; }}
td.src {{ color: #666; font-size: 0.8em; min-width: 11em; max-width: 16em;
          overflow-wrap: anywhere; }}
table.targets td:first-child {{ font-size: 0.85em; overflow-wrap: anywhere; max-width: 11em; }}
td.p.vl {{ background: #c8e6c9; }} td.p.l {{ background: #e6f4d7; }}
td.p.u {{ background: #fff3c4; }} td.p.ul {{ background: #fde0c8; }}
td.p.vul {{ background: #f8cdcd; }}
figure {{ margin: 1.2em 0; }}
figure img {{ max-width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ font-size: 0.9em; color: #333; max-width: 60em; }}
nav a {{ margin-right: 1em; }}
footer {{ margin-top: 3em; color: #777; font-size: 0.85em; }}
.warn {{ background: #fff3c4; padding: 0.3em 0.6em; }}
</style>
</head>
<body>
{self.header()}
<nav>{''.join(f'<a href="#{s}">{s.replace("-", " ")}</a>' for s in self.section_ids())}</nav>
{''.join(self.sections)}
{notes}
<footer>Written by <code>icsim report</code> from {esc(self.path.name)}. Probabilities are
shares of Monte Carlo replications of the scenario's assumptions, not forecasts of what will
happen; the 95 % interval is the Wilson interval of that share.</footer>
<script>
window.addEventListener("load", function () {{
  var images = document.images, loaded = 0;
  for (var i = 0; i < images.length; i++)
    if (images[i].complete && images[i].naturalWidth > 0) loaded++;
  document.body.dataset.chartsLoaded = String(loaded);
  document.body.dataset.charts = String(images.length);
  var sections = document.querySelectorAll("section");
  for (var s = 0; s < sections.length; s++) {{
    var imgs = sections[s].querySelectorAll("img"), ok = 0;
    for (var k = 0; k < imgs.length; k++)
      if (imgs[k].complete && imgs[k].naturalWidth > 0) ok++;
    sections[s].dataset.charts = String(imgs.length);
    sections[s].dataset.chartsLoaded = String(ok);
  }}
}});
</script>
</body>
</html>
"""

    def section_ids(self):
        return re.findall(r"<section id=([a-z-]+)>", "".join(self.sections))

    def build(self):
        if self.alternatives:
            import icsim_report_compare

            icsim_report_compare.comparison_sections(self, self.alternatives)
        self.targets_sections()
        sections = icsim_report_sections
        after = [s for s in sections.overview_sections(self) if s]
        at = next((k + 1 for k, s in enumerate(self.sections)
                   if s.startswith("<section id=summary>")), len(self.sections))
        self.sections[at:at] = after
        self.sections += [s for s in [sections.region_section(self),
                                      sections.districts_section(self),
                                      *sections.firms_land_sections(self),
                                      sections.backtest_section(self),
                                      icsim_report_validation.validation_section(self)] if s]
        self.clusters_section()
        (icsim_report_sensitivity.sensitivity_section if "sensitivity" in self.h5  # not a sweep
         else icsim_report_sweep.sweep_section)(self)
        icsim_report_sweep.seek_section(self)
        icsim_report_calibration.calibration_section(self)
        if not self.sections:
            self.sections.append("<section id=empty><h2>Nothing to show</h2><p>The file has "
                                 "no /targets, /clusters, /sweep or /seek group.</p></section>")
        return self.page()


def read_explanations(path: Path | None) -> dict:
    """Target id -> {"text": its block, "flags": [(code, message)]} from the text `icsim
    explain` prints (blocks separated by a blank line, each starting with the target's id);
    {} without a file."""
    if path is None:
        return {}
    out = {}
    for block in Path(path).read_text(encoding="utf-8").strip().split("\n\n"):
        if not block.strip():
            continue
        tid = block.split(" ", 1)[0]
        flags = []
        for line in block.split("\n"):
            line = line.strip()
            if line.startswith("FLAG "):
                code, _, msg = line[5:].partition(": ")
                flags.append((code, msg))
        out[tid] = {"text": block, "flags": flags}
    return out


def write_report(paths, out: Path, point: int | None = None, quiet: bool = False,
                 observed: Path | None = None, explain: Path | None = None) -> Path:
    """Writes OUT/index.html and its charts about the result files `paths` (one, or a control
    and its alternatives); returns the page's path. The folder is built beside OUT and renamed
    into place at the end (OutputFolder): on any failure nothing is left and OUT is as it was."""
    import matplotlib

    import icsim_fonts

    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    matplotlib.use("Agg")
    for path in paths:
        check_result(path)
    icsim_fonts.setup_fonts(matplotlib, warn=_warn)
    folder = OutputFolder(out)
    report = None
    try:
        try:
            report = Report(paths[0], folder, point, quiet, alternatives=paths[1:],
                            observed=observed, explain=explain)
        except (OSError, UnicodeDecodeError, ValueError) as e:  # h5py/xarray on a damaged file
            raise ReportError(f"{paths[0]}: cannot be read ({type(e).__name__}: {e}); the file "
                              "is damaged or truncated: write it again") from None
        page = report.build()
        folder.write("index.html", page.encode("utf-8"))
        folder.commit()
    except BaseException:
        folder.abandon()
        raise
    finally:
        if report is not None:
            report.close()
    for w in report.warnings:
        _warn(w)
    index = Path(out) / "index.html"
    if not quiet:
        print(f"Wrote {index} ({len(report.charts)} charts)")
    return index


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Write an HTML report (DIR/index.html and PNG charts) about an "
        "icsim result file, or a control and its alternatives.")
    parser.add_argument("result", nargs="+", help="the result file (icsim run, merge, sweep or "
                        "seek); with several, the first is the control")
    parser.add_argument("-o", "--out", required=True, help="the folder to write")
    parser.add_argument("--point", type=int, default=None,
                        help="sweep point whose fan charts are drawn (default: the plan's "
                        "point, else 0)")
    parser.add_argument("--observed", default=None,
                        help="CSV of reported figures to draw on the fan charts (default: "
                        "observed.csv next to the scenario's districts file)")
    parser.add_argument("--explain", default=None,
                        help="the text of 'icsim explain' about the first file (icsim report "
                        "passes it): each target's flags and explanation are shown with it")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.result]
    for path in paths:
        if not path.exists():
            print(f"{PROG}: error: {path}: no such file", file=sys.stderr)
            return 2
    import importlib.util

    missing = [m for m in ("numpy", "h5py", "matplotlib", "pandas", "xarray", "h5netcdf")
               if importlib.util.find_spec(m) is None]
    if missing:
        print(f"{PROG}: error: Python {sys.executable} lacks {', '.join(missing)}: "
              f"{INSTALL_HINT}", file=sys.stderr)
        return 2
    try:
        for path in paths:
            check_result(path)  # before the slow imports: a wrong file fails fast
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*tight_layout.*")
            if args.observed and not Path(args.observed).is_file():
                raise ReportError(f"--observed {args.observed}: no such file")
            write_report(paths, Path(args.out), args.point, args.quiet,
                         Path(args.observed) if args.observed else None,
                         Path(args.explain) if args.explain else None)
    except ReportError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        print(f"{PROG}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


def cli() -> None:
    """The `icsim-report` command of the installed package."""
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
