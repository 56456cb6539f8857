"""Terminal tables (engine/cli/text_table.*): a table wider than COLUMNS wraps the text of its
text columns onto further lines by display width (Chinese characters take two columns) instead
of cutting it, every line fits, and output to a pipe without COLUMNS is never wrapped. Sources
are named by their document, and printed numbers carry units (a unit column, or the unit after
the number)."""
import re
import unicodedata

import pytest

from icsim_testing import SOURCE_DIR, run

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
FAST = ["-n", "4", "--threads", "2"]
T46 = "T46 实际利用外资1.8亿美元以上、市外内资200亿元以上"
ID = re.compile(r"^(T\d\d|N\d|Z|ZH)")


def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def table(stdout, heading):
    """The header and body lines of the table under the line starting with `heading`."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    dash = next(i for i in range(start, len(lines)) if lines[i].startswith("---"))
    end = next((i for i in range(dash, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1:dash], lines[dash + 1:end]


def first_column_rows(body):
    """The first column's text of each row, its wrapped pieces joined (a piece is a line's text
    up to the first gap of two spaces; wrapping drops the space it breaks at)."""
    rows = []
    for line in body:
        piece = re.split(r" {2,}", line)[0]
        if ID.match(piece) or not rows:
            rows.append([piece])
        else:
            rows[-1].append(piece)
    return rows


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return tmp_path_factory.mktemp("tables") / "run.h5"


@pytest.fixture(scope="module")
def outputs(result):
    narrow = run("run", NINGBO / "baseline.toml", *FAST, "-o", result, columns=100).stdout
    piped = run("run", NINGBO / "baseline.toml", *FAST, "-o", result).stdout
    return narrow, piped


def test_compare_fits_too(outputs, result):
    out = run("compare", result, result, "--districts", columns=100).stdout
    assert max(width(line) for line in out.splitlines()) <= 100
    # an interval is never broken: no line ends inside "[low, high]"
    assert not [line for line in out.splitlines() if re.search(r"\[[+-]?[\d.]+,?$", line)]
    assert re.search(r"\[[+-]\d\.\d\d, [+-]\d\.\d\d\]", out)  # ΔP intervals, whole


def test_tables_fit_the_columns_and_wrap_instead_of_cutting(outputs):
    narrow, _ = outputs
    for heading in ("Targets (", "Not evaluated ("):
        header, body = table(narrow, heading)
        assert all(width(line) <= 100 for line in header + body), heading
    _, body = table(narrow, "Targets (")
    rows = first_column_rows(body)
    t46 = [r for r in rows if r[0].startswith("T46 ")]
    assert len(t46) == 1 and len(t46[0]) > 1  # wrapped over several lines, not cut
    joined = "".join(t46[0]).replace(" ", "")
    assert T46.replace(" ", "") in joined and "[Zhenhai2024plan]" in joined
    assert "~" not in narrow


def test_pipes_get_whole_lines(outputs):
    _, piped = outputs
    _, body = table(piped, "Targets (")
    assert any(line.startswith(T46 + " [Zhenhai 2024 plan]") for line in body)
    assert all(ID.match(line) for line in body)  # one line a target: nothing wrapped
    assert max(width(line) for line in body) > 100


def test_sources_are_named_by_their_document(outputs):
    for stdout in outputs:
        assert "seed 0" not in stdout
        assert "[2022 city plan]" in stdout and "[3511 key sub-sectors]" in stdout
        assert "http" not in stdout and ".htm" not in stdout


def test_numbers_carry_their_units(outputs):
    _, piped = outputs
    header, body = table(piped, "Targets (")
    assert "unit" in header[0]
    t17 = next(line for line in body if line.startswith("T17 "))
    assert re.search(r"2022\s+%\s+>= 30\.0\s", t17), t17  # percent: one decimal
    t46 = next(line for line in body if line.startswith("T46 "))
    assert re.search(r"2024\s+亿元\s+>= 200\s+\d+ \[\d+, \d+\]", t46), t46  # 亿元: whole


def test_seek_prints_the_lever_with_its_unit():
    proc = run("seek", NINGBO / "baseline.toml", "--lever", "programme.shuangbai.investment",
               "--range", "570:3000", "--target", "T17", "--tolerance", "800", *FAST)
    out = proc.stdout
    assert "[570.0, 3000.0] 亿元" in out
    assert re.search(r"step 0: programme\.shuangbai\.investment = 570\.0 亿元", out)
    assert "programme.shuangbai.investment (亿元)" in out and "answer (亿元)" in out
    assert "T17 力争年度工业投资增长30%" in out  # the target's whole text
