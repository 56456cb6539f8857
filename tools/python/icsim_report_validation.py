"""`icsim report`: the forecast-score section of a file with a /validation group (docs/results.md
"Validation group"): written by `icsim run` for a scenario's [[actual]] figures and by `icsim
score -o`. The summary (band coverage out of and in sample, mean relative CRPS, Brier score
against the climatological reference), a coverage chart, the scored figures and the targets
whose outcome is known. docs/report.md and docs/score.md."""

from __future__ import annotations

import math

from icsim_report_util import _text, esc, fmt, layout, wrap

NOMINAL = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]  # central band coverages on the chart


def _strings(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _column(g, name, n, kind=float):
    if name not in g:
        return [math.nan if kind is float else ""] * n
    values = g[name][()]
    if kind is str:
        return _strings(values)
    return [kind(v) for v in values.reshape(-1)]


def _share(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.0f} %)" if n else "–"


def coverage_curve(pits, nominal=NOMINAL):
    """Share of figures inside the central band of each nominal coverage c, read from their
    probability integral transforms: inside when |pit − 0.5| ≤ c/2."""
    return [sum(abs(p - 0.5) <= c / 2 + 1e-12 for p in pits) / len(pits) if pits else math.nan
            for c in nominal]


def _summary(g) -> str:
    a = {k: g.attrs[k] for k in g.attrs}
    parts = []
    for name, label in (("out_of_sample", "Out of sample"), ("in_sample", "In sample")):
        n = int(a.get(f"{name}_figures", 0))
        if n == 0:
            parts.append(f"{label}: no figure.")
            continue
        parts.append(f"{label}: {n} figure{'s' if n != 1 else ''}; "
                     f"{_share(int(a[f'{name}_in_band_50']), n)} inside the 50 % band, "
                     f"{_share(int(a[f'{name}_in_band_90']), n)} inside the 90 % band (a "
                     "calibrated ensemble holds about half and nine tenths); mean CRPS/|observed| "
                     f"{fmt(float(a[f'{name}_mean_crps_relative']))}.")
    scored = int(a.get("targets_scored", 0))
    if scored:
        reached = int(a.get("targets_reached", 0))
        parts.append(
            f"Targets whose outcome is known: {scored}, reached {reached}. Brier score "
            f"{float(a['brier']):.3f} against the climatological reference "
            f"{float(a['brier_reference']):.3f} (P = {reached / scored:.2f} for every target); "
            f"Brier skill score {fmt(float(a['brier_skill']))}; mean log score "
            f"{float(a['log_score']):.3f} nats.")
    else:
        parts.append("No target's outcome is known from these figures, so there is no Brier "
                     "score.")
    return "<p>" + "</p><p>".join(esc(p) for p in parts) + "</p>"


def validation_section(rep) -> str:
    import matplotlib.pyplot as plt
    import numpy as np

    if "validation" not in rep.h5 or "figure" not in rep.h5["validation"]:
        return ""
    g = rep.h5["validation"]
    n = len(g["figure"][()])
    ids = _column(g, "figure", n, str)
    metric, unit = _column(g, "metric", n, str), _column(g, "unit", n, str)
    year, comparable, sample = (_column(g, k, n, int) for k in ("year", "comparable",
                                                                 "in_sample"))
    obs, med, p05, p95, err, crps_rel, pit = (
        _column(g, k, n) for k in ("observed", "median", "p05", "p95", "error_percent",
                                   "crps_relative", "pit"))
    in50, in90 = _column(g, "in_band_50", n, int), _column(g, "in_band_90", n, int)
    rows = "".join(
        f"<tr><td>{esc(ids[i])}</td><td><code>{esc(metric[i])}</code></td>"
        f"<td class=num>{year[i]}</td><td>{'in' if sample[i] else 'out'}</td>"
        f"<td class=num>{esc(fmt(obs[i]))}</td><td class=num><b>{esc(fmt(med[i]))}</b></td>"
        f"<td class=num>[{esc(fmt(p05[i]))}, {esc(fmt(p95[i]))}]</td>"
        f"<td class=num>{err[i]:+.1f} %</td><td>{'yes' if in50[i] else 'no'}</td>"
        f"<td>{'yes' if in90[i] else '<b>no</b>'}</td><td class=num>{fmt(crps_rel[i])}</td>"
        f"<td>{esc(unit[i])}</td></tr>" for i in range(n) if comparable[i])
    table = ("<table class=backtest><thead><tr><th>figure</th><th>series</th><th>year</th>"
             "<th>sample</th><th>observed</th><th>median</th><th>5–95 %</th><th>error</th>"
             "<th>in 50 %</th><th>in 90 %</th><th>CRPS/|obs|</th><th>unit</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    html = _summary(g) + table
    out_pits = [pit[i] for i in range(n) if comparable[i] and not sample[i]]
    if out_pits:
        fig, ax = plt.subplots(figsize=(5.2, 4.2))
        ax.plot([0, 1], [0, 1], color="k", linewidth=1, label="calibrated")
        ax.plot(NOMINAL, coverage_curve(out_pits), "o-", color="C0",
                label=f"out of sample ({len(out_pits)} figures)")
        in_pits = [pit[i] for i in range(n) if comparable[i] and sample[i]]
        if in_pits:
            ax.plot(NOMINAL, coverage_curve(in_pits), "s--", color="C7", alpha=0.7,
                    label=f"in sample ({len(in_pits)})")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("central band of the ensemble (nominal coverage)")
        ax.set_ylabel("share of observed figures inside it")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
        layout(fig, left=0.8, top=0.3, bottom=0.6)
        fname = rep.save(fig, "coverage")
        html += rep.figure("coverage", fname,
                           "Coverage of the ensemble's central bands: for each nominal coverage "
                           "c, the share of observed figures whose probability integral "
                           "transform (the share of replications below the figure) lies within "
                           "c/2 of one half. Points under the diagonal: bands too narrow or "
                           "biased; above it: too wide.")
    if "scored_target" in g:
        t_ids = _column(g, "scored_target", 0, str)
        k = len(t_ids)
        fields = {name: _column(g, name, k, kind) for name, kind in (
            ("target_year", int), ("target_operator", str), ("target_threshold", float),
            ("target_observed", float), ("target_unit", str), ("target_reached", int),
            ("target_probability", float), ("target_brier", float),
            ("target_log_score", float))}
        trows = "".join(
            f"<tr><td>{esc(t_ids[i])}</td><td class=num>{fields['target_year'][i]}</td>"
            f"<td>{esc(fields['target_operator'][i])} {esc(fmt(fields['target_threshold'][i]))}"
            f" {esc(fields['target_unit'][i])}</td>"
            f"<td class=num>{esc(fmt(fields['target_observed'][i]))}</td>"
            f"<td>{'yes' if fields['target_reached'][i] else 'no'}</td>"
            f"<td class=num>{fields['target_probability'][i]:.2f}</td>"
            f"<td class=num>{fields['target_brier'][i]:.3f}</td>"
            f"<td class=num>{fields['target_log_score'][i]:.3f}</td></tr>" for i in range(k))
        html += ("<table class=backtest><thead><tr><th>target</th><th>year</th>"
                 "<th>threshold</th><th>observed</th><th>reached</th><th>P</th><th>Brier</th>"
                 f"<th>log score</th></tr></thead><tbody>{trows}</tbody></table>")
    source = _text(g.attrs.get("observed_file", ""))
    return ("<section id=validation><h2>Forecast scores</h2><p>The run's replications scored "
            f"against {esc(wrap(source, 200))} (<code>/validation</code>, docs/score.md): "
            "for each comparable figure the ensemble's median and bands, the error of the "
            "median, whether the figure falls inside the 50 % and 90 % bands, and the CRPS. "
            "Only out-of-sample figures (after the base year) test the forecast.</p>"
            + html + "</section>")
