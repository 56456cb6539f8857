"""Schema checks of scenarios/data/ningbo/observed.csv (the published record of Ningbo).

Run with Debian's Python: /usr/bin/python3 -m pytest tests/python/test_observed_data.py
Needs only pandas; reads the files relative to this test, so no icsim binary is involved.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
NINGBO = ROOT / "scenarios" / "data" / "ningbo"
OBSERVED = NINGBO / "observed.csv"
SOURCES_DOC = NINGBO / "SOURCES-observed.md"
CONCORDANCES = ROOT / "scenarios" / "data" / "concordances"

COLUMNS = ["id", "metric", "scope", "year", "value", "unit", "definition", "source", "quote",
           "status"]
STATUSES = {"verified", "unverified", "derived"}
UNITS = {
    "CNY 100 million",             # 亿元, current prices
    "CNY 10 thousand per mu",      # 万元/亩
    "CNY 10 thousand per person",  # 万元/人
    "10 thousand tce",             # 万吨标准煤
    "10 thousand tonnes per year", # 万吨/年
    "percent",
    "firms", "projects", "plots", "parks", "clusters",
    "mu",
}
YEAR_MIN, YEAR_MAX = 2010, 2026
METRIC_RE = re.compile(r"^[a-z_]+/[a-z0-9_]+(:[A-Za-z0-9_\-/]+)?$")
ID_RE = re.compile(r"^[a-z0-9_]+$")
PUBLISHED_RE = re.compile(r"published (\d{4})")


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    return pd.read_csv(OBSERVED, dtype=str, keep_default_na=False)


def test_columns(obs):
    assert list(obs.columns) == COLUMNS


def test_ids_unique_slugs(obs):
    assert obs["id"].is_unique, obs["id"][obs["id"].duplicated()].tolist()
    bad = [i for i in obs["id"] if not ID_RE.match(i)]
    assert not bad, bad


def test_key_unique(obs):
    key = obs[["metric", "scope", "year"]]
    dup = key[key.duplicated(keep=False)]
    assert dup.empty, dup.to_string()


def test_metric_format(obs):
    bad = [m for m in obs["metric"] if not METRIC_RE.match(m)]
    assert not bad, bad


def test_years(obs):
    years = obs["year"].map(int)
    assert years.between(YEAR_MIN, YEAR_MAX).all(), obs.loc[~years.between(YEAR_MIN, YEAR_MAX), "id"]


def test_values_numeric(obs):
    for i, v in zip(obs["id"], obs["value"]):
        x = float(v)  # raises on non-numbers
        assert math.isfinite(x), i


def test_units(obs):
    bad = sorted(set(obs["unit"]) - UNITS)
    assert not bad, bad


def test_status(obs):
    bad = sorted(set(obs["status"]) - STATUSES)
    assert not bad, bad


def test_source_and_quote(obs):
    for _, r in obs.iterrows():
        assert r["source"].strip(), r["id"]
        assert r["definition"].strip(), r["id"]
        if r["status"] == "derived":
            # the arithmetic is in the definition
            assert r["definition"].startswith("DERIVED:"), r["id"]
            assert re.search(r"\d\s*[/x*+\-]\s*\d", r["definition"]), r["id"]
        else:
            assert r["quote"].strip(), r["id"]


def test_verified_rows_name_an_address(obs):
    for _, r in obs[obs["status"] == "verified"].iterrows():
        assert "http" in r["source"] or "URL not returned" in r["source"], r["id"]


def test_not_dated_after_publication(obs):
    """A figure for year Y cannot come from a document published before Y."""
    for _, r in obs.iterrows():
        m = PUBLISHED_RE.search(r["source"])
        assert m, f"{r['id']}: source has no 'published YYYY'"
        assert int(r["year"]) <= int(m.group(1)), r["id"]


def test_district_codes(obs):
    codes = set(pd.read_csv(NINGBO / "districts.csv", dtype=str)["code"])
    for _, r in obs[obs["metric"].str.startswith("districts/")].iterrows():
        key = r["metric"].split(":", 1)[1]
        assert key in codes or key.split("_")[0] in codes, r["id"]


def test_cluster_codes(obs):
    systems = {p.stem: set(pd.read_csv(p, dtype=str, comment="#")["cluster"])
               for p in CONCORDANCES.glob("2021/*.csv")}
    for _, r in obs[obs["metric"].str.startswith("clusters/")].iterrows():
        if ":" not in r["metric"]:
            continue
        key = r["metric"].split(":", 1)[1]
        system, _, cluster = key.partition("/")
        assert system in systems, r["id"]
        if cluster:
            assert cluster in systems[system], r["id"]


def test_families_documented(obs):
    text = SOURCES_DOC.read_text(encoding="utf-8")
    families = sorted({m.split("/", 1)[0] for m in obs["metric"]})
    missing = [f for f in families if f"`{f}/`" not in text]
    assert not missing, missing
