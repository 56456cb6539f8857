"""`icsim report CONTROL.h5 ALTERNATIVE.h5`: the comparison sections (scenarios and their
differing keys, ΔP with its paired interval, overlaid fan charts and paired differences), a
sweep's default point (the plan's) and its heat maps. Numbers on the page are checked against
the files read with h5py and numpy."""
import html
import re
import subprocess

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, icsim_bin
from test_report import check_page, page_dom, write_sweep

SCENARIOS = SOURCE_DIR / "scenarios" / "ningbo"


def run(scenario, out, *extra):
    done = subprocess.run([icsim_bin(), "run", SCENARIOS / scenario, "-n", "20", "--set",
                           "firms.enabled=false", "-o", out, "--quiet", *extra],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    base, alt = folder / "baseline.h5", folder / "weak.h5"
    run("baseline.toml", base)
    run("weak_external_demand.toml", alt)
    out = folder / "compare report"
    done = report(base, alt, "-o", out)  # report(result, out, *extra) with two results
    assert done.returncode == 0, done.stderr
    return base, alt, out, done


def report(*args):
    done = subprocess.run([icsim_bin(), "report", *map(str, args)], capture_output=True,
                          text=True, timeout=300)
    return done


def test_sections_and_overrides(compared):
    base, alt, out, done = compared
    text, srcs = check_page(out, done.stderr)
    for section in ("scenarios", "delta-p", "differences", "summary", "targets"):
        assert f"<section id={section}>" in text
    assert "Baseline with exports flat (0 % ± 3 %)" in text  # the alternative's description
    rows = re.findall(r"<tr><td><code>([^<]+)</code></td><td>([^<]*)</td><td>([^<]*)</td></tr>",
                      text)
    assert ("growth.final_demand.exports.mean", "0.04", "0.0") in rows
    assert ("growth.final_demand.outflows.mean", "0.05", "0.025") in rows
    assert not any(key.startswith("scenario.") for key, _, _ in rows)
    # 4 region aggregates overlaid, each with its paired difference
    assert len([s for s in srcs if "compare-region-" in s]) >= 4
    assert "Not paired" not in text


def test_delta_p_against_the_files(compared):
    base, alt, out, done = compared
    text = (out / "index.html").read_text(encoding="utf-8")
    with h5py.File(base) as fa, h5py.File(alt) as fb:
        ids = [x.decode() for x in fa["targets/target"][()]]
        ra, rb = fa["targets/reached"][0], fb["targets/reached"][0]
    table = text.split("<table class=deltap>", 1)[1].split("</table>", 1)[0]
    for k, tid in enumerate(ids):
        row = re.search(rf"<tr><td>{re.escape(tid)}</td><td>.*?</tr>", table).group(0)
        cells = re.findall(r"<td class=num>(.*?)</td>", row)
        assert cells[0] == f"{ra[:, k].mean():.2f}" and cells[1] == f"{rb[:, k].mean():.2f}"
        d = rb[:, k].mean() - ra[:, k].mean()
        assert cells[2].startswith(f"<b>{d:+.2f}</b> [")
        lo, hi = map(float, re.findall(r"\[([-+0-9.]+), ([-+0-9.]+)\]", cells[2])[0])
        assert lo <= d + 0.005 and d - 0.005 <= hi
        only_a = int(((ra[:, k] == 1) & (rb[:, k] == 0)).sum())
        only_b = int(((ra[:, k] == 0) & (rb[:, k] == 1)).sum())
        assert cells[3] == f"{only_a} / {only_b}"


def test_difference_table_against_the_files(compared):
    base, alt, out, _ = compared
    text = (out / "index.html").read_text(encoding="utf-8")
    with h5py.File(base) as fa, h5py.File(alt) as fb:
        diff = fb["region/gdp"][0] - fa["region/gdp"][0]
        years = fa["region/year"][()]
    section = text.split("GDP (地区生产总值): ", 1)[1].split("</table>", 1)[0]
    last = int(years[-1])
    median = np.median(diff[:, -1])
    row = re.search(rf"<tr><td class=num>{last}</td><td class=num><b>([^<]+)</b>", section)
    assert row and float(row.group(1).replace(",", "")) == pytest.approx(median, rel=5e-3)


def test_unpaired_alternative_is_said(tmp_path, compared):
    base = compared[0]
    other = tmp_path / "other-seed.h5"
    run("weak_external_demand.toml", other, "--seed", "7")
    out = tmp_path / "out"
    done = report(base, other, "-o", out)
    assert done.returncode == 0, done.stderr
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "Not paired with the control: different seeds" in text
    assert "unpaired" in text


def test_chromium_loads_the_comparison(compared):
    dom = page_dom(compared[2])
    images = len(re.findall(r"<img ", dom))
    loaded = re.search(r'data-charts-loaded="(\d+)"', dom)
    assert images > 20 and loaded and int(loaded.group(1)) == images
    for section in ("scenarios", "delta-p", "differences"):
        assert f'id="{section}"' in dom


# ---- sweeps: the plan's point by default, heat maps for two-parameter grids -------------------

PLAN = """[scenario]
name = "sweep-test"

[[programme]]
name = "shuangbai"
investment = 1140

[land]
quota = 20000
"""


def test_sweep_defaults_to_the_plans_point_and_draws_heat_maps(tmp_path):
    path = tmp_path / "sweep.h5"
    write_sweep(path, 2)
    with h5py.File(path, "a") as f:
        f["scenario"] = PLAN
    out = tmp_path / "out"
    done = report(path, "-o", out)
    assert done.returncode == 0, done.stderr
    text, srcs = check_page(out, done.stderr)
    text = html.unescape(text)
    assert ("Sweep point 3 of 4 (programme.shuangbai.investment=1140, land.quota=20000) — point "
            "3, the scenario's own values") in text
    heat = [s for s in srcs if "sweep-heat-maps" in s]
    assert len(heat) == 1 and not [s for s in srcs if "-sweep-N246" in s or "-sweep-G1" in s]
    # without the text's values: point 0, and the page says why
    write_sweep(path, 2)
    done = report(path, "-o", tmp_path / "out2")
    assert done.returncode == 0, done.stderr
    text = html.unescape((tmp_path / "out2" / "index.html").read_text(encoding="utf-8"))
    assert "Sweep point 0 of 4" in text and "no point is the plan's" in text
