"""`icsim io` as a user meets it: help, exit codes, clear errors, and no output file on failure."""
import shutil

import h5py
import numpy as np
import pytest

from icsim_testing import TABLES, run


def test_help_explains_every_option_with_examples():
    out = run("io", "--help").stdout
    for option in ["--type2", "--investment", "--concordance", "--regionalise", "--delta",
                   "--regional-sizes", "--extract", "--extraction", "--csv", "--out", "--leontief",
                   "--write-table", "--threads"]:
        assert option in out, option
    assert "Examples:" in out and "icsim io scenarios/data/tables/zhejiang_2017_42" in out
    assert "(=0.3)" in out and "0.2999" not in out


def test_help_examples_name_files_that_exist():
    """Every path an example names (except the outputs it writes) is in the repository."""
    import re
    from icsim_testing import SOURCE_DIR
    out = run("io", "--help").stdout
    examples = out[out.index("Examples:"):]
    paths = re.findall(r"(scenarios/[^\s,]+)", examples)
    assert len(paths) >= 4
    for p in paths:
        p = p.split("=", 1)[-1]
        assert (SOURCE_DIR / p).exists(), p


def test_prints_readable_table_with_chinese_names():
    out = run("io", TABLES / "zhejiang_2017_42", "--type2").stdout
    assert "化学产品" in out and "output II" in out
    line = next(l for l in out.splitlines() if l.startswith("12 "))
    assert "1.704" in line and "key" in line
    assert "absent" in next(l for l in out.splitlines() if l.startswith("03 "))


def test_result_file_has_io_group(tmp_path):
    out = tmp_path / "io.h5"
    run("io", TABLES / "zhejiang_2017_42", "--quiet", "--type2", "--investment", "--out", out)
    with h5py.File(out, "r") as f:
        assert f.attrs["units_money"] == "CNY 100 million"
        g = f["io"]
        for v in ["output_multiplier", "value_added_multiplier", "employment_multiplier",
                  "investment_multiplier", "output_multiplier_type2", "backward_linkage", "forward_linkage"]:
            assert v in g, v
        assert np.isclose(g["output_multiplier"][11], 1.7038, atol=1e-4)


@pytest.mark.parametrize("broken,fragments", [
    (lambda d: (d / "Z.csv").unlink(), ["Z.csv", "cannot open the file"]),
    (lambda d: (d / "Z.csv").write_text((d / "Z.csv").read_text().replace("\n12,", "\n12,x", 1)),
     ["Z.csv:13", "expected a number"]),
    (lambda d: (d / "value_added.csv").write_text(
        (d / "value_added.csv").read_text().replace("compensation,", "compensation,1", 1)),
     ["not balanced", "'01'"]),
])
def test_bad_table_fails_cleanly_without_output(tmp_path, broken, fragments):
    table = tmp_path / "t"
    shutil.copytree(TABLES / "zhejiang_2017_42", table)
    broken(table)
    out, csv = tmp_path / "r.h5", tmp_path / "r.csv"
    proc = run("io", table, "--out", out, "--csv", csv, check=False)
    assert proc.returncode == 2, proc.stderr
    for f in fragments:
        assert f in proc.stderr, proc.stderr
    assert not out.exists() and not csv.exists()
    assert not list(tmp_path.glob("r.h5*")), "no temporary file may be left behind"


def test_bad_options_are_explained(tmp_path):
    proc = run("io", TABLES / "zhejiang_2017_42", "--extraction", "sideways", check=False)
    assert proc.returncode == 2 and "expected complete, backward or forward" in proc.stderr
    proc = run("io", TABLES / "zhejiang_2017_42", "--regionalise", "flq", check=False)
    assert proc.returncode == 2 and "--regional-sizes" in proc.stderr
    proc = run("io", TABLES / "zhejiang_2017_42", "--out", tmp_path / "nowhere" / "x.h5", check=False)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = run("io", TABLES / "zhejiang_2017_42", "--extract", "99", check=False)
    assert proc.returncode == 2 and "'99'" in proc.stderr
    proc = run("frobnicate", check=False)
    assert proc.returncode == 2 and "unknown command" in proc.stderr


def test_extraction_reports_output_loss():
    out = run("io", TABLES / "zhejiang_2017_42", "--quiet", "--extract", "12").stdout
    assert out == ""  # --quiet prints nothing at all
    out = run("io", TABLES / "zhejiang_2017_42", "--extract", "12,11").stdout
    assert "Hypothetical extraction (complete) of 12,11" in out and "loss" in out


def test_regionalise_flq_end_to_end(tmp_path):
    """A region with a tenth of Zhejiang's output in every sector: SLQ = 1, so FLQ scales every
    coefficient by lambda = log2(1.1)^0.3 and the regional multipliers fall accordingly."""
    import pandas as pd
    from icsim_testing import read_table
    folder = TABLES / "zhejiang_2017_42"
    codes, Z, F, *_ = read_table(folder)
    x = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    sizes = tmp_path / "sizes.csv"
    pd.DataFrame({"code": codes, "output": x / 10}).to_csv(sizes, index=False)
    out_table, csv = tmp_path / "regional", tmp_path / "m.csv"
    run("io", folder, "--quiet", "--regionalise", "flq", "--delta", "0.3", "--regional-sizes", sizes,
        "--region", "Tenth", "--write-table", out_table, "--csv", csv)
    lam = np.log2(1 + 0.1) ** 0.3
    A = Z * np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
    L = np.linalg.inv(np.eye(len(x)) - lam * A)
    got = pd.read_csv(csv, dtype={"code": str})
    np.testing.assert_allclose(got["output_multiplier"], L.sum(axis=0), rtol=1e-9)
    # The written regional table loads again and gives the same multipliers.
    csv2 = tmp_path / "m2.csv"
    run("io", out_table, "--quiet", "--csv", csv2)
    np.testing.assert_allclose(pd.read_csv(csv2)["output_multiplier"], got["output_multiplier"], rtol=1e-9)
