"""Tables as users bring them: an .xlsx workbook (written here with openpyxl), GBK-encoded and
semicolon-separated CSV exports (written here as Excel would) — read correctly, or refused with
the file, the place and what to do."""
import shutil

import numpy as np
import pandas as pd
import pytest

from icsim_testing import SOURCE_DIR, TABLES, run

openpyxl = pytest.importorskip("openpyxl")

TOY = SOURCE_DIR / "docs" / "examples" / "toy_table"
WORKBOOK_PY = SOURCE_DIR / "tools" / "importers" / "workbook.py"


def write_workbook(path, folder, edit=None):
    """The table folder as a workbook built cell by cell with openpyxl (not with icsim's
    converter): numbers as numbers, codes as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "table"
    ws.append(["key", "value"])
    import tomllib
    for key, value in tomllib.loads((folder / "table.toml").read_text()).items():
        ws.append([key, value])
    for sheet in ["sectors", "Z", "final_demand", "value_added", "imports", "satellites",
                  "gfcf_bridge"]:
        if not (folder / f"{sheet}.csv").exists():
            continue
        frame = pd.read_csv(folder / f"{sheet}.csv", dtype=str, keep_default_na=False)
        ws = wb.create_sheet(sheet)
        ws.append(list(frame.columns))
        lead = 2 if sheet == "satellites" else 1
        for row in frame.itertuples(index=False):
            row = list(row)
            ws.append(row if sheet == "sectors" else row[:lead] + [float(v) for v in row[lead:]])
    if edit:
        edit(wb)
    wb.save(path)


def multipliers(table, tmp_path, name):
    out = tmp_path / f"{name}.csv"
    run("io", table, "--quiet", "--type2", "--csv", out)
    return pd.read_csv(out, dtype={"code": str}).set_index("code")


def test_workbook_gives_the_same_multipliers_as_the_folder(tmp_path):
    book = tmp_path / "zhejiang.xlsx"
    write_workbook(book, TABLES / "zhejiang_2017_42")
    a = multipliers(TABLES / "zhejiang_2017_42", tmp_path, "folder")
    b = multipliers(book, tmp_path, "book")
    assert list(a.index) == list(b.index)
    num = a.select_dtypes("number").columns
    assert np.allclose(a[num].to_numpy(float), b[num].to_numpy(float), rtol=1e-12, equal_nan=True)
    assert list(b["name_zh"])[11] == "化学产品"


def test_workbook_to_table_folder_and_template(tmp_path):
    book = tmp_path / "toy.xlsx"
    write_workbook(book, TOY)
    run("io", book, "--quiet", "--write-table", tmp_path / "t")
    assert (tmp_path / "t" / "Z.csv").read_text() == "code,agri,manu\nagri,10,30\nmanu,20,40\n"
    # The committed template is the toy table and loads as it is.
    run("io", SOURCE_DIR / "docs" / "examples" / "table_template.xlsx", "--quiet")


def set_cell(sheet, cell, value):
    def edit(wb):
        wb[sheet][cell] = value
    return edit


@pytest.mark.parametrize("edit,fragments", [
    (set_cell("Z", "C3", "abc"), ["toy.xlsx, sheet 'Z', row 3", "column 'manu'", "'abc'"]),
    (set_cell("Z", "C3", -5.0), ["toy.xlsx, sheet 'Z', row 3", "negative"]),
    (set_cell("sectors", "A3", "agri"), ["toy.xlsx, sheet 'sectors', row 3", "duplicate"]),
    (lambda wb: wb.remove(wb["Z"]), ["toy.xlsx", "no sheet named 'Z'"]),
    (lambda wb: wb.create_sheet("notes"), ["toy.xlsx", "unknown sheet", "'notes'"]),
])
def test_workbook_problems_name_sheet_and_row(tmp_path, edit, fragments):
    book = tmp_path / "toy.xlsx"
    write_workbook(book, TOY, edit)
    proc = run("io", book, "--quiet", "--csv", tmp_path / "m.csv", check=False)
    assert proc.returncode == 2, proc.stderr
    for f in fragments:
        assert f in proc.stderr, (f, proc.stderr)
    assert "icsim-workbook" not in proc.stderr  # no temporary path leaks into messages
    assert not (tmp_path / "m.csv").exists()


def test_not_a_workbook(tmp_path):
    fake = tmp_path / "t.xlsx"
    fake.write_text("code,a\n")
    proc = run("io", fake, "--quiet", check=False)
    assert proc.returncode == 2 and "not a readable .xlsx workbook" in proc.stderr


def gbk_table(tmp_path):
    """The Zhejiang table with sectors.csv saved as Chinese Excel's plain 'CSV' does (GBK)."""
    table = tmp_path / "t"
    shutil.copytree(TABLES / "zhejiang_2017_42", table)
    text = (table / "sectors.csv").read_text(encoding="utf-8-sig")
    (table / "sectors.csv").write_bytes(text.encode("gbk"))
    return table


def test_gbk_csv_is_refused_with_line_and_advice(tmp_path):
    proc = run("io", gbk_table(tmp_path), "--quiet", "-o", tmp_path / "r.h5", check=False)
    assert proc.returncode == 2, proc.stderr
    for f in ["sectors.csv:2: column", "GB18030/GBK", "农林牧渔产品和服务", "CSV UTF-8"]:
        assert f in proc.stderr, (f, proc.stderr)
    assert not (tmp_path / "r.h5").exists()


def test_gbk_demand_file_is_refused(tmp_path):
    d = tmp_path / "d.csv"
    d.write_bytes("code,需求\n12,1\n".encode("gbk"))
    proc = run("impact", TABLES / "zhejiang_2017_42", "--demand", d, check=False)
    assert proc.returncode == 2 and "d.csv:1: column" in proc.stderr and "需求" in proc.stderr


def test_semicolon_and_decimal_comma_exports_are_explained(tmp_path):
    table = tmp_path / "t"
    shutil.copytree(TOY, table)
    # Semicolons between fields and decimal commas, as a German or French Excel writes.
    (table / "Z.csv").write_text("code;agri;manu\nagri;10,0;30\nmanu;20;40,0\n")
    proc = run("io", table, "--quiet", check=False)
    assert proc.returncode == 2 and "Z.csv:1" in proc.stderr and "separated by ';'" in proc.stderr
    # Decimal commas in a comma-separated file split a number into two fields.
    (table / "Z.csv").write_text("code,agri,manu\nagri,10,5,30\nmanu,20,40\n")
    proc = run("io", table, "--quiet", check=False)
    assert proc.returncode == 2 and "Z.csv:2" in proc.stderr and "decimal comma" in proc.stderr


def test_gbk_that_is_valid_utf8_by_chance_is_refused(tmp_path):
    """'农业' in GBK is also valid UTF-8 ('ũҵ'): read silently, it would reach the result file
    garbled. It is refused at load, with how the text reads in GB18030."""
    d = tmp_path / "d.csv"
    d.write_bytes("code,demand,note\n12,1,农业\n".encode("gbk"))
    proc = run("impact", TABLES / "zhejiang_2017_42", "--demand", d, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "d.csv:2: column 6" in proc.stderr and "农业" in proc.stderr, proc.stderr
