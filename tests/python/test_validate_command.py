"""`icsim validate` as a user meets it: exit codes, the one-line summary, every problem listed."""
from pathlib import Path

from icsim_testing import SOURCE_DIR, run

DATA = SOURCE_DIR / "tests" / "data" / "scenario"


def test_help_documents_options_with_an_example():
    out = run("validate", "--help").stdout
    for option in ["--set", "--schema-only", "Examples:", "icsim validate"]:
        assert option in out, option


def test_valid_files_print_a_summary_and_exit_0():
    proc = run("validate", DATA / "full.toml", DATA / "child.toml")
    lines = proc.stdout.splitlines()
    assert lines[0] == (f"{DATA / 'full.toml'}: ok (scenario 'three-full', 3 targets, "
                        "1 programmes, base 2021, horizon 2025)")
    assert "scenario 'child', 2 targets, 3 programmes" in lines[1]


def test_overrides_are_applied_and_checked():
    proc = run("validate", DATA / "full.toml", "--set", "scenario.name=other")
    assert "scenario 'other'" in proc.stdout
    proc = run("validate", DATA / "full.toml", "--set", "scenario.replicatons=5", check=False)
    assert proc.returncode == 2
    assert "--set: key 'scenario.replicatons': unknown key; did you mean 'replications'?" in proc.stderr
    proc = run("validate", DATA / "full.toml", "--set", "no-equals-sign", check=False)
    assert proc.returncode == 2 and "expected KEY=VALUE" in proc.stderr


def test_every_problem_is_listed_and_exit_is_2(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[scenario]\nname = \"x\"\nbase_year = 2021\nhorizon = 2030\nreplicatons = 5\n"
        f"[table]\npath = \"{DATA / 'tables' / 'three'}\"\n"
        "[region]\nindustrial_sectors = [\"12\"]\n"
        "[[programme]]\nname = \"p\"\ninvestment = 5\nsplit = { \"12\" = 0.5 }\nstart_year = 2040\n")
    proc = run("validate", DATA / "full.toml", bad, check=False)
    assert proc.returncode == 2
    assert "full.toml: ok" in proc.stdout
    err = proc.stderr
    assert f"{bad}:5:1: key 'scenario.replicatons': unknown key; did you mean 'replications'?" in err
    assert f"{bad}:13:9: key 'programme[0].split': shares must sum to 1" in err
    assert "key 'programme[0].start_year'" in err and "got 2040" in err
    assert f"{bad}: 3 problems" in err


def test_data_errors_are_reported(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text((DATA / "full.toml").read_text()
                   .replace('"tables/three"', f'"{DATA / "tables" / "three"}"')
                   .replace('"concordances/246.csv"', f'"{DATA / "concordances" / "246.csv"}"')
                   .replace('sectors = ["12"]', 'sectors = ["13"]', 1))
    proc = run("validate", bad, check=False)
    assert proc.returncode == 2, proc.stdout
    assert "unknown sector code '13'; did you mean '12'?" in proc.stderr
    assert run("validate", bad, "--schema-only").returncode == 0


def test_missing_file_exits_2(tmp_path: Path):
    proc = run("validate", tmp_path / "none.toml", check=False)
    assert proc.returncode == 2 and "cannot open" in proc.stderr
