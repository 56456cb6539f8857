"""Readers for the raw input-output table layouts shipped in scenarios/data/raw/.

Three layouts (all in 10 000 CNY, 万元):

chnio provincial (common2016/CHNIO spreadsheets converted to CSV)
    Code,Name,<sector codes>,TIU,FU101,FU102,THC,FU103,TC,FU201,FU202,GCF,EX,OF,TFU,IM,IF,ERR,GO
    rows: the sectors, TII, VA001..VA004, TVA, TI.
    Identity per sector row: GO = TIU + TFU - IM - IF + ERR, TFU = TC + GCF + EX + OF.

ionet competitive (Carol-seven/ionet .rda written by R's write.csv)
    "",Code,Description,DescriptionInChinese,<sector codes>,TIU,FU101,FU102,THC,FU103,TC,
    FU201,FU202,GCF,EX,TFU,IM,[ERR],GO
    Identity: GO = TIU + TFU - IM (+ ERR), TFU = TC + GCF + EX.

ionet non-competitive
    "",Code,Description,DescriptionInChinese,Origin,<sector codes>,TIU,TC,FU201,FU202,EX,TFU,GO
    rows: Origin=Domestic (sectors), Origin=Imports (sectors), Origin=TOT (TII, VA001..VA004,
    TVA, TI). Identities: Domestic GO = TIU + TFU; column sums of Domestic + Imports = TII;
    TII + TVA = TI = Domestic GO.

Every reader checks the published identities and returns a list of report lines with the
largest residuals it found; it raises if a residual exceeds 1e-8 of the largest output.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

VA_ROWS = ["VA001", "VA002", "VA003", "VA004"]
VA_LABELS = ["compensation", "net_production_taxes", "depreciation", "operating_surplus"]
IDENTITY_RTOL = 1e-8

# Obvious typos in the English descriptions of the raw files, fixed in sectors.csv.
NAME_FIXES = {"Eentertainment": "Entertainment"}


class RawFormatError(ValueError):
    pass


class Checker:
    """Collects identity residuals (in raw units) and fails loudly on a broken identity."""

    def __init__(self, label: str, scale: float):
        self.label = label
        self.scale = max(float(scale), 1.0)
        self.lines: list[str] = []

    def __call__(self, what: str, lhs, rhs) -> float:
        r = float(np.max(np.abs(np.asarray(lhs, float) - np.asarray(rhs, float))))
        self.lines.append(f"{self.label}: {what}: max |residual| = {r:.3g} (10k CNY)")
        if r > IDENTITY_RTOL * self.scale:
            raise RawFormatError(f"{self.label}: identity {what} fails, residual {r:.6g}")
        return r


def _read(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if df.columns[0] in ("", "Unnamed: 0"):
        df = df.drop(columns=df.columns[0])  # R's row numbers
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _num(df, cols) -> np.ndarray:
    """Columns ``cols`` of ``df`` as floats (blank cells count as 0)."""
    sub = df.loc[:, cols]
    try:
        return sub.apply(lambda s: s.str.strip().replace("", "0").astype(float)).to_numpy(float)
    except ValueError as e:
        raise RawFormatError(str(e)) from None


def _sector_columns(df, after: str, before: str = "TIU") -> list[str]:
    cols = list(df.columns)
    if after not in cols or before not in cols:
        raise RawFormatError(f"expected columns {after!r} and {before!r}")
    codes = cols[cols.index(after) + 1: cols.index(before)]
    if not codes:
        raise RawFormatError("no sector columns found")
    return codes


def _rows(df, code_col, codes) -> np.ndarray:
    """Positional index of each code in the code column (must be unique)."""
    idx = []
    col = df[code_col].str.strip().tolist()
    for c in codes:
        hits = [k for k, v in enumerate(col) if v == c]
        if len(hits) != 1:
            raise RawFormatError(f"row {c!r}: found {len(hits)} times")
        idx.append(hits[0])
    return np.array(idx)


def fix_name(s: str) -> str:
    for bad, good in NAME_FIXES.items():
        s = s.replace(bad, good)
    return s.strip()


# ----------------------------------------------------------------------------- competitive

def read_competitive(path, label: str) -> dict:
    """chnio provincial or ionet competitive layout -> dict of numpy arrays (10k CNY)."""
    df = _read(path)
    if "Name" in df.columns:                      # chnio
        codes = _sector_columns(df, "Name")
        zh_col, en_col = "Name", None
    elif "DescriptionInChinese" in df.columns:   # ionet
        codes = _sector_columns(df, "DescriptionInChinese")
        zh_col, en_col = "DescriptionInChinese", "Description"
    else:
        raise RawFormatError("unknown layout: neither a Name nor a DescriptionInChinese column")
    codes = [c.strip() for c in codes]
    required = ["TIU", "FU101", "FU102", "THC", "FU103", "TC", "FU201", "FU202", "GCF", "EX",
                "TFU", "IM", "GO"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise RawFormatError(f"missing columns {missing}")
    has_regional = "OF" in df.columns or "IF" in df.columns
    if has_regional and not ("OF" in df.columns and "IF" in df.columns):
        raise RawFormatError("OF and IF must come together")
    has_err = "ERR" in df.columns

    ri = _rows(df, "Code", codes)
    ti = _rows(df, "Code", ["TII"] + VA_ROWS + ["TVA", "TI"])
    rows = df.iloc[ri]
    tot = df.iloc[ti]

    def col(c):
        return _num(rows, [c])[:, 0]

    Z = _num(rows, codes)
    out = {c: col(c) for c in required}
    for c in ("OF", "IF", "ERR"):
        out[c] = col(c) if c in df.columns else np.zeros(len(codes))
    va = _num(tot, codes)  # TII, VA001..4, TVA, TI

    chk = Checker(label, np.abs(out["GO"]).max())
    chk("TIU = row sum of Z", Z.sum(1), out["TIU"])
    chk("THC = FU101 + FU102", out["FU101"] + out["FU102"], out["THC"])
    chk("TC = THC + FU103", out["THC"] + out["FU103"], out["TC"])
    chk("GCF = FU201 + FU202", out["FU201"] + out["FU202"], out["GCF"])
    chk("TFU = TC + GCF + EX" + (" + OF" if has_regional else ""),
        out["TC"] + out["GCF"] + out["EX"] + out["OF"], out["TFU"])
    chk("GO = TIU + TFU - IM" + (" - IF" if has_regional else "") + (" + ERR" if has_err else ""),
        out["TIU"] + out["TFU"] - out["IM"] - out["IF"] + out["ERR"], out["GO"])
    chk("TII = column sum of Z", Z.sum(0), va[0])
    chk("TVA = VA001 + ... + VA004", va[1:5].sum(0), va[5])
    chk("TI = TII + TVA", va[0] + va[5], va[6])
    chk("GO (row) = TI (column)", out["GO"], va[6])

    return dict(
        codes=codes,
        names_zh=[s.strip() for s in rows[zh_col].tolist()],
        names_en=[fix_name(s) for s in rows[en_col].tolist()] if en_col else None,
        Z=Z, cols=out, va=va[1:5], has_regional=has_regional, has_err=has_err,
        checks=chk.lines,
        err_nonzero=int(np.count_nonzero(out["ERR"])),
    )


# ------------------------------------------------------------------------- non-competitive

def read_noncompetitive(path, label: str) -> dict:
    df = _read(path)
    if "Origin" not in df.columns:
        raise RawFormatError("no Origin column: not the non-competitive layout")
    codes = [c.strip() for c in _sector_columns(df, "Origin")]
    fdcols = ["TC", "FU201", "FU202", "EX"]
    for c in fdcols + ["TIU", "TFU", "GO"]:
        if c not in df.columns:
            raise RawFormatError(f"missing column {c}")
    origin = df["Origin"].str.strip()
    dom = df[origin == "Domestic"]
    imp = df[origin == "Imports"]
    tot = df[origin == "TOT"]
    dom = dom.iloc[_rows(dom, "Code", codes)]
    imp = imp.iloc[_rows(imp, "Code", codes)]
    tot = tot.iloc[_rows(tot, "Code", ["TII"] + VA_ROWS + ["TVA", "TI"])]
    Zd = _num(dom, codes)
    Zm = _num(imp, codes)
    Fd = _num(dom, fdcols)
    Fm = _num(imp, fdcols)
    d = {c: _num(dom, [c])[:, 0] for c in ("TIU", "TFU", "GO")}
    m = {c: _num(imp, [c])[:, 0] for c in ("TIU", "TFU", "GO")}
    va = _num(tot, codes)

    chk = Checker(label, np.abs(d["GO"]).max())
    chk("Domestic TIU = row sum", Zd.sum(1), d["TIU"])
    chk("Domestic TFU = TC + FU201 + FU202 + EX", Fd.sum(1), d["TFU"])
    chk("Domestic GO = TIU + TFU", d["TIU"] + d["TFU"], d["GO"])
    chk("Imports TIU = row sum", Zm.sum(1), m["TIU"])
    chk("Imports TFU = TC + FU201 + FU202 + EX", Fm.sum(1), m["TFU"])
    chk("Imports GO (total imports) = TIU + TFU", m["TIU"] + m["TFU"], m["GO"])
    chk("TII = column sum of Domestic + Imports", Zd.sum(0) + Zm.sum(0), va[0])
    chk("TVA = VA001 + ... + VA004", va[1:5].sum(0), va[5])
    chk("TI = TII + TVA", va[0] + va[5], va[6])
    chk("Domestic GO (row) = TI (column)", d["GO"], va[6])
    return dict(
        codes=codes,
        names_zh=[s.strip() for s in dom["DescriptionInChinese"].tolist()],
        names_en=[fix_name(s) for s in dom["Description"].tolist()],
        Zd=Zd, Zm=Zm, Fd=Fd, Fm=Fm, fd_cols=fdcols, va=va[1:5], go=d["GO"],
        checks=chk.lines,
    )


def english_names_by_chinese(path) -> dict:
    """Chinese -> English sector names from an ionet file (either layout)."""
    df = _read(path)
    if "DescriptionInChinese" not in df.columns or "Description" not in df.columns:
        raise RawFormatError(f"{path}: no Description/DescriptionInChinese columns")
    out = {}
    for zh, en in zip(df["DescriptionInChinese"], df["Description"]):
        out.setdefault(zh.strip(), fix_name(en))
    return out
