"""Reading icsim result files in notebooks.

An icsim result is plain HDF5 with netCDF-4 dimension scales (docs/results.md), so
``xarray.open_dataset(path, engine="h5netcdf", group="clusters")`` works without this module.
This module only saves typing for the things every notebook does:

    import icsim_results as ir                   # installed, or tools/python on sys.path

    base = ir.open_result("baseline.h5")
    base.clusters.output.sel(cluster="246/green_petrochemicals").median("replication")
    ir.targets_table(base)                       # one row per target: probability, CI, median ...
    ir.compare(base, ir.open_result("weak.h5"))  # two runs side by side
    ir.fan_chart(base, "246/green_petrochemicals", target="C246-01")

With the firm model (``base.firm_model``), /districts holds its statistics by district and
/region the same statistics for the whole region:

    ir.series(base, "districts/firms_above_scale", select=["zhenhai", "beilun"])  # summed
    ir.series(base, "districts/tax_per_mu_above_scale", select="*")  # ratio of the sums
    ir.fan_chart(base, "zhenhai", "districts/value_added_per_mu_above_scale")
    ir.compare_districts(base, ir.open_result("tight_land.h5"), 2030, "land_available")

Tax and value added per mu are converted to 万元/亩 when a file is opened (the engine stores
亿元 per mu): see PER_MU. Sweep files: every function takes `point`; default_point() names the
plan's point. Paired statistics of an alternative against its control: icsim_paired.

Install with `pip install --no-build-isolation ./tools/python` (Debian's Python packages, see
docs/results.md), or put tools/python on sys.path. Use Debian's /usr/bin/python3 (it has
xarray, h5netcdf, pandas and matplotlib).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr

GROUPS = ("sectors", "clusters", "region", "targets", "backtest", "io", "districts", "sweep",
          "seek", "district_clusters", "validation")


@dataclass
class Result:
    """One result file: its root attributes, the resolved scenario text and its groups as
    xarray Datasets (groups absent from the file are None)."""

    path: Path
    attrs: dict
    scenario: str
    groups: dict = field(default_factory=dict)

    def __getattr__(self, name):
        groups = self.__dict__.get("groups", {})
        if name in groups:
            return groups[name]
        if name in GROUPS:
            return None
        raise AttributeError(name)

    @property
    def name(self) -> str:
        return str(self.attrs.get("scenario_name", self.path.stem))

    @property
    def firm_model(self) -> bool:
        """Whether the run had the firm model (and so /districts and the firm statistics)."""
        return bool(self.attrs.get("firm_model", 0))


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


# Tax and value added per mu: the engine computes them in the money unit per mu (亿元/亩,
# about 0.006); people read them in 万元/亩 (about 60), as `icsim compare` prints them. Every
# variable and target in 亿元 per mu is converted when a file is opened (the file is unchanged).
PER_MU_IN_FILE = "CNY 100 million per mu"
PER_MU = "CNY 10 thousand per mu"
PER_MU_FACTOR = 1e4  # 万元 per 亿元
UNIT_LABELS = {PER_MU: "万元/亩", "CNY 100 million": "亿元", "mu": "亩", "percent": "%"}
_TARGET_VALUES = ("threshold", "value", "value_median", "value_p05", "value_p95")


def unit_label(units) -> str:
    """A unit for people: "CNY 10 thousand per mu" -> "万元/亩", "CNY 100 million" -> "亿元"."""
    return UNIT_LABELS.get(str(units), str(units))


def _per_mu_in_10k(ds: xr.Dataset) -> xr.Dataset:
    for name in list(ds.data_vars):
        da = ds[name]
        if da.attrs.get("units") == PER_MU_IN_FILE and da.dtype.kind == "f":
            ds[name] = da * PER_MU_FACTOR
            ds[name].attrs = {**da.attrs, "units": PER_MU, "units_in_file": PER_MU_IN_FILE}
    if "unit" in ds and "target" in ds.dims:  # /targets: rows whose unit is 亿元 per mu
        unit = np.array([str(u) for u in ds["unit"].values], dtype=object)
        rows = unit == PER_MU_IN_FILE
        if rows.any():
            scale = xr.DataArray(np.where(rows, PER_MU_FACTOR, 1.0), dims="target",
                                 coords={"target": ds["target"]})
            for name in _TARGET_VALUES:
                if name in ds:
                    attrs = ds[name].attrs
                    ds[name] = ds[name] * scale
                    ds[name].attrs = attrs
            unit[rows] = PER_MU
            ds["unit"] = xr.DataArray(unit, dims="target", attrs=ds["unit"].attrs)
    return ds


def _integer_years(ds: xr.Dataset) -> xr.Dataset:
    """`year` as integer years whatever the file stores (int64 years, float years, or a CF time
    coordinate that xarray decoded to dates)."""
    if "year" in ds.coords:
        y = ds["year"]
        if np.issubdtype(y.dtype, np.datetime64) or y.dtype == object:
            try:
                years = y.dt.year.values
            except (AttributeError, TypeError):
                years = np.array([v.year for v in y.values])
            ds = ds.assign_coords(year=("year", years.astype(np.int64), y.attrs))
        elif y.dtype.kind == "f":
            ds = ds.assign_coords(year=("year", y.values.astype(np.int64), y.attrs))
    return ds


def open_group(path, group: str) -> xr.Dataset:
    """One group of a result file as an xarray Dataset, in memory: years as integers, tax and
    value added per mu in 万元/亩 (units "CNY 10 thousand per mu")."""
    with xr.open_dataset(path, engine="h5netcdf", group=group) as ds:
        return _per_mu_in_10k(_integer_years(ds.load()))


def open_result(path) -> Result:
    """Opens a result file; every group is loaded into memory (files are small) and closed.
    Each group is an xarray Dataset (open_group): `run.region`, `run.targets`, …"""
    path = Path(path)
    with h5py.File(path, "r") as f:
        attrs = {k: _text(v.item() if hasattr(v, "item") else v) for k, v in f.attrs.items()}
        scenario = _text(f["scenario"][()]) if "scenario" in f else ""
        present = [g for g in GROUPS if g in f]
    groups = {g: open_group(path, g) for g in present}
    return Result(path=path, attrs=attrs, scenario=scenario, groups=groups)


def _lookup(doc, key: str):
    """The value of a scenario key ("programme.shuangbai.investment", "firms.land_supply_scale",
    "programme[1].start_year") in a parsed scenario, or None when the text does not set it."""
    node = doc
    for part in key.split("."):
        index = None
        if part.endswith("]") and "[" in part:
            part, inside = part[:-1].split("[", 1)
            index = int(inside) if inside.isdigit() else None
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list):
            found = [x for x in node if isinstance(x, dict)
                     and (x.get("name") == part or x.get("id") == part)]
            if len(found) != 1:
                return None
            node = found[0]
        else:
            return None
        if index is not None:
            if not isinstance(node, list) or index >= len(node):
                return None
            node = node[index]
    return node


def default_point(result) -> tuple[int, str]:
    """The sweep point a report shows by default, and why: the point whose swept parameters
    all equal the values the scenario itself sets (the plan; the root `scenario` text holds the
    sweep file before any point's overrides). Parameters the text does not set are left out of
    the match; when no point (or more than one) matches, point 0. A plain run: (0, "")."""
    r = _as_result(result)
    sw = r.sweep
    if sw is None or "parameter_value" not in sw or sw.sizes.get("point", 1) <= 1:
        return 0, ""
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        return 0, "point 0 (the scenario text cannot be parsed without tomllib, Python 3.11)"
    try:
        doc = tomllib.loads(r.scenario)
    except (tomllib.TOMLDecodeError, TypeError):
        return 0, "point 0 (the stored scenario text could not be parsed)"
    names = [str(x) for x in sw["parameter"].values]
    values = np.asarray(sw["parameter_value"].values, dtype=float)
    known = {}
    for k, name in enumerate(names):
        v = _lookup(doc, name)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            known[k] = float(v)
    if not known:
        return 0, ("point 0: the scenario does not set any swept parameter itself "
                   f"({', '.join(names)} take their defaults), so no point is the plan's")
    match = [p for p in range(values.shape[0])
             if all(np.isclose(values[p, k], v, rtol=1e-12, atol=0) for k, v in known.items())]
    said = ", ".join(f"{names[k]}={v:g}" for k, v in known.items())
    if len(match) == 1:
        unset = [names[k] for k in range(len(names)) if k not in known]
        return match[0], (f"point {match[0]}, the scenario's own values ({said})"
                          + (f"; not set by the scenario: {', '.join(unset)}" if unset else ""))
    if not match:
        return 0, f"point 0: no point has the scenario's own values ({said})"
    return match[0], (f"point {match[0]}, the first of points {match} with the scenario's own "
                      f"values ({said})")


def _as_result(r) -> Result:
    return r if isinstance(r, Result) else open_result(r)


def targets_table(result, point: int = 0) -> pd.DataFrame:
    """One row per evaluated target: what it asks, and the run's verdict (at sweep point
    `point`; a plain run has only point 0)."""
    r = _as_result(result)
    t = r.targets
    df = pd.DataFrame(
        {
            "text": t["text"].values,
            "source": t["source"].values,
            "metric": t["metric"].values,
            "operator": t["operator"].values,
            "threshold": t["threshold"].values,
            "unit": t["unit"].values,
            "year": t["year"].values.astype(int),
            "value_median": t["value_median"].isel(point=point).values,
            "value_p05": t["value_p05"].isel(point=point).values,
            "value_p95": t["value_p95"].isel(point=point).values,
            "probability": t["probability"].isel(point=point).values,
            "probability_low": t["probability_low"].isel(point=point).values,
            "probability_high": t["probability_high"].isel(point=point).values,
            "first_year_reached_median":
                t["first_year_reached_median"].isel(point=point).values,
        },
        index=pd.Index(t["target"].values, name="target"),
    )
    return df


def not_evaluated(result) -> pd.DataFrame:
    """Targets the run listed but could not evaluate, with the reason."""
    t = _as_result(result).targets
    return pd.DataFrame(
        {
            "text": t["not_evaluated_text"].values,
            "source": t["not_evaluated_source"].values,
            "reason": t["not_evaluated_reason"].values,
        },
        index=pd.Index(t["not_evaluated"].values, name="target"),
    )


def compare(a, b, labels=("a", "b")) -> pd.DataFrame:
    """Targets of two runs side by side: probability and median value of each, and the change
    in probability (b - a). Targets present in only one run appear with NaN for the other."""
    ra, rb = _as_result(a), _as_result(b)
    ta, tb = targets_table(ra), targets_table(rb)
    cols = ["probability", "probability_low", "probability_high", "value_median",
            "first_year_reached_median"]
    out = ta[["text", "threshold", "unit", "year"]].combine_first(
        tb[["text", "threshold", "unit", "year"]])
    for label, t in zip(labels, (ta, tb)):
        for c in cols:
            out[f"{c}_{label}"] = t[c]
    out["probability_change"] = out[f"probability_{labels[1]}"] - out[f"probability_{labels[0]}"]
    return out


_DIMS = {"clusters": "cluster", "sectors": "sector", "districts": "district"}


def _compare_by(a, b, group: str, year: int, variable: str, labels):
    ra, rb = _as_result(a), _as_result(b)
    dim = _DIMS[group]
    for r in (ra, rb):
        if getattr(r, group) is None:
            raise KeyError(f"{r.path}: no /{group} group" +
                           (" (run without the firm model)" if group == "districts" else ""))
    ma = getattr(ra, group)[variable].sel(year=year).isel(point=0).median("replication")
    mb = getattr(rb, group)[variable].sel(year=year).isel(point=0).median("replication")
    df = pd.DataFrame({labels[0]: ma.to_series(), labels[1]: mb.to_series()})
    df.insert(0, "name", getattr(ra, group)[f"{dim}_name"].to_series().reindex(df.index))
    df["change_percent"] = (df[labels[1]] / df[labels[0]] - 1) * 100
    return df


def compare_clusters(a, b, year: int, variable: str = "output", labels=("a", "b")):
    """Median of a cluster variable in one year for two runs, with the difference (b - a) in
    percent."""
    return _compare_by(a, b, "clusters", year, variable, labels)


def compare_districts(a, b, year: int, variable: str = "firms_above_scale", labels=("a", "b")):
    """Median of a firm-model statistic by district in one year for two runs, with the
    difference (b - a) in percent (both runs need the firm model)."""
    return _compare_by(a, b, "districts", year, variable, labels)


def _split(variable: str, group: str):
    """ "districts/firms" -> ("districts", "firms"); a bare name keeps `group`."""
    if "/" in variable:
        group, variable = variable.split("/", 1)
    return group, variable


def _selection(ds, dim: str, select):
    """Codes of `select` (a code or a list; "*" = all, "SYSTEM/*" = a cluster system), in file
    order and each once, as Projection::series counts them."""
    codes = [str(c) for c in ds[dim].values]
    wanted = [select] if isinstance(select, str) else list(select)
    chosen = set()
    for w in wanted:
        if w == "*":
            chosen.update(codes)
        elif dim == "cluster" and w.endswith("/*") and len(w) > 2:
            system = w[:-2]
            found = [c for c, sy in zip(codes, ds["system"].values) if str(sy) == system]
            if not found:
                raise KeyError(f"no cluster system '{system}'")
            chosen.update(found)
        elif w in codes:
            chosen.add(w)
        else:
            listed = f"; expected {', '.join(codes)} or '*'" if len(codes) <= 20 else ""
            raise KeyError(f"no {dim} '{w}'{listed}")
    return [c for c in codes if c in chosen]


def series(result, variable: str, group: str = "clusters", select=None,
           point: int = 0) -> xr.DataArray:
    """A projected series over (replication, year): one cluster / sector / district (select =
    its code), several summed (a list; "*" = all, "SYSTEM/*" = a cluster system), or a /region
    variable (select None). `variable` may name its group: "districts/firms_above_scale",
    "region/land_in_use". A ratio statistic of /districts (attribute kind = "ratio") over a
    selection is the ratio of the summed numerator and denominator (0 where that is 0), never a
    sum of ratios. With select None a /sectors, /clusters or /districts variable keeps its
    dimension. `point` picks the sweep point (a plain run has only point 0)."""
    r = _as_result(result)
    group, variable = _split(variable, group)
    ds = getattr(r, group)
    if ds is None:
        raise KeyError(f"{r.path}: no /{group} group" +
                       (" (run without the firm model)" if group == "districts" else ""))
    if variable not in ds:
        names = [v for v in ds.data_vars if ds[v].dtype.kind == "f"]
        raise KeyError(f"no variable '{variable}' in /{group}; expected one of {', '.join(names)}")
    da = ds[variable].isel(point=point)
    if group == "district_clusters" and select is not None:
        # districts (codes or "*") and clusters (SYSTEM/CODE or SYSTEM/*), every pair summed
        wanted = [select] if isinstance(select, str) else list(select)
        districts = _selection(ds, "district", [w for w in wanted if "/" not in w])
        clusters = _selection(ds, "cluster", [w for w in wanted if "/" in w])
        if not districts or not clusters:
            raise KeyError("district_clusters: select districts and clusters, e.g. "
                           "['zhenhai', '246/green_petrochemicals']")
        out = da.sel(district=districts, cluster=clusters).sum(("district", "cluster"))
        out.attrs = dict(da.attrs)
        out.name = variable
        return out
    dim = _DIMS.get(group)
    if dim is None or select is None:
        return da
    codes = _selection(ds, dim, select)
    if da.attrs.get("kind") == "ratio":
        num = ds[da.attrs["numerator"]].isel(point=point).sel({dim: codes}).sum(dim)
        den = ds[da.attrs["denominator"]].isel(point=point).sel({dim: codes}).sum(dim)
        out = xr.where(den > 0, num / den.where(den > 0), 0.0)
        if da.attrs.get("units_in_file") == PER_MU_IN_FILE:  # 亿元 / mu -> 万元/亩
            out = out * PER_MU_FACTOR
    else:
        out = da.sel({dim: codes}).sum(dim)
    out.attrs = dict(da.attrs)
    out.name = variable
    return out


def parse_metric(metric: str):
    """A target's `metric` as the file stores it ("clusters/output[246/automobile]",
    "districts/firms[haishu,zhenhai]", "region/gdp") -> ("clusters/output", ["246/automobile"])
    or ("region/gdp", None). Raises ValueError for anything else (e.g. the "A / B" of a share
    target)."""
    text = str(metric).strip()
    select = None
    if text.endswith("]") and "[" in text:
        text, inside = text[:-1].split("[", 1)
        select = [s.strip() for s in inside.split(",") if s.strip()]
    if " " in text or text.count("/") != 1 or not all(text.split("/")):
        raise ValueError(f"not a single series: '{metric}'")
    return text, select


def target_series(result, target: str, point: int = 0):
    """The series over (replication, year) that a `level` target compares with its threshold
    (its metric and select, at sweep point `point`), or None where there is no such series in
    the file's units: targets of another kind (growth, cagr, share, change are percentages of
    the series, not the series), metrics that cannot be parsed, and series whose value in the
    target year differs from the target's /targets/value (e.g. a target in constant prices)."""
    r = _as_result(result)
    t = r.targets
    ids = [str(x) for x in t["target"].values]
    i = ids.index(target)
    if str(t["kind"].values[i]) != "level":
        return None
    try:
        variable, select = parse_metric(str(t["metric"].values[i]))
        da = series(r, variable, select=select, point=point)
    except (ValueError, KeyError):
        return None
    if da.dims != ("replication", "year"):
        return None
    year = int(t["year"].values[i])
    if year not in set(int(y) for y in da["year"].values):
        return None
    got = da.sel(year=year).values
    want = t["value"].isel(point=point).values[:, i]
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-9, atol=1e-9,
                                                  equal_nan=True):
        return None
    return da


def fan_chart(result, select=None, variable="output", group="clusters", target=None, ax=None,
              label=None, color="C0", bands=((0.05, 0.95), (0.25, 0.75)), point=0,
              data=None, annotate=True):
    """Median and quantile bands of a series over the years (`select`, `variable` and `group`
    as for series(), e.g. fan_chart(run, "zhenhai", "districts/firms_above_scale"); `data`, a
    (replication, year) DataArray, is drawn instead when given); with `target` (an id in the
    file's /targets), its threshold is drawn as a dashed line with a marker at its year and the
    probability of reaching it (with its 95 % interval; annotate=False leaves that text out).
    `point` picks the sweep point.
    Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    import icsim_fonts

    icsim_fonts.setup_fonts()  # Chinese names and units render (Noto Sans CJK SC)
    r = _as_result(result)
    group, variable = _split(variable, group)
    da = data if data is not None else series(r, variable, group, select, point=point)
    years = da["year"].values
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for (lo, hi), alpha in zip(bands, (0.15, 0.3, 0.45)):
        ax.fill_between(years, da.quantile(lo, "replication").values,
                        da.quantile(hi, "replication").values, color=color, alpha=alpha,
                        linewidth=0, label=f"{lo * 100:g}-{hi * 100:g} %")
    ax.plot(years, da.median("replication").values, color=color,
            label=label or f"{r.name} (median)")
    if target is not None:
        t = r.targets
        i = [str(x) for x in t["target"].values].index(target)
        year = int(t["year"].values[i])
        threshold = float(t["threshold"].values[i])
        p = float(t["probability"].isel(point=point).values[i])
        lo = float(t["probability_low"].isel(point=point).values[i])
        hi = float(t["probability_high"].isel(point=point).values[i])
        op = str(t["operator"].values[i])
        op = {">=": "≥", "<=": "≤"}.get(op, op)
        ax.axhline(threshold, color="k", linestyle="--", linewidth=1,
                   label=f"threshold {op} {threshold:g}")
        ax.scatter([year], [threshold], marker="D", s=40, color="k", zorder=5)
        if annotate:
            ax.annotate(f"{target}: P = {p:.2f} [{lo:.2f}, {hi:.2f}]", (year, threshold),
                        textcoords="offset points", xytext=(-10, 8), ha="right")
    title = select if isinstance(select, str) else (group if select is None else "selection")
    ax.set_title(f"{title}: {variable}")
    ax.set_xlabel("year")
    ax.set_ylabel(unit_label(da.attrs.get("units", "")))
    ax.legend(loc="upper left")
    return ax
