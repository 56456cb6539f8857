"""`icsim report RESULT.h5 -o DIR` (engine/cli/report_command.cpp, tools/python/icsim_report.py).

A real run of the Ningbo baseline (20 replications, without the firm model: fast) and two
synthetic files written here with h5py in the layouts of docs/results.md and docs/seek.md (a
sweep of 4 points over 2 parameters; a seek file with no group but /seek). Checks the page and
its charts, that Chinese renders (no "Glyph ... missing from current font" warning from
matplotlib, the target texts in the HTML), that headless Chromium loads every chart and draws a
non-blank page, and the errors (missing file, not an icsim result, no Python).
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from icsim_testing import baseline_without_firms, SOURCE_DIR, icsim_bin, run

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists()
                                        else None)
# a target of scenarios/ningbo/baseline.toml (kind growth)
T17_TEXT = "力争年度工业投资增长30%"


def report(result, out, *extra, env=None):
    started = time.monotonic()
    done = subprocess.run([icsim_bin(), "report", str(result), "-o", str(out), *map(str, extra)],
                          capture_output=True, text=True, env=env, timeout=300)
    done.seconds = time.monotonic() - started
    return done


def check_page(out: Path, stderr: str):
    """The page's charts exist and are PNGs, nothing is fetched from the network, no glyph was
    missing from the font; returns the HTML."""
    assert "missing from current font" not in stderr, stderr
    page = out / "index.html"
    assert page.is_file()
    assert not (out / "index.html.tmp").exists()
    text = page.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in text
    assert '"Noto Sans CJK SC"' in text
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', text)
    assert srcs, "no charts"
    assert len(srcs) == text.count("<img ")
    for src in srcs:
        assert "/" not in src and ":" not in src, src  # relative, next to index.html
        assert (out / src).read_bytes()[:8] == PNG_MAGIC, src
    for pattern in (r'src="(https?:)?//', r'href="(https?:)?//', r"url\(", r"@import", r"<link "):
        assert not re.search(pattern, text), pattern
    return text, srcs


def chromium(*args, timeout=60):
    profile = tempfile.mkdtemp(prefix="icsim-chromium-")
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def page_dom(out, budget_ms=5000):
    """index.html in `out` as headless Chromium renders it (its DOM after the charts load);
    skips the test when Chromium is not installed."""
    if CHROMIUM is None:
        pytest.skip("chromium not installed (tools/install-deps.sh)")
    return chromium("--dump-dom", f"--virtual-time-budget={budget_ms}",
                    (out / "index.html").resolve().as_uri()).stdout


# ---------------------------------------------------------------------------------------------
# A real run


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    result = folder / "baseline.h5"
    baseline_without_firms(result, 20)
    out = folder / "baseline report"  # a space: no shell between icsim and Python
    done = report(result, out)
    print(f"icsim report of a 20-replication run: {done.seconds:.1f} s")
    assert done.returncode == 0, done.stderr
    return result, out, done


def test_run_report_page(baseline):
    result, out, done = baseline
    text, srcs = check_page(out, done.stderr)
    with h5py.File(result) as f:
        name = f.attrs["scenario_name"]
        seed = int(f.attrs["seed"])
        ids = [x.decode() for x in f["targets/target"][()]]
        not_evaluated = len(f["targets/not_evaluated"])
        systems = list(dict.fromkeys(x.decode() for x in f["clusters/system"][()]))
    assert f"<h1>{name}</h1>" in text
    assert str(seed) in text and "2021–2030" in text
    assert T17_TEXT in text
    # one chart per evaluated target, one per cluster system, every target's P, the region
    assert len(srcs) == len(ids) + len(systems) + 2
    for tid in ids:
        assert f"<td>{tid}</td>" in text
    assert f"Targets not evaluated ({not_evaluated})" in text
    assert "id=sweep" not in text and "id=seek" not in text
    # the growth target shows the distribution of its percentage, not a level series
    assert "would not be comparable with a percentage threshold" in text
    # every level target of the baseline gets the fan chart of its series
    with h5py.File(result) as f:
        levels = sum(k == b"level" for k in f["targets/kind"][()])
    assert levels > 0 and text.count("Chart: projected ") == levels
    assert re.search(r"P = 0\.\d\d \[0\.\d\d, [01]\.\d\d\]", text)
    # every evaluated target carries what `icsim explain` says of it, flags included
    assert text.count("Why this verdict (icsim explain)") == len(ids)
    explained = run("explain", result).stdout
    for code in set(re.findall(r"FLAG (\w+):", explained)):
        assert f"<b>Flag {code}</b>" in text


def test_chromium_renders_the_page(baseline):
    if CHROMIUM is None:
        pytest.skip("chromium not installed (tools/install-deps.sh)")
    _, out, _ = baseline
    url = (out / "index.html").resolve().as_uri()
    shot = out.parent / "screenshot.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert shot.exists(), done.stderr
    import matplotlib.image as mpimg

    pixels = mpimg.imread(str(shot))
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    flat = pixels.reshape(-1, pixels.shape[-1])
    assert len(np.unique(flat[::97], axis=0)) > 10, "blank screenshot"
    dom = chromium("--dump-dom", "--virtual-time-budget=5000", url).stdout
    images = len(re.findall(r"<img ", dom))
    loaded = re.search(r'data-charts-loaded="(\d+)"', dom)
    assert images > 0
    assert loaded, "the page's load script did not run"
    assert int(loaded.group(1)) == images
    check_sections_loaded(dom, ["summary", "probabilities", "by-year", "targets", "region",
                                "clusters"])


def check_sections_loaded(dom, expected):
    """Every section of `expected` is in the rendered page, each of its charts loaded (the
    page's script counts them per section), and those with charts have at least one."""
    found = {}
    for m in re.finditer(r'<section id="([a-z-]+)"([^>]*)>', dom):
        attrs = dict(re.findall(r'data-([a-z-]+)="(\d+)"', m.group(2)))
        found[m.group(1)] = (int(attrs.get("charts", -1)), int(attrs.get("charts-loaded", -2)))
    for section in expected:
        assert section in found, f"section {section} missing: {sorted(found)}"
        charts, loaded = found[section]
        assert charts == loaded, f"{section}: {loaded} of {charts} charts loaded"
        if section not in ("summary", "by-year", "not-evaluated"):
            assert charts > 0, f"{section}: no chart"


# ---------------------------------------------------------------------------------------------
# Synthetic sweep and seek files


def dim(group, name, values):
    data = np.asarray(values)
    if data.dtype.kind in "UO":
        ds = group.create_dataset(name, data=[str(v) for v in values],
                                  dtype=h5py.string_dtype())
    else:
        ds = group.create_dataset(name, data=data)
    ds.make_scale(name)
    ds.attrs["units"] = ""
    ds.attrs["long_name"] = name
    return ds


def var(group, name, dims, data, units="1"):
    data = np.asarray(data)
    if data.dtype.kind in "UO":
        ds = group.create_dataset(name, data=[str(v) for v in data.reshape(-1)],
                                  dtype=h5py.string_dtype())
    else:
        ds = group.create_dataset(name, data=data)
    for i, d in enumerate(dims):
        ds.dims[i].attach_scale(group[d])
    ds.attrs["units"] = units
    ds.attrs["long_name"] = name
    return ds


def provenance(f, name, replications):
    f.attrs.update({"icsim_version": "0.1.0", "git_commit": "test", "scenario_name": name,
                    "created_utc": "2026-11-22T12:00:00Z", "seed": 7,
                    "replications": replications, "base_year": 2021, "horizon": 2025,
                    "units_money": "CNY 100 million", "firm_model": 0})


def write_sweep(path, parameters=2):
    """A 2 x 2 grid over two parameters, or 4 values of one parameter."""
    rng = np.random.default_rng(1)
    P, R, years = 4, 10, list(range(2021, 2026))
    params = ["programme.shuangbai.investment", "land.quota"][:parameters]
    values = np.array([[570, 14000], [1140, 14000], [570, 20000], [1140, 20000]], float)
    if parameters == 1:
        values = np.array([[570.0], [760.0], [950.0], [1140.0]])
    with h5py.File(path, "w") as f:
        provenance(f, "sweep-test", R)
        sw = f.create_group("sweep")
        dim(sw, "point", np.arange(P, dtype=np.int64))
        dim(sw, "parameter", params)
        var(sw, "parameter_value", ["point", "parameter"], values)
        var(sw, "point_label", ["point"], np.array(
            [", ".join(f"{k}={v:g}" for k, v in zip(params, row)) for row in values],
            dtype=object), "")
        sw.attrs["method"] = "grid"
        c = f.create_group("clusters")
        dim(c, "point", np.arange(P, dtype=np.int64))
        dim(c, "replication", np.arange(R, dtype=np.int64))
        dim(c, "year", np.array(years, dtype=np.int64))
        dim(c, "cluster", ["246/green_petrochemicals", "246/automobile"])
        var(c, "system", ["cluster"], np.array(["246", "246"], dtype=object), "")
        var(c, "cluster_name", ["cluster"], np.array(["绿色石化", "汽车"], dtype=object), "")
        growth = 1 + 0.05 * rng.random((P, R, len(years), 2))
        # output grows with the point (more investment): the first target moves over the
        # sweep, the growth target G1 does not (a ratio of one point's years)
        scale = (1 + 0.15 * np.arange(P))[:, None, None, None]
        out = np.cumprod(growth, axis=2) * np.array([4000.0, 3000.0]) * scale
        var(c, "output", ["point", "replication", "year", "cluster"], out, "CNY 100 million")
        t = f.create_group("targets")
        dim(t, "point", np.arange(P, dtype=np.int64))
        dim(t, "replication", np.arange(R, dtype=np.int64))
        dim(t, "target", ["N246-green_petrochemicals", "G1"])
        for name, vals in [("text", ["绿色石化 ≥ 5000 亿元", "产值增长 10%"]),
                           ("source", ["test", "test"]),
                           ("metric", ["clusters/output[246/green_petrochemicals]",
                                       "clusters/output[246/automobile]"]),
                           ("operator", [">=", ">="]), ("kind", ["level", "growth"]),
                           ("unit", ["CNY 100 million", "percent"])]:
            var(t, name, ["target"], np.array(vals, dtype=object), "")
        var(t, "threshold", ["target"], [5000.0, 10.0])
        var(t, "year", ["target"], [2025.0, 2025.0])
        var(t, "base_year", ["target"], [2021.0, 2024.0])
        value = np.stack([out[:, :, -1, 0], (out[:, :, -1, 1] / out[:, :, -2, 1] - 1) * 100],
                         axis=-1)
        reached = (value >= np.array([5000.0, 10.0])).astype(np.int8)
        var(t, "reached", ["point", "replication", "target"], reached)
        var(t, "value", ["point", "replication", "target"], value)
        p = reached.mean(axis=1)
        var(t, "probability", ["point", "target"], p)
        var(t, "probability_low", ["point", "target"], np.clip(p - 0.2, 0, 1))
        var(t, "probability_high", ["point", "target"], np.clip(p + 0.2, 0, 1))
        var(t, "first_year_reached_median", ["point", "target"], np.full((P, 2), np.nan))
        var(t, "value_median", ["point", "target"], np.median(value, axis=1))
        dim(t, "not_evaluated", ["T99"])
        for name, vals in [("not_evaluated_text", ["亩均税收 3 万元"]),
                           ("not_evaluated_source", ["test"]),
                           ("not_evaluated_reason", ["needs the firm model"])]:
            var(t, name, ["not_evaluated"], np.array(vals, dtype=object), "")


def write_seek(path):
    lever = [570.0, 3000.0, 1785.0, 1177.5, 1481.25]
    p = np.array([[0.1, 0.3], [0.95, 0.9], [0.85, 0.6], [0.5, 0.45], [0.82, 0.55]])
    with h5py.File(path, "w") as f:
        provenance(f, "seek-test", 50)
        s = f.create_group("seek")
        dim(s, "step", np.arange(len(lever), dtype=np.int64))
        dim(s, "target", ["T17", "N361-2025-output-2030"])
        var(s, "lever_value", ["step"], lever)
        var(s, "probability", ["step", "target"], p)
        var(s, "probability_low", ["step", "target"], np.clip(p - 0.1, 0, 1))
        var(s, "probability_high", ["step", "target"], np.clip(p + 0.1, 0, 1))
        var(s, "answer", ["target"], [1481.25, np.nan])
        var(s, "bracket_low", ["target"], [1177.5, np.nan])
        var(s, "bracket_high", ["target"], [1481.25, np.nan])
        var(s, "status", ["target"], np.array(["found", "not reached in range"], dtype=object), "")
        var(s, "target_text", ["target"],
            np.array([T17_TEXT, "规上工业产值 3.3万亿 by 2030"], dtype=object), "")
        s.attrs.update({"lever": "programme.shuangbai.investment", "probability_goal": 0.8,
                        "direction": "smallest", "answer_all": np.nan, "tolerance": 24.3})


@pytest.mark.parametrize("parameters", [1, 2])
def test_sweep_report(tmp_path, parameters):
    path = tmp_path / "sweep.h5"
    write_sweep(path, parameters)
    out = tmp_path / "sweep-report"
    done = report(path, out, "--point", 2)
    assert done.returncode == 0, done.stderr
    text, srcs = check_page(out, done.stderr)
    assert "id=sweep" in text and "Sweep: 4 points" in text
    label = ("programme.shuangbai.investment=570, land.quota=20000" if parameters == 2
             else "programme.shuangbai.investment=950")
    assert f"Sweep point 2 of 4 ({label})" in text
    # 2 target charts + every target's P + 1 cluster system + the sweep chart of the one
    # target whose P moves (one parameter: P against it; a 2 x 2 grid: heat maps); G1 is
    # listed as flat
    assert len(srcs) == 2 + 1 + 1 + 1
    assert ("sweep-heat-maps" in srcs[-1]) == (parameters == 2)
    assert "P moves by at most 0.02 over the 4 points for 1 target (no chart)" in text
    assert "绿色石化" in text and "亩均税收 3 万元" in text
    bad = report(path, tmp_path / "bad", "--point", 4)
    assert bad.returncode == 2 and "--point 4 is out of range" in bad.stderr


def test_seek_report(tmp_path):
    path = tmp_path / "seek.h5"
    write_seek(path)
    out = tmp_path / "seek-report"
    done = report(path, out)
    assert done.returncode == 0, done.stderr
    text, srcs = check_page(out, done.stderr)
    assert "id=seek" in text and "id=summary" not in text and "id=clusters" not in text
    assert T17_TEXT in text
    assert "<b>1,481.25</b>" in text and "not reached in range" in text
    assert "No value in the range meets all targets" in text
    assert len(srcs) == 1


# ---------------------------------------------------------------------------------------------
# Errors


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "no such.h5"
    done = report(missing, tmp_path / "out", env={**os.environ, "ICSIM_PYTHON": "/nonexistent"})
    assert done.returncode == 2  # checked before Python is looked for
    assert str(missing) in done.stderr
    assert not (tmp_path / "out").exists()


def test_not_an_icsim_result(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(3)
    done = report(path, tmp_path / "out")
    assert done.returncode == 2
    assert "not an icsim result file" in done.stderr and str(path) in done.stderr
    text = tmp_path / "text.h5"
    text.write_text("hello\n")
    done = report(text, tmp_path / "out2")
    assert done.returncode == 2 and "not an HDF5 file" in done.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_python_missing(tmp_path):
    path = tmp_path / "seek.h5"
    write_seek(path)
    done = report(path, tmp_path / "out", env={**os.environ, "ICSIM_PYTHON": "/nonexistent/py"})
    assert done.returncode == 2 and "ICSIM_PYTHON=/nonexistent/py" in done.stderr
    done = report(path, tmp_path / "out", env={**os.environ, "ICSIM_PYTHON_DIR": str(tmp_path)})
    assert done.returncode == 2 and "icsim_report.py: missing (ICSIM_PYTHON_DIR is set)" in done.stderr
    # a Python without the packages (no site-packages: python3 -S)
    bare = tmp_path / "bare python"
    bare.write_text('#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n')
    bare.chmod(0o755)
    done = report(path, tmp_path / "out", env={**os.environ, "ICSIM_PYTHON": str(bare)})
    assert done.returncode == 2
    assert "lacks numpy" in done.stderr and "tools/install-deps.sh" in done.stderr


def test_help():
    done = subprocess.run([icsim_bin(), "report", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "icsim report RESULT.h5 [ALTERNATIVE.h5 ...] -o DIR" in done.stdout
    assert "Examples:" in done.stdout
