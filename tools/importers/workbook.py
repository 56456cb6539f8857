#!/usr/bin/python3
"""Spreadsheet workbooks (.xlsx) <-> icsim table folders (docs/table-format.md).

A table workbook has one sheet per file of the table folder, with the same layout as the CSV
file (first row the header, sector codes as text):

    table         the keys of table.toml: key in column A, value in column B (header key,value)
    sectors       code, name[, name_zh][, region]
    Z             code, <one column per sector code>
    final_demand  code, <one column per final-demand component>
    value_added   component, <one column per sector code>
    imports       (optional) component, <sector codes>
    satellites    (optional) indicator, unit, <sector codes>
    gfcf_bridge   (optional) code, <sector codes>

    workbook.py to-folder WORKBOOK.xlsx DIR    the table folder icsim reads (used by `icsim io
                                               WORKBOOK.xlsx`); each sheet row becomes the same
                                               line of its file, so the loader's FILE:LINE
                                               messages translate to sheet and row
    workbook.py template WORKBOOK.xlsx         the small example table of docs/table-format.md
                                               as a workbook, to fill in
    workbook.py from-folder DIR WORKBOOK.xlsx  a table folder as a workbook

Numbers are taken as the spreadsheet stores them (full double precision, whatever the cell's
display format); formulas by their last computed value. Problems exit with status 2 and one
line on stderr naming the workbook, sheet and cell. Reads with openpyxl (Debian's
python3-openpyxl).
"""
from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tableio import toml_string  # noqa: E402

SHEETS = ["table", "sectors", "Z", "final_demand", "value_added", "imports", "satellites",
          "gfcf_bridge"]
REQUIRED = ["table", "sectors", "Z", "final_demand", "value_added"]
TEXT_SHEETS = {"table", "sectors"}
TOML_INTEGERS = {"year"}


class WorkbookError(Exception):
    pass


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise WorkbookError("reading .xlsx workbooks needs Python's openpyxl (Debian: apt-get "
                            "install python3-openpyxl; tools/install-deps.sh installs it)")
    return openpyxl


def _number_text(v) -> str:
    """Shortest text that reads back as the same double (as the shipped tables are written)."""
    if isinstance(v, bool):
        raise TypeError
    if isinstance(v, int):
        return str(v)
    x = float(v)
    if not math.isfinite(x):
        raise ValueError
    if x == 0:
        return "0"
    return repr(x)


def _cell_name(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a code typed as a number: 12.0 -> 12
    return str(v)


def _rows(ws):
    """The sheet's rows as lists of values, trailing empty cells dropped."""
    out = []
    for row in ws.iter_rows(values_only=True):
        row = list(row)
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(row)
    return out


def to_folder(workbook: Path, folder: Path) -> None:
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    except Exception as e:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise WorkbookError(f"{workbook}: not a readable .xlsx workbook ({e}); save it from "
                            f"the spreadsheet as 'Excel Workbook (.xlsx)'")
    names = wb.sheetnames
    unknown = [s for s in names if s not in SHEETS]
    missing = [s for s in REQUIRED if s not in names]
    if missing:
        raise WorkbookError(
            f"{workbook}: no sheet named {', '.join(repr(m) for m in missing)}; a table "
            f"workbook has the sheets {', '.join(SHEETS[:5])} and optionally "
            f"{', '.join(SHEETS[5:])} (found: {', '.join(names)})")
    if unknown:
        raise WorkbookError(f"{workbook}: unknown sheet(s) {', '.join(repr(u) for u in unknown)}; "
                            f"expected only {', '.join(SHEETS)}")
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        if sheet not in names:
            continue
        rows = _rows(wb[sheet])
        if sheet == "table":
            _write_toml(workbook, rows, folder / "table.toml")
        else:
            _write_csv(workbook, sheet, rows, folder / f"{sheet}.csv")


def _write_toml(workbook, rows, path):
    lines = []
    for r, row in enumerate(rows, start=1):
        if r == 1 or not row or row[0] is None:
            lines.append("")  # the header row, and blank rows: keep the row numbers
            continue
        key = _text(row[0]).strip()
        value = row[1] if len(row) > 1 else None
        if value is None:
            raise WorkbookError(f"{workbook}: sheet 'table', cell B{r}: no value for key '{key}'")
        if key in TOML_INTEGERS and isinstance(value, (int, float)) and float(value).is_integer():
            lines.append(f"{key} = {int(value)}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            lines.append(f"{key} = {_number_text(value)}")
        else:
            lines.append(f"{key} = {toml_string(_text(value))}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_csv(workbook, sheet, rows, path):
    leading = 2 if sheet == "satellites" else 1
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r, row in enumerate(rows, start=1):
        if not row:
            buf.write("\n")  # blank row: a blank line keeps the row numbers
            continue
        out = []
        for c, v in enumerate(row, start=1):
            if r == 1 or sheet in TEXT_SHEETS or c <= leading or isinstance(v, str) or v is None:
                text = _text(v)
                if "\n" in text or "\r" in text:
                    raise WorkbookError(f"{workbook}: sheet '{sheet}', cell {_cell_name(c, r)}: "
                                        f"a line break inside the cell; write it on one line")
                out.append(text)  # text in a number cell: the loader reports it, located
            else:
                try:
                    out.append(_number_text(v))
                except (TypeError, ValueError):
                    raise WorkbookError(f"{workbook}: sheet '{sheet}', cell {_cell_name(c, r)}: "
                                        f"expected a number, found {v!r}")
        w.writerow(out)
    path.write_text(buf.getvalue(), encoding="utf-8")


def from_folder(folder: Path, workbook: Path) -> None:
    """A table folder as a workbook (numbers as numbers, codes as text)."""
    import tomllib
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "table"
    ws.append(["key", "value"])
    with open(folder / "table.toml", "rb") as f:
        for key, value in tomllib.load(f).items():
            ws.append([key, value])
    for sheet in SHEETS[1:]:
        path = folder / f"{sheet}.csv"
        if not path.exists():
            continue
        ws = wb.create_sheet(sheet)
        leading = 2 if sheet == "satellites" else 1
        with open(path, encoding="utf-8-sig", newline="") as f:
            for r, row in enumerate(csv.reader(f)):
                if r == 0 or sheet == "sectors":
                    ws.append(row)
                else:
                    ws.append(row[:leading] + [float(v) for v in row[leading:]])
        for row in ws.iter_rows():  # codes stay text: '01' must not become 1
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    wb.save(workbook)


def main(argv):
    if len(argv) != 3 or argv[0] not in ("to-folder", "template", "from-folder"):
        if len(argv) != 2 or argv[0] != "template":
            print(__doc__, file=sys.stderr)
            return 2
    try:
        if argv[0] == "to-folder":
            to_folder(Path(argv[1]), Path(argv[2]))
        elif argv[0] == "from-folder":
            from_folder(Path(argv[1]), Path(argv[2]))
        else:
            here = Path(__file__).resolve().parent
            from_folder(here.parent.parent / "docs" / "examples" / "toy_table", Path(argv[1]))
    except WorkbookError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
