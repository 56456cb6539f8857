"""`icsim report`: the section of a file written by `icsim calibrate` (its /calibration group,
docs/results.md "Calibration files"): the fit table — each moment's observed value against the
simulated median and 90 % band at the best point and with the scenario's own values, the
deviation and whether it is within its tolerance —, the calibrated parameters with their
ranges, and the loss of every evaluated point. docs/report.md and docs/calibrate.md."""

from __future__ import annotations

import math

from icsim_report_util import _text, esc, fmt, layout


def _strings(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _numbers(g, name):
    return [float(v) for v in g[name][()].reshape(-1)] if name in g else []


def _percent(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{100 * x:+.1f} %"


def fit_rows(g):
    """One dict per moment: id, metric, year, unit, observed, tolerance, and (median, p05, p95,
    deviation) at the best point and with the scenario's own values (reference)."""
    ids = _strings(g["moment"][()])
    n = len(ids)
    metric, unit = _strings(g["metric"][()]), _strings(g["unit"][()])
    year = [int(y) for y in g["year"][()]]
    cols = {k: _numbers(g, k) for k in ("observed", "tolerance", "median", "p05", "p95",
                                         "deviation", "reference_median", "reference_p05",
                                         "reference_p95", "reference_deviation")}
    within = [int(w) for w in g["within"][()]] if "within" in g else [0] * n
    return [{"id": ids[i], "metric": metric[i], "year": year[i], "unit": unit[i],
             "within": within[i], **{k: (v[i] if v else math.nan) for k, v in cols.items()}}
            for i in range(n)]


def calibration_section(rep):
    import matplotlib.pyplot as plt
    import numpy as np

    if "calibration" not in rep.h5:
        return
    g = rep.h5["calibration"]
    a = g.attrs
    rows = fit_rows(g)
    body = "".join(
        f"<tr><td>{esc(r['id'])}</td><td><code>{esc(r['metric'])}</code></td>"
        f"<td class=num>{r['year']}</td><td class=num>{esc(fmt(r['observed']))}</td>"
        f"<td class=num><b>{esc(fmt(r['median']))}</b> [{esc(fmt(r['p05']))}, "
        f"{esc(fmt(r['p95']))}]</td><td class=num>{_percent(r['deviation'])}</td>"
        f"<td class=num>{'±' + format(100 * r['tolerance'], '.0f') + ' %' if math.isfinite(r['tolerance']) else '–'}"
        f"</td><td>{'yes' if r['within'] else '<b>no</b>'}</td>"
        f"<td class=num>{esc(fmt(r['reference_median']))}</td>"
        f"<td class=num>{_percent(r['reference_deviation'])}</td><td>{esc(r['unit'])}</td></tr>"
        for r in rows)
    fit = ("<table class=backtest><thead><tr><th>moment</th><th>series</th><th>year</th>"
           "<th>observed</th><th>best point: median [5 %, 95 %]</th><th>deviation</th>"
           "<th>tolerance</th><th>within</th><th>scenario's own values: median</th>"
           f"<th>deviation</th><th>unit</th></tr></thead><tbody>{body}</tbody></table>")
    params = _strings(g["parameter"][()])
    low, high, best = _numbers(g, "low"), _numbers(g, "high"), _numbers(g, "best_value")
    sources = _strings(g["parameter_source"][()]) if "parameter_source" in g else [""] * len(params)
    ptable = ("<table class=backtest><thead><tr><th>parameter</th><th>range</th>"
              "<th>calibrated value</th><th>source of the range</th></tr></thead><tbody>"
              + "".join(f"<tr><td><code>{esc(p)}</code></td><td class=num>[{esc(fmt(low[i]))}, "
                        f"{esc(fmt(high[i]))}]</td><td class=num><b>{esc(fmt(best[i]))}</b></td>"
                        f"<td class=src>{esc(sources[i])}</td></tr>"
                        for i, p in enumerate(params))
              + "</tbody></table>")
    loss = np.asarray(_numbers(g, "loss"))
    stage = np.asarray(g["stage"][()]).reshape(-1) if "stage" in g else np.zeros(len(loss))
    html = ""
    if len(loss):
        fig, ax = plt.subplots(figsize=(7.5, 3.4))
        k = np.arange(len(loss))
        for s, label, colour in ((0, "global stage", "C0"), (1, "local stage", "C1")):
            m = stage == s
            if m.any():
                ax.plot(k[m], loss[m], "o", markersize=3, color=colour, label=label)
        ax.plot(k, np.minimum.accumulate(loss), color="k", linewidth=1, label="best so far")
        if np.all(loss > 0):
            ax.set_yscale("log")
        ax.set_xlabel("evaluated point (in order)")
        ax.set_ylabel("loss")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        layout(fig, left=0.8, top=0.3, bottom=0.6)
        fname = rep.save(fig, "calibration-loss")
        html = rep.figure("calibration loss", fname,
                          "The loss of every point the optimiser evaluated, in order, and the "
                          "best so far.")
    within = sum(r["within"] for r in rows)
    rep.sections.append(
        "<section id=calibration><h2>Calibration: the fit to the observed moments</h2>"
        f"<p>{esc(_text(a.get('global_method', '')))} then "
        f"{esc(_text(a.get('local_method', '')))}, {int(a.get('global_evaluations', 0))} + "
        f"{int(a.get('local_evaluations', 0))} evaluations of {int(a.get('replications', 0))} "
        f"replications each (seed {int(a.get('seed', 0))}, common random numbers). Best loss "
        f"{fmt(float(a.get('best_loss', math.nan)))} against {fmt(float(a.get('reference_loss', math.nan)))} "
        f"with the scenario's own values; {within} of {len(rows)} moments within their "
        "tolerance. Moments may be dated no later than "
        f"{int(a.get('last_moment_year', 0))} (the base year of the scenario the parameters are "
        "for): later figures are for scoring forecasts only.</p>"
        + fit + "<h3>Calibrated parameters</h3>" + ptable + html + "</section>")
