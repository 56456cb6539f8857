"""Tests of the raw-table importers (tools/importers/) and the shipped table folders.

Run with Debian's Python: /usr/bin/python3 -m pytest tests/python/test_importers.py
ICSIM_SOURCE_DIR points at the repository root (default: two levels above this file).

The table folders are read here with the csv module and numpy only, independently of the
importer's own reader, and checked against published totals and independent computations.
Only files inside the repository are read (scenarios/data/raw is the project's own copy).
"""
from __future__ import annotations

import csv
import filecmp
import importlib
import os
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(os.environ.get("ICSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TABLES = ROOT / "scenarios" / "data" / "tables"
RAW = ROOT / "scenarios" / "data" / "raw"
IMPORTER = ROOT / "tools" / "importers" / "import_tables.py"

IO_TABLES = ["zhejiang_2017_42", "zhejiang_2012_42", "china_2015_42", "china_2017_42",
             "china_2018_42", "china_2020_42", "china_2017_149", "china_2018_153",
             "china_2020_153"]


def run_importer(*args):
    """Run tools/importers/import_tables.py in-process (saves a pandas start-up per call)."""
    sys.path.insert(0, str(IMPORTER.parent))
    try:
        mod = importlib.import_module("import_tables")
    finally:
        sys.path.remove(str(IMPORTER.parent))
    assert mod.main([str(a) for a in args]) == 0


LABEL = re.compile(r"^[a-z][a-z0-9_]*$")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


# ----------------------------------------------------------------------------- reader

def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _nums(rows, start):
    for r in rows:
        for v in r[start:]:
            assert PLAIN_NUMBER.match(v), f"not a plain decimal number: {v!r}"
    return np.array([[float(v) for v in r[start:]] for r in rows], dtype=float)


def load(folder: Path) -> dict:
    with open(folder / "table.toml", "rb") as f:
        meta = tomllib.load(f)
    sh, srows = _csv(folder / "sectors.csv")
    assert sh[:2] == ["code", "name"]
    codes = [r[0] for r in srows]
    assert len(set(codes)) == len(codes)
    t = {"meta": meta, "codes": codes, "names": [r[1] for r in srows],
         "names_zh": [r[sh.index("name_zh")] for r in srows] if "name_zh" in sh else None}

    h, rows = _csv(folder / "Z.csv")
    assert h == ["code"] + codes and [r[0] for r in rows] == codes
    t["Z"] = _nums(rows, 1)
    h, rows = _csv(folder / "final_demand.csv")
    assert h[0] == "code" and [r[0] for r in rows] == codes
    t["fd_labels"], t["F"] = h[1:], _nums(rows, 1)
    h, rows = _csv(folder / "value_added.csv")
    assert h == ["component"] + codes
    t["va_labels"], t["V"] = [r[0] for r in rows], _nums(rows, 1)
    t["imp_labels"], t["M"] = [], np.zeros((0, len(codes)))
    if (folder / "imports.csv").exists():
        h, rows = _csv(folder / "imports.csv")
        assert h == ["component"] + codes
        t["imp_labels"], t["M"] = [r[0] for r in rows], _nums(rows, 1)
    t["sat_labels"], t["S"], t["units"] = [], np.zeros((0, len(codes))), []
    if (folder / "satellites.csv").exists():
        h, rows = _csv(folder / "satellites.csv")
        assert h == ["indicator", "unit"] + codes
        t["sat_labels"], t["units"], t["S"] = [r[0] for r in rows], [r[1] for r in rows], _nums(rows, 2)
    t["B"] = None
    if (folder / "gfcf_bridge.csv").exists():
        h, rows = _csv(folder / "gfcf_bridge.csv")
        assert h == ["code"] + codes and [r[0] for r in rows] == codes
        t["B"] = _nums(rows, 1)
    return t


def output(t):
    return t["Z"].sum(1) + t["F"].sum(1)


def inputs(t):
    return t["Z"].sum(0) + t["M"].sum(0) + t["V"].sum(0)


def fd(t, label):
    return t["F"][:, t["fd_labels"].index(label)]


def va(t, label):
    return t["V"][t["va_labels"].index(label)]


def output_multipliers(t):
    x = output(t)
    A = np.divide(t["Z"], x, out=np.zeros_like(t["Z"]), where=x > 0)
    return np.linalg.inv(np.eye(len(x)) - A).sum(0)


@pytest.fixture(scope="module")
def tables():
    return {name: load(TABLES / name) for name in IO_TABLES}


# ----------------------------------------------------------------------------- shipped folders

@pytest.mark.parametrize("name", IO_TABLES)
def test_table_folder_is_valid_and_balances(tables, name):
    t = tables[name]
    meta = t["meta"]
    for key in ("name", "region", "year", "money_unit", "source"):
        assert key in meta, key
    assert isinstance(meta["year"], int)
    assert meta["money_unit"] == "CNY 100 million"
    labels = t["fd_labels"] + t["va_labels"] + t["imp_labels"] + t["sat_labels"]
    assert len(set(labels)) == len(labels)
    assert all(LABEL.match(lab) for lab in labels)
    assert meta.get("household_consumption", "household") in t["fd_labels"]
    assert meta.get("gfcf", "gfcf") in t["fd_labels"]
    assert meta.get("labour_income", "compensation") in t["va_labels"]
    assert meta.get("taxes", "net_production_taxes") in t["va_labels"]
    assert (t["Z"] >= 0).all() and (t["M"] >= 0).all()

    x, inp = output(t), inputs(t)
    tol = meta.get("balance_tolerance", 1e-6)
    zero = x == 0
    assert np.all(np.abs(x[~zero] - inp[~zero]) <= tol * np.abs(x[~zero]))
    assert np.all(inp[zero] == 0)  # a zero-output sector has a zero column
    # the worst residual is round-off only
    assert np.max(np.abs(x - inp) / np.where(zero, 1, np.abs(x))) < 1e-11

    B = t["B"]
    assert B is not None and (B >= 0).all() and (B.sum(0) <= 1 + 1e-12).all()
    # default bridge: every column is the regional GFCF mix over total (incl. imported) GFCF
    g = fd(t, "gfcf")
    col = B[:, 0]
    assert np.allclose(B, col[:, None], rtol=0, atol=0)
    assert np.allclose(col / col.sum(), g / g.sum(), rtol=1e-12, atol=1e-15)
    assert 0.5 < col.sum() < 1


def test_totals_match_published_figures(tables):
    # Zhejiang: gross output and value added (CNY 100 million), scenarios/data/tables/SOURCES.md
    for name, go, vat in [("zhejiang_2017_42", 152428.6, 52440.3),
                          ("zhejiang_2012_42", 116082.5, 35911.0)]:
        t = tables[name]
        assert output(t).sum() == pytest.approx(go, abs=0.05)
        assert t["V"].sum() == pytest.approx(vat, abs=0.05)
    # China: total value added 82.3 / 92.2 / 101.6 trillion CNY (1 trillion = 10 000 x 1e8)
    for year, trn, names in [(2017, 82.3, ["china_2017_42", "china_2017_149"]),
                             (2018, 92.2, ["china_2018_42", "china_2018_153"]),
                             (2020, 101.6, ["china_2020_42", "china_2020_153"])]:
        go = []
        for name in names:
            t = tables[name]
            assert t["meta"]["year"] == year
            assert t["V"].sum() / 1e4 == pytest.approx(trn, abs=0.05)
            go.append(output(t).sum())
        # the 42-sector and the detailed table of a year describe the same economy
        assert go[0] == pytest.approx(go[1], rel=1e-12)


def test_zhejiang_2017_local_multipliers_match_facts(tables):
    t = tables["zhejiang_2017_42"]
    m = output_multipliers(t)
    expected = {"12": 1.70, "11": 1.20, "18": 1.67, "19": 1.67, "16": 1.56, "20": 1.45,
                "07": 1.76, "08": 1.75, "27": 1.48}
    got = {c: m[t["codes"].index(c)] for c in expected}
    for c, v in expected.items():
        assert round(got[c], 2) == pytest.approx(v, abs=1e-9), (c, got[c])
    assert t["names_zh"][t["codes"].index("12")] == "化学产品"
    assert t["names_zh"][t["codes"].index("27")] == "建筑"


def test_china_2018_domestic_multipliers_match_facts(tables):
    t = tables["china_2018_42"]
    m = output_multipliers(t)
    for c, v in {"12": 2.61, "18": 2.82, "19": 2.80, "20": 2.34}.items():
        assert round(m[t["codes"].index(c)], 2) == pytest.approx(v, abs=1e-9)
    g = fd(t, "gfcf")
    assert g[t["codes"].index("27")] / g.sum() == pytest.approx(0.645, abs=0.0005)
    assert t["meta"]["household_consumption"] == "consumption"


def _raw_competitive(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["Code"]: r for r in rows}


def test_zhejiang_2017_local_table_against_raw(tables):
    """Local table vs the project's raw copy: output, value added and what was removed."""
    t = tables["zhejiang_2017_42"]
    raw = _raw_competitive(RAW / "chnio_zhejiang_2017_42.csv")
    codes = t["codes"]
    go = np.array([float(raw[c]["GO"]) for c in codes]) / 1e4
    assert np.allclose(output(t), go, rtol=1e-12, atol=1e-9)
    for k, lab in enumerate(["compensation", "net_production_taxes", "depreciation",
                             "operating_surplus"]):
        vrow = np.array([float(raw[f"VA00{k + 1}"][c]) for c in codes]) / 1e4
        assert np.array_equal(va(t, lab), vrow)
    Zraw = np.array([[float(raw[r][c]) for c in codes] for r in codes]) / 1e4
    # everything taken out of intermediate use is in the two import rows
    assert np.allclose(Zraw.sum(0), t["Z"].sum(0) + t["M"].sum(0), rtol=1e-12, atol=1e-9)
    assert t["imp_labels"] == ["imports_foreign", "inflows_domestic"]
    # rows scale uniformly across intermediate and local final use
    for i, c in enumerate(codes):
        dom_raw = Zraw[i].sum() + sum(float(raw[c][k]) for k in
                                      ("FU101", "FU102", "FU103", "FU201", "FU202")) / 1e4
        dom_loc = t["Z"][i].sum() + sum(fd(t, k)[i] for k in
                                        ("household", "government", "gfcf", "inventory"))
        removed = (float(raw[c]["IM"]) + float(raw[c]["IF"])) / 1e4
        if removed <= dom_raw:
            assert dom_loc == pytest.approx(dom_raw - removed, rel=1e-9, abs=1e-9)
            if dom_raw > 0 and Zraw[i].sum() > 0:
                assert t["Z"][i].sum() / Zraw[i].sum() == pytest.approx(dom_loc / dom_raw, rel=1e-9)
        else:  # re-export rows: no local use left
            assert dom_loc == 0
    # exports are never scaled except for the re-export rows
    assert output(t)[codes.index("03")] == 0 and not t["Z"][:, codes.index("03")].any()


def test_employment_satellites(tables):
    c17 = tables["china_2017_42"]
    assert c17["sat_labels"] == ["employment"] and c17["units"] == ["persons"]
    e = c17["S"][0]
    assert e[0] == 21583e4                       # section A
    assert e[c17["codes"].index("12")] == (605 + 384 + 61 + 422) * 1e4  # C14..C17
    assert e.sum() == pytest.approx(77639e4)     # all but section T (international orgs)
    assert "employment" not in tables["china_2020_42"]["sat_labels"]  # no data after 2018
    z = tables["zhejiang_2017_42"]
    assert "ESTIMATE" in z["meta"]["source"]
    per = np.divide(e, va(c17, "compensation"), out=np.zeros(42), where=va(c17, "compensation") > 0)
    assert np.allclose(z["S"][0], va(z, "compensation") * per, rtol=1e-12, atol=1e-6)


def test_importer_reproduces_shipped_files(tmp_path):
    out = tmp_path / "tables"
    run_importer("all", "--raw", RAW, "--out", out, "-q")
    folders = IO_TABLES + ["pymrio_test_mrio"]
    assert sorted(p.name for p in out.iterdir()) == sorted(folders)
    for name in folders:
        shipped = sorted(p.name for p in (TABLES / name).iterdir())
        rebuilt = sorted(p.name for p in (out / name).iterdir())
        assert shipped == rebuilt, name
        for f in shipped:
            assert filecmp.cmp(TABLES / name / f, out / name / f, shallow=False), f"{name}/{f}"
    # the pymrio test MRIO is copied verbatim from the raw copy
    for f in (RAW / "pymrio_test_mrio").iterdir():
        assert filecmp.cmp(f, TABLES / "pymrio_test_mrio" / f.name, shallow=False)


# ----------------------------------------------------------------------------- mock tables

MOCK_CHNIO = """\
Code,Name,01,02,03,TIU,FU101,FU102,THC,FU103,TC,FU201,FU202,GCF,EX,OF,TFU,IM,IF,ERR,GO
01,甲,100,200,0,300,50,150,200,0,200,100,0,100,80,20,400,60,40,0,600
02,乙,300,400,0,700,0,100,100,100,200,0,-50,-50,150,0,300,0,200,10,810
03,丙,10,0,0,10,0,0,0,0,0,0,0,0,30,0,30,25,0,0,15
TII,中间投入合计,410,600,0,,,,,,,,,,,,,,,,
VA001,劳动者报酬,110,100,15,,,,,,,,,,,,,,,,
VA002,生产税净额,20,-10,0,,,,,,,,,,,,,,,,
VA003,固定资产折旧,30,60,0,,,,,,,,,,,,,,,,
VA004,营业盈余,30,60,0,,,,,,,,,,,,,,,,
TVA,增加值合计,190,210,15,,,,,,,,,,,,,,,,
TI,,600,810,15,,,,,,,,,,,,,,,,
"""


def test_mock_chnio_table_converts_to_expected_numbers(tmp_path):
    raw = tmp_path / "mock.csv"
    raw.write_text(MOCK_CHNIO, encoding="utf-8")
    out = tmp_path / "mock"
    run_importer("chnio-provincial", raw, out, "--name", "mock", "--region", "Nowhere",
                 "--year", "2017", "-q")
    t = load(out)
    assert t["meta"]["name"] == "mock" and t["meta"]["year"] == 2017
    assert t["codes"] == ["01", "02", "03"] and t["names_zh"] == ["甲", "乙", "丙"]
    assert t["fd_labels"] == ["household", "government", "gfcf", "inventory", "exports",
                              "outflows", "discrepancy"]
    assert t["va_labels"] == ["compensation", "net_production_taxes", "depreciation",
                              "operating_surplus"]
    # Row shares removed: s = (IM + IF) / (intermediate + household + government + GFCF +
    # inventory) = 100/600, 200/850; row 03 imports more than it uses (re-exports): s = 1 and
    # the excess 25 - 10 = 15 comes out of exports (30 -> 15).
    k1, k2 = 5 / 6, 13 / 17
    Z = np.array([[100 * k1, 200 * k1, 0], [300 * k2, 400 * k2, 0], [0, 0, 0]]) / 1e4
    F = np.array([[200 * k1, 0, 100 * k1, 0, 80, 20, 0],
                  [100 * k2, 100 * k2, 0, -50 * k2, 150, 0, 10],
                  [0, 0, 0, 0, 15, 0, 0]]) / 1e4
    M = np.array([[100 / 6 * 0.6 + 10, 200 / 6 * 0.6, 0],
                  [100 / 6 * 0.4 + 300 * 4 / 17, 200 / 6 * 0.4 + 400 * 4 / 17, 0]]) / 1e4
    V = np.array([[110, 100, 15], [20, -10, 0], [30, 60, 0], [30, 60, 0]]) / 1e4
    assert np.allclose(t["Z"], Z, rtol=1e-13, atol=1e-16)
    assert np.allclose(t["F"], F, rtol=1e-13, atol=1e-16)
    assert t["imp_labels"] == ["imports_foreign", "inflows_domestic"]
    assert np.allclose(t["M"], M, rtol=1e-13, atol=1e-16)
    assert np.array_equal(t["V"], V)
    assert np.allclose(output(t), np.array([600, 810, 15]) / 1e4, rtol=1e-13)
    assert np.allclose(inputs(t), output(t), rtol=1e-13)
    # default bridge: local GFCF (100 * 5/6) over total GFCF including imports (100)
    assert np.allclose(t["B"], np.array([[k1] * 3, [0] * 3, [0] * 3]), rtol=1e-13)
    assert t["names"] == t["names_zh"]  # no English names given


MOCK_NONCOMPETITIVE = """\
"","Code","Description","DescriptionInChinese","Origin","01","02","TIU","TC","FU201","FU202","EX","TFU","GO"
"1","01","Goods, all kinds","货物","Domestic",10,20,30,40,20,-5,15,70,100
"2","02","Services","服务","Domestic",5,15,20,25,10,0,5,40,60
"3","01","Goods, all kinds","货物","Imports",3,4,7,2,6,0,1,9,16
"4","02","Services","服务","Imports",2,1,3,1,2,0,0,3,6
"5","TII","Total intermediate input","中间投入合计","TOT",20,40,60,,,,,,
"6","VA001","Compensation of employees","劳动者报酬","TOT",50,10,60,,,,,,
"7","VA002","Net taxes on production","生产税净额","TOT",10,2,12,,,,,,
"8","VA003","Depreciation of fixed assets","固定资产折旧","TOT",10,3,13,,,,,,
"9","VA004","Operating surplus","营业盈余","TOT",10,5,15,,,,,,
"10","TVA","Total value-added","增加值合计","TOT",80,20,100,,,,,,
"11","TI","Total inputs","总投入","TOT",100,60,160,,,,,,
"""


def test_mock_noncompetitive_table_converts_to_expected_numbers(tmp_path):
    raw = tmp_path / "nc.csv"
    raw.write_text(MOCK_NONCOMPETITIVE, encoding="utf-8")
    out = tmp_path / "nc"
    run_importer("ionet-noncompetitive", raw, out, "--name", "nc", "--region", "Nowhere",
                 "--year", "2018", "-q")
    t = load(out)
    assert t["names"] == ["Goods, all kinds", "Services"]  # quoted field with a comma
    assert t["meta"]["household_consumption"] == "consumption"
    assert t["fd_labels"] == ["consumption", "gfcf", "inventory", "exports"]
    assert np.array_equal(t["Z"], np.array([[10, 20], [5, 15]]) / 1e4)
    assert np.array_equal(t["F"], np.array([[40, 20, -5, 15], [25, 10, 0, 5]]) / 1e4)
    assert t["imp_labels"] == ["imports"]
    assert np.array_equal(t["M"], np.array([[5, 5]]) / 1e4)
    assert np.allclose(output(t), [0.01, 0.006]) and np.allclose(inputs(t), output(t))
    # bridge: domestic GFCF (20, 10) over domestic + imported GFCF (30 + 8)
    assert np.allclose(t["B"], np.array([[20 / 38] * 2, [10 / 38] * 2]), rtol=1e-13)


def test_importer_rejects_a_broken_identity(tmp_path):
    raw = tmp_path / "bad.csv"
    raw.write_text(MOCK_CHNIO.replace(",60,40,0,600", ",60,40,0,601"), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("GO = TIU + TFU - IM - IF + ERR")):
        run_importer("chnio-provincial", raw, tmp_path / "bad", "--name", "bad", "--region", "x",
                     "--year", "1", "-q")
    assert not (tmp_path / "bad").exists()
