"""The shipped calibration of the firm dynamics (scenarios/ningbo/calibrate_firm_dynamics.toml):
its parameters are for the 2021 baseline, so a moment dated after 2021 is refused with the file
and line of its table, and nothing is written; the shipped fragment extends the rules it was
fitted for, firm_dynamics.toml (the README states the command that reproduces it)."""
import re

from icsim_testing import SOURCE_DIR, run

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
SHIPPED = NINGBO / "calibrate_firm_dynamics.toml"


def absolute(text):
    """The shipped file with its relative paths made absolute, to be written elsewhere."""
    for key in ("extends", "observed", "parameters_for"):
        text = re.sub(rf'(?m)^{key} = "([^"]+)"',
                      lambda m: f'{m.group(0).split("=")[0]}= "{(NINGBO / m.group(1)).resolve()}"',
                      text)
    return text


def test_a_moment_after_2021_is_refused_with_its_place(tmp_path):
    text = absolute(SHIPPED.read_text(encoding="utf-8"))
    bad = text.replace("year = 2018\nvalue = 249", "year = 2022\nvalue = 249", 1)
    assert bad != text
    toml = tmp_path / "bad.toml"
    toml.write_text(bad, encoding="utf-8")
    out = tmp_path / "out.toml"
    proc = run("calibrate", toml, "--fragment", out, "-q", check=False)
    assert proc.returncode == 2, proc.stderr
    assert "dated 2022, after 2021, the base year of" in proc.stderr, proc.stderr
    lines = bad.splitlines()
    moment = max(i + 1 for i, l in enumerate(lines)
                 if l == "[[calibration.moment]]" and i < lines.index("year = 2022"))
    assert f"{toml}:{moment}" in proc.stderr, proc.stderr
    assert not out.exists()


def test_the_shipped_fragment_extends_the_rules_it_was_fitted_for():
    fragment = (NINGBO / "calibrated_firm_dynamics.toml").read_text(encoding="utf-8")
    rules = (NINGBO / "firm_dynamics.toml").read_text(encoding="utf-8")
    calibration = SHIPPED.read_text(encoding="utf-8")
    assert 'extends = "firm_dynamics.toml"' in fragment
    assert 'parameters_for = "firm_dynamics.toml"' in calibration
    assert 'extends = "baseline.toml"' in rules
    settings = re.findall(r"(?m)^(mujun|firms\.drift)\.(\w+) = (\S+)$", fragment)
    assert len(settings) == 5
    # the structural switches the calibration ran with are those of firm_dynamics.toml
    for key in ("scope", "d_below_line", "rectify_class_d", "campaign_year"):
        a = re.search(rf"(?m)^{key} = (.+)$", rules)
        b = re.search(rf"(?m)^{key} = (.+)$", calibration)
        assert a and b and a.group(1) == b.group(1), key
