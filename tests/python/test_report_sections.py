"""The report's sections on every target at once (P with intervals, P reached by year), the
region, districts, firms and land (a run with the firm model), the backtest, and the reported
history on the fan charts: numbers on the page against the file read with h5py and numpy, the
matching of reported figures to series, and each section rendered in headless Chromium."""
import html
import re
import subprocess
import sys
import types

import h5py
import numpy as np
import pandas as pd
import pytest

from icsim_testing import SOURCE_DIR, icsim_bin
from test_report import CHROMIUM, check_page, check_sections_loaded, page_dom, report

SCENARIOS = SOURCE_DIR / "scenarios" / "ningbo"
OBSERVED = SOURCE_DIR / "scenarios" / "data" / "ningbo" / "observed.csv"
sys.path.insert(0, str(SOURCE_DIR / "tools" / "python"))


def make(tmp_path_factory, scenario, n):
    folder = tmp_path_factory.mktemp(scenario.split(".")[0])
    result = folder / "run.h5"
    done = subprocess.run([icsim_bin(), "run", SCENARIOS / scenario, "-n", str(n), "-o", result,
                           "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = folder / "report"
    page = report(result, out)
    assert page.returncode == 0, page.stderr
    return result, out, page


@pytest.fixture(scope="module")
def firms(tmp_path_factory):
    return make(tmp_path_factory, "baseline.toml", 8)


@pytest.fixture(scope="module")
def backtest(tmp_path_factory):
    return make(tmp_path_factory, "backtest_2017.toml", 10)


def cells_of(text, section):
    body = text.split(f"<section id={section}>", 1)[1].split("</section>", 1)[0]
    return body


def test_firm_model_sections(firms):
    result, out, done = firms
    text, srcs = check_page(out, done.stderr)
    for section in ("probabilities", "by-year", "region", "districts", "firms", "land"):
        assert f"<section id={section}>" in text, section
    assert "observed.csv" in text  # the history's source is named
    with h5py.File(result) as f:
        gdp = f["region/gdp"][0, :, -1]
        tax = f["region/tax_per_mu_above_scale"][0, :, -1]
        units = f["region/tax_per_mu_above_scale"].attrs["units"]
        names = [x.decode() if isinstance(x, bytes) else x
                 for x in f["districts/district_name"][()]]
    region = cells_of(text, "region")
    assert f"<b>{np.median(gdp):,.0f}</b>" in region
    factor = 1e4 if units == "CNY 100 million per mu" else 1.0
    firms_html = cells_of(text, "firms")
    assert "万元/亩" in firms_html
    median = np.median(tax) * factor
    shown = re.search(r"规上 亩均税收.*?<b>([0-9.,]+)</b>", html.unescape(firms_html), re.S)
    assert shown and float(shown.group(1).replace(",", "")) == pytest.approx(median, rel=5e-3)
    districts = cells_of(text, "districts")
    for name in names:
        assert name in districts


def test_reached_by_year_against_the_file(firms):
    result, out, _ = firms
    text = (out / "index.html").read_text(encoding="utf-8")
    table = cells_of(text, "by-year")
    with h5py.File(result) as f:
        ids = [x.decode() for x in f["targets/target"][()]]
        first = f["targets/first_year_reached"][0]
        years = [int(y) for y in f["region/year"][()]]
    shown = 0
    for k, tid in enumerate(ids):
        col = first[:, k]
        row = re.search(rf"<tr><td>{re.escape(tid)}</td>.*?</tr>", table)
        if not np.isfinite(col).any():
            assert row is None
            continue
        shown += 1
        values = [float(v) for v in re.findall(r"(?:<b>)?([01]\.\d\d)(?:</b>)?</td>",
                                               row.group(0))]
        want = [np.mean(np.isfinite(col) & (col <= y)) for y in years]
        np.testing.assert_allclose(values, np.round(want, 2), atol=1e-9)
    assert shown > 0


def test_every_section_renders_in_chromium(firms):
    dom = page_dom(firms[1], 8000)
    check_sections_loaded(dom, ["summary", "probabilities", "by-year", "targets", "region",
                                "districts", "firms", "land", "clusters"])


def test_backtest_section(backtest):
    result, out, done = backtest
    text, _ = check_page(out, done.stderr)
    body = cells_of(text, "backtest")
    with h5py.File(result) as f:
        actual = f["backtest/actual"][()]
        p05, p95 = f["backtest/p05"][()], f["backtest/p95"][()]
        error = f["backtest/error_percent"][()]
    inside = int(np.sum((p05 <= actual) & (actual <= p95)))
    assert f"{inside} of {len(actual)} reported values fall inside" in body
    for e in error:
        assert f"{e:+.1f} %" in body
    if CHROMIUM is not None:
        check_sections_loaded(page_dom(out, 8000), ["backtest", "region", "targets"])


def test_reported_figures_match_their_series():
    """Rows of observed.csv are drawn on the series whose name and unit they carry: the region's
    own figures (not a park's), one district's by its code, 万元/亩 for tax per mu, and nothing
    for growth rates or part-year sums."""
    import icsim_report_sections as sections

    obs = pd.read_csv(OBSERVED)
    rep = types.SimpleNamespace(observed=obs, region_name="Ningbo")
    # a district's figures of a cluster are not the city-wide cluster's (as icsim score)
    petro = sections.history(rep, "clusters/output", ["246/green_petrochemicals"],
                             "CNY 100 million")
    zhenhai = obs[(obs.metric == "clusters/output:246/green_petrochemicals")
                  & (obs.scope == "Zhenhai")]
    assert len(zhenhai) >= 1  # the bundled data has such a figure ...
    assert petro is None or "Zhenhai" not in set(petro["scope"].astype(str))  # ... not drawn
    gdp = sections.history(rep, "region/gdp", None, "CNY 100 million")
    assert len(gdp) == int(((obs.metric == "region/gdp") & (obs.unit == "CNY 100 million")).sum())
    assert len(gdp) >= 5
    va = sections.history(rep, "districts/value_added_above_scale", ["zhenhai"],
                          "CNY 100 million")
    assert set(va["metric"]) == {"districts/value_added_above_scale:zhenhai"} and len(va) == 2
    tax = sections.history(rep, "region/tax_per_mu_above_scale", None, "CNY 10 thousand per mu")
    assert len(tax) == 1 and 1 < float(tax["value"].iloc[0]) < 1000
    assert sections.history(rep, "region/gdp", None, "percent") is None
    assert sections.history(rep, "region/industrial_value_added_above_scale_growth", None,
                            "CNY 100 million") is None
    assert sections.history(rep, "districts/firms_above_scale", ["a", "b"], "firms") is None
