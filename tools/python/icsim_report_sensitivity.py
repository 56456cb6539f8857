"""`icsim report`: the sensitivity section of a file written by `icsim sensitivity` (its
/sensitivity group, docs/results.md "Sensitivity files"): a tornado chart per target, the
parameters ranked by Morris mu* (with sigma beside it) or by the total Sobol index ST (with S1
and the bootstrap intervals). docs/report.md."""

from __future__ import annotations

from icsim_report_util import _text, esc, fmt, layout, wrap

SHOWN = 10  # parameters per chart


def _strings(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def sensitivity_section(rep):
    import matplotlib.pyplot as plt
    import numpy as np

    if "sensitivity" not in rep.h5:
        return
    g = rep.h5["sensitivity"]
    method = _text(g.attrs.get("method", "morris"))
    params = _strings(g["parameter"][()])
    outputs = _strings(g["output"][()])
    values = np.asarray(g["output_value"][()], dtype=float).reshape(len(outputs), -1)
    morris = method == "morris"
    key = np.asarray(g["mu_star" if morris else "total_order"][()], dtype=float)
    key = key.reshape(len(outputs), len(params))
    if morris:
        spread = np.asarray(g["sigma"][()], dtype=float).reshape(key.shape)
    else:
        first = np.asarray(g["first_order"][()], dtype=float).reshape(key.shape)
        intervals = {n: np.asarray(g[n][()], dtype=float).reshape(key.shape)
                     for n in ("first_order_low", "first_order_high", "total_order_low",
                               "total_order_high")}
    figs, flat = [], []
    for o, name in enumerate(outputs):
        if np.nanmax(values[o]) == np.nanmin(values[o]):
            flat.append(f"{esc(name)} ({fmt(values[o][0])})")
            continue
        order = [i for i in np.argsort(-np.nan_to_num(key[o], nan=-1.0), kind="stable")
                 if np.isfinite(key[o, i])][:SHOWN][::-1]
        if not order:
            continue
        y = np.arange(len(order))
        fig, ax = plt.subplots(figsize=(7.2, 0.38 * len(order) + 1.4))
        labels = [params[i] for i in order]
        if morris:
            ax.barh(y, key[o, order], color="C0", label="μ* (mean |effect| over the range)")
            ax.barh(y, spread[o, order], height=0.3, color="C1", label="σ (spread of effects)")
            ax.set_xlabel("change of the output over the parameter's range", fontsize=8)
        else:
            lo, hi = intervals["total_order_low"][o, order], intervals["total_order_high"][o, order]
            ax.barh(y, key[o, order], color="C0", label="ST (total index)")
            ax.errorbar(key[o, order], y, xerr=[np.clip(key[o, order] - lo, 0, None),
                                                 np.clip(hi - key[o, order], 0, None)],
                        fmt="none", ecolor="0.2", capsize=2, linewidth=0.8)
            ax.barh(y, first[o, order], height=0.3, color="C1", label="S1 (first order)")
            ax.set_xlabel("share of the output's variance", fontsize=8)
        ax.set_yticks(y, labels, fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
        head = wrap(name, 80)
        fig.suptitle(head, fontsize=10)
        layout(fig, left=3.0, right=0.2, top=0.45, bottom=0.55)
        fname = rep.save(fig, f"sensitivity-{name}")
        figs.append(rep.figure(f"sensitivity {name}", fname,
                               f"<b>{esc(name)}</b>: parameters ranked by "
                               + ("Morris μ*" if morris else "total Sobol index ST (bars: "
                                  "bootstrap interval)")
                               + f", the first {len(order)} of {len(params)}; output from "
                               f"{fmt(np.nanmin(values[o]))} to {fmt(np.nanmax(values[o]))} "
                               "over the design."))
    note = ("" if not flat else
            f"<p>The same at every design point, so no parameter moves them: "
            f"{'; '.join(flat)}.</p>")
    how = ("Morris screening: μ* is the mean absolute change of the output when a parameter "
           "goes over its whole range, σ the spread of those changes (interactions)."
           if morris else
           "Sobol indices: ST is the share of the output's variance a parameter accounts for "
           "with all its interactions, S1 alone.")
    rep.sections.append(
        f"<section id=sensitivity><h2>Sensitivity: {esc(method)}, {len(params)} parameters, "
        f"{values.shape[1]} design points</h2><p>{how} Every design point runs the same "
        "replications with the same seed (common random numbers). docs/sensitivity.md.</p>"
        + note + "".join(figs) + "</section>")
