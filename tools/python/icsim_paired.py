"""An alternative against its control, replication by replication.

Runs of one scenario family with the same seed draw replication r from the same random streams
(docs/results.md, "Work split over processes"): their replications are paired, so the effect of
an alternative is best measured as the difference per replication — the common noise cancels
and the differences are much tighter than the two runs' own bands.

    import icsim_results as ir, icsim_paired as pd_
    base, alt = ir.open_result("baseline.h5"), ir.open_result("whatif.h5")
    d = pd_.paired_difference(base, alt, "region/gdp")        # (replication, year): alt - base
    pd_.difference_bands(d)                                   # median and bands by year
    pd_.delta_probability(base, alt)                          # ΔP per target, paired interval
    pd_.paired_chart(base, alt, "region/gdp")                 # the differences as a fan chart

ΔP's interval is Newcombe's hybrid score interval for a difference of paired proportions
(Newcombe 1998, Statistics in Medicine 17:2635-2650, method 10): the Wilson intervals of the
two probabilities combined with the correlation φ of the paired indicators. With no pairing
(different seeds) φ = 0 and it is Newcombe's interval for independent proportions.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import xarray as xr

import icsim_results as ir

Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (as the engine's targets use)."""
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def paired_delta_p(control, alternative, z: float = Z95, paired: bool = True):
    """ΔP = P(alternative) - P(control) from 0/1 indicators of the same replications, with
    Newcombe's hybrid score interval (method 10). Returns (delta, low, high, n10, n01): n10
    replications reach the target under the control only, n01 under the alternative only.
    paired=False treats the two samples as independent (φ = 0; they may differ in length)."""
    a = np.asarray(control, dtype=float)
    b = np.asarray(alternative, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if paired and a.shape != b.shape:
        raise ValueError("paired indicators must have the same length")
    na, nb = len(a), len(b)
    if na == 0 or nb == 0:
        return math.nan, math.nan, math.nan, 0, 0
    p1, p2 = a.mean(), b.mean()
    l1, u1 = wilson(a.sum(), na, z)
    l2, u2 = wilson(b.sum(), nb, z)
    phi = 0.0
    n10 = n01 = 0
    if paired:
        n = na
        n11 = float(np.sum((a == 1) & (b == 1)))
        n10 = int(np.sum((a == 1) & (b == 0)))
        n01 = int(np.sum((a == 0) & (b == 1)))
        n00 = float(n - n11 - n10 - n01)
        margins = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
        if margins > 0:
            cross = n11 * n00 - n10 * n01
            # Newcombe's continuity-corrected correlation: 0 for small positive products
            cross = cross - n / 2 if cross > n / 2 else (0.0 if cross >= 0 else cross)
            phi = cross / math.sqrt(margins)
    delta = p2 - p1
    low = delta - math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1)
                                + (u1 - p1) ** 2))
    high = delta + math.sqrt(max(0.0, (u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1)
                                 + (p1 - l1) ** 2))
    return delta, max(-1.0, low), min(1.0, high), n10, n01


def pairing(control, alternative) -> tuple[bool, str]:
    """Whether two runs' replications are paired (same seed, same replication numbers), and
    why not."""
    c, a = ir._as_result(control), ir._as_result(alternative)
    sc, sa = c.attrs.get("seed"), a.attrs.get("seed")
    if sc != sa:
        return False, f"different seeds ({sc} and {sa}): the replications are not paired"
    rc, ra = _replications(c), _replications(a)
    if rc is None or ra is None:
        return False, "a file has no per-replication results"
    if not np.array_equal(rc, ra):
        return False, (f"different replications ({len(rc)} and {len(ra)}): the paired "
                       "statistics use the replications both runs have")
    return True, ""


def _replications(r):
    for g in ("targets", "region", "clusters", "sectors"):
        ds = getattr(r, g)
        if ds is not None and "replication" in ds.dims:
            return np.asarray(ds["replication"].values)
    return None


def paired_difference(control, alternative, variable: str, group: str = "clusters",
                      select=None, point_control: int | None = None,
                      point_alternative: int | None = None) -> xr.DataArray:
    """alternative - control, replication by replication, over (replication, year): the
    series of icsim_results.series() in both runs (on the replications and years both have).
    Sweep points default to each file's plan point (icsim_results.default_point)."""
    c, a = ir._as_result(control), ir._as_result(alternative)
    if c.attrs.get("seed") != a.attrs.get("seed"):
        raise ValueError(f"{a.path} and {c.path} have different seeds: their replications are "
                         "not paired, a difference per replication means nothing")
    pc = ir.default_point(c)[0] if point_control is None else point_control
    pa = ir.default_point(a)[0] if point_alternative is None else point_alternative
    sc = ir.series(c, variable, group, select, point=pc)
    sa = ir.series(a, variable, group, select, point=pa)
    sc, sa = xr.align(sc, sa, join="inner")
    out = sa - sc
    out.attrs = dict(sc.attrs)
    out.attrs["long_name"] = f"{sc.attrs.get('long_name', variable)}: alternative - control"
    out.name = sc.name
    return out


def difference_bands(diff: xr.DataArray, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95)):
    """Mean and quantiles over the replications of a paired difference, one row per year."""
    out = pd.DataFrame({f"p{q * 100:02.0f}": diff.quantile(q, "replication").values
                        for q in quantiles}, index=pd.Index(diff["year"].values, name="year"))
    out.insert(0, "mean", diff.mean("replication").values)
    return out


def delta_probability(control, alternative, point_control: int | None = None,
                      point_alternative: int | None = None) -> pd.DataFrame:
    """Per target both runs evaluate: P under the control and the alternative, ΔP with its
    95 % interval (paired when the runs share seed and replications, else independent), the
    discordant replications, and the median paired difference of the judged value."""
    c, a = ir._as_result(control), ir._as_result(alternative)
    pc = ir.default_point(c)[0] if point_control is None else point_control
    pa = ir.default_point(a)[0] if point_alternative is None else point_alternative
    tc, ta = c.targets, a.targets
    if tc is None or ta is None:
        raise KeyError("both files need a /targets group")
    paired, _ = pairing(c, a)
    ids_c = [str(x) for x in tc["target"].values]
    ids_a = [str(x) for x in ta["target"].values]
    rows = []
    for tid in [x for x in ids_c if x in ids_a]:
        i, j = ids_c.index(tid), ids_a.index(tid)
        rc = tc["reached"].isel(point=pc, target=i)
        ra = ta["reached"].isel(point=pa, target=j)
        vc = tc["value"].isel(point=pc, target=i)
        va = ta["value"].isel(point=pa, target=j)
        if paired:
            rc, ra = xr.align(rc, ra, join="inner")
            vc, va = xr.align(vc, va, join="inner")
            dv = np.nanmedian((va - vc).values) if len(vc) else math.nan
        else:
            dv = float(np.nanmedian(va.values) - np.nanmedian(vc.values))
        d, lo, hi, n10, n01 = paired_delta_p(rc.values, ra.values, paired=paired)
        rows.append({"target": tid, "text": str(tc["text"].values[i]),
                     "p_control": float(np.mean(rc.values)),
                     "p_alternative": float(np.mean(ra.values)), "delta_p": d,
                     "delta_p_low": lo, "delta_p_high": hi, "control_only": n10,
                     "alternative_only": n01, "value_difference_median": dv,
                     "paired": paired, "replications": int(len(rc))})
    return pd.DataFrame(rows).set_index("target") if rows else pd.DataFrame()


def paired_chart(control, alternative, variable: str, group: str = "clusters", select=None,
                 ax=None, color="C3", label=None, point_control=None, point_alternative=None):
    """The paired difference alternative - control by year as a fan chart (median line,
    25-75 % and 5-95 % bands over the replications), with the zero line. Returns the Axes."""
    import matplotlib.pyplot as plt

    import icsim_fonts

    icsim_fonts.setup_fonts()
    diff = paired_difference(control, alternative, variable, group, select, point_control,
                             point_alternative)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    years = diff["year"].values
    for (lo, hi), alpha in zip(((0.05, 0.95), (0.25, 0.75)), (0.18, 0.35)):
        ax.fill_between(years, diff.quantile(lo, "replication").values,
                        diff.quantile(hi, "replication").values, color=color, alpha=alpha,
                        linewidth=0, label=f"{lo * 100:g}-{hi * 100:g} %")
    ax.plot(years, diff.median("replication").values, color=color,
            label=label or "median difference")
    ax.axhline(0, color="k", linewidth=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel(diff.attrs.get("units", ""))
    ax.legend(loc="best", fontsize=8)
    return ax
