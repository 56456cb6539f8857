"""In-memory table and the writer/reader for icsim's table-folder format.

The format is documented in docs/table-format.md. This module is the single place where the
importers turn a table into files, so every shipped table is written the same way:

* UTF-8 without BOM, LF line endings, comma separated, RFC 4180 quoting (only where needed);
* numbers in plain positional decimal notation with the shortest digits that round-trip the
  float64 value exactly (never exponent notation), integers without a trailing ".0";
* the same input always gives the same bytes.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MONEY_UNIT = "CNY 100 million"
WAN_YUAN_PER_YI = 1e4  # raw tables are in 10 000 CNY (万元); 1 亿元 = 10 000 万元
LABEL_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# Optional table.toml keys and their defaults (docs/table-format.md).
OPTIONAL_KEYS = {
    "household_consumption": "household",
    "labour_income": "compensation",
    "taxes": "net_production_taxes",
    "gfcf": "gfcf",
    "balance_tolerance": 1e-6,
}


class FormatError(ValueError):
    pass


@dataclass
class Table:
    name: str
    region: str
    year: int
    source: str
    codes: list
    names: list
    names_zh: list
    Z: np.ndarray                      # n x n
    fd_labels: list
    fd: np.ndarray                     # n x k
    va_labels: list
    va: np.ndarray                     # c x n
    imp_labels: list = field(default_factory=list)
    imp: np.ndarray | None = None      # r x n
    sat_labels: list = field(default_factory=list)
    sat_units: list = field(default_factory=list)
    sat: np.ndarray | None = None      # s x n
    bridge: np.ndarray | None = None   # n x n
    money_unit: str = MONEY_UNIT
    options: dict = field(default_factory=dict)  # optional table.toml keys (written explicitly)
    sector_region: list | None = None  # multi-region tables only

    @property
    def n(self) -> int:
        return len(self.codes)

    def total_output(self) -> np.ndarray:
        return self.Z.sum(axis=1) + self.fd.sum(axis=1)

    def total_input(self) -> np.ndarray:
        t = self.Z.sum(axis=0) + self.va.sum(axis=0)
        if self.imp is not None and len(self.imp_labels):
            t = t + self.imp.sum(axis=0)
        return t

    def balance_residual(self) -> np.ndarray:
        """|x - input| / |x| per sector (0 where both are exactly 0, inf if only x is 0)."""
        x = self.total_output()
        d = np.abs(x - self.total_input())
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(x != 0, d / np.abs(x), np.where(d == 0, 0.0, np.inf))
        return r

    def tolerance(self) -> float:
        return float(self.options.get("balance_tolerance", OPTIONAL_KEYS["balance_tolerance"]))

    def column(self, block: str, label: str) -> np.ndarray:
        labels, values = {
            "fd": (self.fd_labels, self.fd.T),
            "va": (self.va_labels, self.va),
            "imp": (self.imp_labels, self.imp),
            "sat": (self.sat_labels, self.sat),
        }[block]
        return values[labels.index(label)]

    def validate(self) -> None:
        n = self.n
        if len(set(self.codes)) != n:
            raise FormatError("sector codes are not unique")
        if len(self.names) != n or len(self.names_zh) != n:
            raise FormatError("names/names_zh length differs from the number of sectors")
        shapes = [("Z", self.Z, (n, n)), ("final_demand", self.fd, (n, len(self.fd_labels))),
                  ("value_added", self.va, (len(self.va_labels), n))]
        if self.imp_labels:
            shapes.append(("imports", self.imp, (len(self.imp_labels), n)))
        if self.sat_labels:
            shapes.append(("satellites", self.sat, (len(self.sat_labels), n)))
            if len(self.sat_units) != len(self.sat_labels):
                raise FormatError("one unit per satellite indicator is required")
        if self.bridge is not None:
            shapes.append(("gfcf_bridge", self.bridge, (n, n)))
        for what, m, shape in shapes:
            if m.shape != shape:
                raise FormatError(f"{what}: shape {m.shape}, expected {shape}")
            if not np.all(np.isfinite(m)):
                raise FormatError(f"{what}: non-finite value")
        labels = self.fd_labels + self.va_labels + self.imp_labels + self.sat_labels
        for lab in labels:
            if not LABEL_RE.match(lab):
                raise FormatError(f"label {lab!r} is not lowercase snake_case")
        if len(set(labels)) != len(labels):
            raise FormatError(f"labels are not unique across blocks: {labels}")
        if (self.Z < 0).any():
            raise FormatError("Z has negative entries")
        if self.imp_labels and (self.imp < 0).any():
            raise FormatError("imports has negative entries")
        if self.bridge is not None:
            if (self.bridge < 0).any():
                raise FormatError("gfcf_bridge has negative entries")
            if (self.bridge.sum(axis=0) > 1 + 1e-12).any():
                raise FormatError("a gfcf_bridge column sums to more than 1")
        opts = dict(OPTIONAL_KEYS)
        opts.update(self.options)
        if opts["household_consumption"] not in self.fd_labels:
            raise FormatError(f"household_consumption column {opts['household_consumption']!r} missing")
        if opts["gfcf"] not in self.fd_labels:
            raise FormatError(f"gfcf column {opts['gfcf']!r} missing")
        for key in ("labour_income", "taxes"):
            if opts[key] not in self.va_labels:
                raise FormatError(f"{key} row {opts[key]!r} missing")
        worst = float(self.balance_residual().max()) if n else 0.0
        if worst > self.tolerance():
            raise FormatError(f"table does not balance: max relative residual {worst:.3g}")


# ----------------------------------------------------------------------------- writing

def fmt_number(x) -> str:
    x = float(x)
    if not math.isfinite(x):
        raise FormatError(f"non-finite number {x}")
    if x == 0:
        return "0"  # also turns -0.0 into 0
    return np.format_float_positional(x, unique=True, trim="-")


def toml_string(s: str) -> str:
    """`s` as a TOML basic string (quoted, escaped)."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return toml_string(str(v))


def _csv_text(rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        w.writerow(row)
    return buf.getvalue()


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_table(t: Table, folder) -> None:
    """Validate ``t`` and write it as a table folder (created if needed)."""
    t.validate()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    codes = list(t.codes)

    lines = [
        f"name = {toml_string(t.name)}",
        f"region = {toml_string(t.region)}",
        f"year = {int(t.year)}",
        f"money_unit = {toml_string(t.money_unit)}",
        f"source = {toml_string(t.source)}",
    ]
    for key in OPTIONAL_KEYS:
        if key in t.options:
            lines.append(f"{key} = {_toml_value(t.options[key])}")
    _write(folder / "table.toml", "\n".join(lines) + "\n")

    header = ["code", "name", "name_zh"]
    if t.sector_region is not None:
        header.append("region")
    rows = [header]
    for i, c in enumerate(codes):
        row = [c, t.names[i], t.names_zh[i]]
        if t.sector_region is not None:
            row.append(t.sector_region[i])
        rows.append(row)
    _write(folder / "sectors.csv", _csv_text(rows))

    def matrix_rows(first, row_labels, m, col_labels, extra=None):
        out = [[first] + (extra[0] if extra else []) + list(col_labels)]
        for i, lab in enumerate(row_labels):
            out.append([lab] + (extra[1][i] if extra else []) + [fmt_number(v) for v in m[i]])
        return out

    _write(folder / "Z.csv", _csv_text(matrix_rows("code", codes, t.Z, codes)))
    _write(folder / "final_demand.csv", _csv_text(matrix_rows("code", codes, t.fd, t.fd_labels)))
    _write(folder / "value_added.csv", _csv_text(matrix_rows("component", t.va_labels, t.va, codes)))
    if t.imp_labels:
        _write(folder / "imports.csv", _csv_text(matrix_rows("component", t.imp_labels, t.imp, codes)))
    if t.sat_labels:
        _write(folder / "satellites.csv", _csv_text(
            matrix_rows("indicator", t.sat_labels, t.sat, codes,
                        extra=(["unit"], [[u] for u in t.sat_units]))))
    if t.bridge is not None:
        _write(folder / "gfcf_bridge.csv", _csv_text(matrix_rows("code", codes, t.bridge, codes)))


# ----------------------------------------------------------------------------- reading

def _read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    if not rows:
        raise FormatError(f"{path}: empty file")
    return rows[0], rows[1:]


def _numbers(rows, start, path):
    try:
        return np.array([[float(v) for v in r[start:]] for r in rows], dtype=float)
    except ValueError as e:
        raise FormatError(f"{path}: {e}") from None


def read_table(folder) -> Table:
    """Read a table folder (used by the Zhejiang employment estimate and for checks)."""
    import tomllib

    folder = Path(folder)
    with open(folder / "table.toml", "rb") as f:
        meta = tomllib.load(f)
    header, rows = _read_csv(folder / "sectors.csv")
    codes = [r[0] for r in rows]
    col = {h: k for k, h in enumerate(header)}
    names = [r[col["name"]] for r in rows]
    names_zh = [r[col["name_zh"]] if "name_zh" in col else "" for r in rows]
    sector_region = [r[col["region"]] for r in rows] if "region" in col else None

    def block(fname, first, by_sector_rows, optional=False, unit=False):
        p = folder / fname
        if not p.exists():
            if optional:
                return [], [], None
            raise FormatError(f"{p} missing")
        h, rs = _read_csv(p)
        if h[0] != first:
            raise FormatError(f"{p}: first header cell must be {first!r}")
        start = 2 if unit else 1
        if by_sector_rows:
            if [r[0] for r in rs] != codes:
                raise FormatError(f"{p}: rows are not the sectors in sectors.csv order")
            return h[1:], [], _numbers(rs, 1, p)
        if h[start:] != codes:
            raise FormatError(f"{p}: columns are not the sectors in sectors.csv order")
        return [r[0] for r in rs], ([r[1] for r in rs] if unit else []), _numbers(rs, start, p)

    zc, _, Z = block("Z.csv", "code", True)
    if zc != codes:
        raise FormatError("Z.csv: columns are not the sectors in sectors.csv order")
    fdl, _, fd = block("final_demand.csv", "code", True)
    val, _, va = block("value_added.csv", "component", False)
    iml, _, im = block("imports.csv", "component", False, optional=True)
    sl, su, sat = block("satellites.csv", "indicator", False, optional=True, unit=True)
    bridge = None
    if (folder / "gfcf_bridge.csv").exists():
        bc, _, bridge = block("gfcf_bridge.csv", "code", True)
        if bc != codes:
            raise FormatError("gfcf_bridge.csv: columns are not the sectors in order")
    options = {k: meta[k] for k in OPTIONAL_KEYS if k in meta}
    return Table(name=meta["name"], region=meta["region"], year=int(meta["year"]),
                 source=meta["source"], codes=codes, names=names, names_zh=names_zh,
                 Z=Z, fd_labels=fdl, fd=fd, va_labels=val, va=va,
                 imp_labels=iml, imp=im, sat_labels=sl, sat_units=su, sat=sat, bridge=bridge,
                 money_unit=meta["money_unit"], options=options, sector_region=sector_region)
