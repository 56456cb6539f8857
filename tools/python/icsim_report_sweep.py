"""`icsim report`: the sweep and seek sections (functions of the Report of icsim_report.py)."""

from __future__ import annotations

import math

from icsim_report_util import _text, esc, fmt, fmt_exact, fmt_p, layout, wrap


def sweep_section(rep):
    import matplotlib.pyplot as plt
    import numpy as np

    if not rep.is_sweep:
        return
    sw = rep.h5["sweep"]
    names = rep.strings(sw["parameter"]) if "parameter" in sw else []
    values = (np.asarray(sw["parameter_value"][()], dtype=float).reshape(rep.points, -1)
              if "parameter_value" in sw else np.zeros((rep.points, 0)))
    labels = [rep.point_label(q) for q in range(rep.points)]
    method = _text(sw.attrs.get("method", "–"))
    note = _text(sw.attrs.get("note", ""))
    rows = "".join(
        f"<tr><td class=num>{q}</td>" + "".join(
            f"<td class=num>{esc(fmt_exact(values[q, k]))}</td>" for k in range(len(names)))
        + f"<td>{esc(labels[q])}</td></tr>" for q in range(rep.points))
    table = ("<table class=points><thead><tr><th>point</th>"
             + "".join(f"<th>{esc(n)}</th>" for n in names)
             + f"<th>label</th></tr></thead><tbody>{rows}</tbody></table>")
    figs = []
    t = rep.run.targets
    n = int(t.sizes.get("target", 0)) if t is not None else 0
    # targets whose P does not move over the sweep get a line of text, not a chart
    flat, moving = [], []
    for i in range(n):
        p_all = t["probability"].values[:, i]
        (flat if np.nanmax(p_all) - np.nanmin(p_all) <= FLAT else moving).append(i)
    grid = _grid(values) if len(names) == 2 else None
    if grid is not None and moving:
        figs.append(_heat_maps(rep, names, grid, moving))
    for i in (moving if grid is None else []):
        tid = str(t["target"].values[i])
        text = str(t["text"].values[i])
        prob = t["probability"].values[:, i]
        lo = t["probability_low"].values[:, i]
        hi = t["probability_high"].values[:, i]
        k_all = max(1, len(names))
        ncols = min(3, k_all)
        nrows = math.ceil(k_all / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(max(6.5, 3.6 * ncols),
                                                        2.9 * nrows + 0.7), squeeze=False)
        for k in range(k_all):
            ax = axes.flat[k]
            x = values[:, k] if names else np.arange(rep.points, dtype=float)
            order = np.argsort(x, kind="stable")
            if len(names) == 1:
                ax.fill_between(x[order], lo[order], hi[order], color="C0", alpha=0.2,
                                linewidth=0, label="95 % Wilson interval")
                ax.plot(x[order], prob[order], "o-", color="C0", label="P")
            else:
                _sweep_panel(ax, names, values, k, prob, lo, hi)
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel(names[k] if names else "point", fontsize=8)
            ax.set_ylabel("P(reached)" if k % ncols == 0 else "")
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[k_all:]:
            ax.set_visible(False)
        head = wrap(f"{tid}: {text}", 90)
        fig.suptitle(head, fontsize=10)
        layout(fig, left=0.75, right=0.2, top=0.35 + 0.18 * (head.count("\n") + 1),
               bottom=0.55, hspace=0.8, wspace=0.6)
        fname = rep.save(fig, f"sweep-{tid}")
        what = ("P against the swept parameter, with its 95 % Wilson interval (band)"
                if len(names) == 1 else
                "one panel per swept parameter: P at every point against that "
                "parameter's value (bars: 95 % Wilson interval); on a grid, points with the "
                "same values of the other parameters are joined (legend), otherwise the "
                "other parameters vary too and a panel shows a spread, not a curve")
        figs.append(rep.figure(f"sweep {tid}", fname,
                                f"<b>{esc(tid)}</b> {esc(text)}: {esc(what)}."))
    if flat:
        figs.append(
            f"<p>P moves by at most {FLAT:g} over the {rep.points} points for {len(flat)} "
            "target" + ("s" if len(flat) != 1 else "") + " (no chart): " + "; ".join(
                f"<b>{esc(t['target'].values[i])}</b> {esc(t['text'].values[i])} "
                f"(P = {fmt_p(np.nanmin(t['probability'].values[:, i]))}"
                + ("" if np.nanmin(t["probability"].values[:, i])
                   == np.nanmax(t["probability"].values[:, i])
                   else f"–{fmt_p(np.nanmax(t['probability'].values[:, i]))}") + ")"
                for i in flat) + ".</p>")
    rep.sections.append(
        f"<section id=sweep><h2>Sweep: {rep.points} points</h2><p>The scenario was run at "
        f"{rep.points} points (method {esc(method)}) of {len(names)} parameter"
        f"{'s' if len(names) != 1 else ''}: {esc(', '.join(names))}. The fan charts above "
        f"show point {rep.point} only ({esc(rep.point_how)})." + (f" Note: {esc(note)}." if note else "")
        + f"</p>{table}"
        + ("".join(figs) if figs else "<p>No evaluated targets.</p>") + "</section>")

def _sweep_panel(ax, names, values, k, prob, lo, hi):
    """P against parameter k. Points that share the other parameters' values (a grid) are
    joined, one coloured line per combination, offset a little sideways so that their
    intervals do not hide each other; otherwise (a Latin hypercube) markers only."""
    import numpy as np

    x = values[:, k]
    others = [j for j in range(len(names)) if j != k]
    keys = [tuple(values[q, others]) for q in range(len(x))]
    groups = list(dict.fromkeys(keys))
    sizes = [keys.count(g) for g in groups]
    span = (np.nanmax(x) - np.nanmin(x)) or 1.0
    if 1 < len(groups) <= 6 and min(sizes) > 1:
        for gi, g in enumerate(groups):
            idx = np.array([q for q in range(len(x)) if keys[q] == g])
            idx = idx[np.argsort(x[idx], kind="stable")]
            dx = span * 0.012 * (gi - (len(groups) - 1) / 2)
            label = ", ".join(f"{names[j].rsplit('.', 1)[-1]}={fmt_exact(v)}"
                              for j, v in zip(others, g))
            ax.errorbar(x[idx] + dx, prob[idx],
                        yerr=[np.clip(prob[idx] - lo[idx], 0, None),
                              np.clip(hi[idx] - prob[idx], 0, None)],
                        fmt="o-", color=f"C{gi}", capsize=2, markersize=4, linewidth=1,
                        elinewidth=0.8, label=label)
        ax.legend(fontsize=6, loc="best")
    else:
        ax.errorbar(x, prob, yerr=[np.clip(prob - lo, 0, None), np.clip(hi - prob, 0, None)],
                    fmt="o", color="C0", ecolor="0.6", capsize=2, markersize=4)

def seek_section(rep):
    import matplotlib.pyplot as plt
    import numpy as np

    if "seek" not in rep.h5:
        return
    sk = rep.h5["seek"]
    lever = _text(sk.attrs.get("lever", "lever"))
    goal = float(sk.attrs.get("probability_goal", math.nan))
    direction = _text(sk.attrs.get("direction", "smallest"))
    answer_all = float(sk.attrs.get("answer_all", math.nan))
    lv = np.asarray(sk["lever_value"][()], dtype=float).reshape(-1)
    ids = rep.strings(sk["target"]) if "target" in sk else []
    nt = len(ids)

    def arr(name, shape):
        return (np.asarray(sk[name][()], dtype=float).reshape(shape) if name in sk
                else np.full(shape, np.nan))

    prob = arr("probability", (len(lv), nt))
    plo = arr("probability_low", (len(lv), nt))
    phi = arr("probability_high", (len(lv), nt))
    answer = arr("answer", (nt,))
    blo, bhi = arr("bracket_low", (nt,)), arr("bracket_high", (nt,))
    status = rep.strings(sk["status"]) if "status" in sk else [""] * nt
    texts = rep.strings(sk["target_text"]) if "target_text" in sk else [""] * nt
    if not any(texts) and rep.run.targets is not None:
        tt = rep.run.targets
        known = {str(a): str(b) for a, b in zip(tt["target"].values, tt["text"].values)}
        texts = [known.get(x, "") for x in ids]
    rows = []
    for j in range(nt):
        at = np.where(np.isclose(lv, answer[j]))[0] if np.isfinite(answer[j]) else []
        p_at = (f"{prob[at[-1], j]:.2f} [{plo[at[-1], j]:.2f}, {phi[at[-1], j]:.2f}]"
                if len(at) else "–")
        rows.append(f"<tr><td>{esc(ids[j])}</td><td>{esc(texts[j])}</td>"
                    f"<td>{esc(status[j])}</td><td class=num><b>{esc(fmt_exact(answer[j]))}"
                    f"</b></td><td class=num>[{esc(fmt_exact(blo[j]))}, "
                    f"{esc(fmt_exact(bhi[j]))}]"
                    f"</td><td class=num>{p_at}</td></tr>")
    table = ("<table class=seek><thead><tr><th>target</th><th>text</th><th>status</th>"
             f"<th>answer ({esc(lever)})</th><th>bracket</th><th>P at the answer</th></tr>"
             f"</thead><tbody>{''.join(rows)}</tbody></table>")
    steps = "".join(
        f"<tr><td class=num>{s}</td><td class=num>{esc(fmt_exact(lv[s]))}</td>" + "".join(
            f"<td class=num>{fmt_p(prob[s, j])} [{fmt_p(plo[s, j])}, {fmt_p(phi[s, j])}]"
            "</td>" for j in range(nt)) + "</tr>" for s in range(len(lv)))
    steps_table = ("<table class=steps><thead><tr><th>step</th>"
                   f"<th>{esc(lever)}</th>" + "".join(f"<th>P {esc(x)}</th>" for x in ids)
                   + f"</tr></thead><tbody>{steps}</tbody></table>")
    figs = ""
    if nt and len(lv):
        ncols = min(2, nt)
        nrows = math.ceil(nt / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.3 * nrows + 0.5),
                                 squeeze=False)
        for j in range(nt):
            ax = axes.flat[j]
            ok = np.isfinite(prob[:, j])
            ax.errorbar(lv[ok], prob[ok, j],
                        yerr=[np.clip(prob[ok, j] - plo[ok, j], 0, None),
                              np.clip(phi[ok, j] - prob[ok, j], 0, None)],
                        fmt="o", color="C0", ecolor="0.6", capsize=2, markersize=4,
                        label="step (95 % interval)")
            for s in np.where(ok)[0]:
                ax.annotate(str(s), (lv[s], prob[s, j]), textcoords="offset points",
                            xytext=(4, 4), fontsize=7, color="0.35")
            if np.isfinite(goal):
                ax.axhline(goal, color="k", linestyle="--", linewidth=1,
                           label=f"goal p = {goal:g}")
            if np.isfinite(answer[j]):
                ax.axvline(answer[j], color="C3", linewidth=1.2,
                           label=f"answer {fmt_exact(answer[j])}")
            if np.isfinite(blo[j]) and np.isfinite(bhi[j]):
                ax.axvspan(blo[j], bhi[j], color="C3", alpha=0.12, linewidth=0)
            ax.set_ylim(-0.03, 1.03)
            ax.set_title(wrap(f"{ids[j]}: {texts[j]}", 50) + f"\n{status[j]}", fontsize=9)
            ax.set_xlabel(lever, fontsize=8)
            ax.set_ylabel("P(reached)")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7, loc="best")
        for ax in list(axes.flat)[nt:]:
            ax.set_visible(False)
        layout(fig, left=0.75, right=0.2, top=0.75, bottom=0.55, hspace=1.1, wspace=0.7)
        fname = rep.save(fig, "seek-steps")
        figs = rep.figure(
            "seek steps", fname,
            f"The bisection: probability of each target at every lever value evaluated "
            f"(numbers: step order; bars: 95 % Wilson interval), the goal p = "
            f"{esc(fmt(goal, 3))} (dashed), the answer (red line) and its bracket (red "
            f"band). Every step uses the same seed and replications.")
    all_txt = (f"The value meeting all targets: <b>{esc(fmt_exact(answer_all))}</b>."
               if np.isfinite(answer_all) else
               "No value in the range meets all targets (or a target has no answer).")
    rep.sections.append(
        f"<section id=seek><h2>Seek: {esc(lever)}</h2><p>The {esc(direction)} value of "
        f"<code>{esc(lever)}</code> for which each target is reached with probability at "
        f"least {esc(fmt(goal, 3))}. {all_txt}</p>{table}{figs}"
        f"<h3>Steps</h3>{steps_table}</section>")



FLAT = 0.02  # a target whose P moves less than this over the sweep gets no chart


def _grid(values):
    """For a full two-parameter grid: (xs, ys, index) with index[iy, ix] the point at (xs[ix],
    ys[iy]); None otherwise (a Latin hypercube, a list, a partial grid)."""
    import numpy as np

    xs, ys = np.unique(values[:, 0]), np.unique(values[:, 1])
    if len(xs) * len(ys) != len(values) or len(xs) < 2 or len(ys) < 2:
        return None
    index = np.full((len(ys), len(xs)), -1)
    for q, (x, y) in enumerate(values):
        ix, iy = int(np.searchsorted(xs, x)), int(np.searchsorted(ys, y))
        if index[iy, ix] != -1:
            return None
        index[iy, ix] = q
    return xs, ys, index


def _heat_maps(rep, names, grid, targets) -> str:
    """One figure: per target a heat map of P over the two swept parameters, each cell with
    its P, the point the page's fan charts show outlined."""
    import matplotlib.pyplot as plt
    import numpy as np

    xs, ys, index = grid
    t = rep.run.targets
    ncols = min(4, len(targets))
    nrows = math.ceil(len(targets) / ncols)
    cell = max(0.45, min(0.9, 3.2 / max(len(xs), len(ys))))
    w, h = max(2.6, cell * len(xs) + 1.0), max(2.2, cell * len(ys) + 1.1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols + 1.2, h * nrows + 0.6),
                             squeeze=False)
    image = None
    for ax, i in zip(axes.flat, targets):
        prob = t["probability"].values[:, i][index]
        image = ax.imshow(prob, origin="lower", vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
        for iy in range(len(ys)):
            for ix in range(len(xs)):
                ax.text(ix, iy, fmt_p(prob[iy, ix]), ha="center", va="center", fontsize=7)
        shown = np.argwhere(index == rep.point)
        if len(shown):
            iy, ix = shown[0]
            ax.add_patch(plt.Rectangle((ix - 0.5, iy - 0.5), 1, 1, fill=False, linewidth=2,
                                       edgecolor="k"))
        ax.set_xticks(range(len(xs)), [fmt_exact(x) for x in xs], fontsize=7)
        ax.set_yticks(range(len(ys)), [fmt_exact(y) for y in ys], fontsize=7)
        ax.set_title(wrap(f"{t['target'].values[i]}: {t['text'].values[i]}", 28), fontsize=8)
        ax.set_xlabel(names[0].rsplit(".", 1)[-1], fontsize=7)
        ax.set_ylabel(names[1].rsplit(".", 1)[-1], fontsize=7)
    half = float(np.nanmax((t["probability_high"].values - t["probability_low"].values)
                           [:, targets])) / 2
    for ax in list(axes.flat)[len(targets):]:
        ax.set_visible(False)
    layout(fig, left=0.7, right=1.0, top=0.75, bottom=0.5, hspace=1.1, wspace=0.8)
    if image is not None:
        cax = fig.add_axes([1 - 0.75 / fig.get_size_inches()[0], 0.2, 0.015, 0.6])
        fig.colorbar(image, cax=cax, label="P(reached)")
    fname = rep.save(fig, "sweep-heat-maps")
    return rep.figure(
        "sweep heat maps", fname,
        f"P of each target that moves over the sweep, at every point of the grid of "
        f"<code>{esc(names[0])}</code> (across) by <code>{esc(names[1])}</code> (up); "
        f"outlined: point {rep.point}, the one the fan charts above show. Colours from red "
        f"(P = 0) to green (P = 1). The 95 % Wilson intervals of these P are at most "
        f"±{half:.2f} wide (half the widest interval shown).")
