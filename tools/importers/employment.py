"""Employment satellites.

Source: ionet_china_employment.csv, employed persons (10 000 persons) by GB/T 4754 section
(A..T) and division (A01.., C01..C31, ...), 1990-2018 (Wang, Jia & Wang 2021).

National 42-sector tables: the published divisions map one-to-one or many-to-one onto the 42
input-output sectors, so no split is needed (MAPPINGS below). Section T (international
organisations, 0.68 x 10^4 persons in 2017) has no input-output sector and is left out.

Provincial tables: no sector employment is shipped, so estimate_from_national() gives an
ESTIMATE: regional compensation / national compensation per worker of the same sector.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PERSONS_PER_UNIT = 1e4  # the raw file counts 10 000 persons

_COMMON = {
    "01": ["A"], "02": ["B01"], "03": ["B02"], "04": ["B03", "B04"],
    "05": ["B05", "B06", "B07"],
    "06": ["C01", "C02", "C03", "C04"], "07": ["C05"], "08": ["C06", "C07"],
    "09": ["C08", "C09"], "10": ["C10", "C11", "C12"], "11": ["C13"],
    "12": ["C14", "C15", "C16", "C17"], "13": ["C18"], "14": ["C19", "C20"], "15": ["C21"],
    "16": ["C22"], "17": ["C23"], "18": ["C24", "C25"], "19": ["C26"], "20": ["C27"],
    "21": ["C28"],
    "37": ["N"], "38": ["O"], "39": ["P"], "40": ["Q"], "41": ["R"], "42": ["S"],
}

# NBS 42-sector classification used from the 2017 tables on (also 2018, 2020).
MAP_42_2017 = dict(_COMMON, **{
    "22": ["C29", "C30"], "23": ["C31"], "24": ["D01"], "25": ["D02"], "26": ["D03"],
    "27": ["E"], "28": ["F"], "29": ["G"], "30": ["H"], "31": ["I"], "32": ["J"], "33": ["K"],
    "34": ["L"], "35": ["M01"], "36": ["M02", "M03"],
})
# NBS 42-sector classification of the 2012 and 2015 tables.
MAP_42_2012 = dict(_COMMON, **{
    "22": ["C29"], "23": ["C30"], "24": ["C31"], "25": ["D01"], "26": ["D02"], "27": ["D03"],
    "28": ["E"], "29": ["F"], "30": ["G"], "31": ["H"], "32": ["I"], "33": ["J"], "34": ["K"],
    "35": ["L"], "36": ["M"],
})
UNMAPPED = ["T"]

# Chinese name of sector 23, which tells the two classifications apart.
_SECTOR23 = {"金属制品、机械和设备修理服务": ("2017", MAP_42_2017), "废品废料": ("2012", MAP_42_2012)}


def classification(codes, names_zh):
    """('2017'|'2012', mapping) for a 42-sector table, or (None, None) if not recognised."""
    if len(codes) != 42 or codes[22] != "23":
        return None, None
    return _SECTOR23.get(names_zh[22], (None, None))


def read_employment(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"Code": str}, encoding="utf-8-sig")
    if df.columns[0] in ("", "Unnamed: 0"):
        df = df.drop(columns=df.columns[0])
    return df.set_index("Code")


def national_employment(codes, names_zh, emp: pd.DataFrame, year: int):
    """Employment (persons) of a national 42-sector table; returns (vector, report lines)."""
    cls, mapping = classification(codes, names_zh)
    if mapping is None:
        raise ValueError("employment mapping only exists for the NBS 42-sector classifications")
    col = str(year)
    if col not in emp.columns:
        raise ValueError(f"no employment data for {year}")
    v = emp[col].astype(float)
    report = [f"employment {year}: NBS 42-sector classification of {cls}"]
    # The divisions used must add up to their sections (up to the source's rounding to whole
    # 10^4 persons), so the mapping loses nobody. The published division figures are used as
    # they are (not rescaled to the section total).
    for sec in ["A", "B", "C", "D", "E", "G", "M"]:
        divs = [c for c in v.index if c.startswith(sec) and len(c) == 3]
        used = sorted({d for ds in mapping.values() for d in ds if d.startswith(sec)})
        if used == [sec]:
            continue
        diff = float(v[divs].sum() - v[sec])
        report.append(f"  section {sec}: divisions sum - section = {diff:+.2f} x 10^4 persons")
        if abs(diff) > max(5.0, 0.01 * float(v[sec])):
            raise ValueError(f"divisions of section {sec} do not add up ({diff})")
    out = np.array([v[mapping[c]].sum() for c in codes]) * PERSONS_PER_UNIT
    sections = [c for c in v.index if len(c) == 1]
    total = float(v["TOT"])
    report.append(f"  total employed {total:.2f} x 10^4; sections sum {v[sections].sum():.2f}; "
                  f"mapped {out.sum() / PERSONS_PER_UNIT:.2f}; unmapped T = {v['T']:.2f}")
    return out, report


def estimate_from_national(regional_comp, national_comp, national_emp):
    """ESTIMATE: regional employment = regional compensation x national workers per unit of
    compensation, sector by sector. Sectors with no national compensation get 0 workers."""
    regional_comp = np.asarray(regional_comp, float)
    national_comp = np.asarray(national_comp, float)
    national_emp = np.asarray(national_emp, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(national_comp > 0, national_emp / national_comp, 0.0)
    est = regional_comp * per
    if (est < 0).any():
        raise ValueError("negative employment estimate (negative compensation)")
    return est
