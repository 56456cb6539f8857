"""The Python package tools/python (pyproject.toml): installs with pip from Debian's Python
packages into a venv, imports from outside the source tree, converts tax per mu to 万元/亩,
computes paired statistics checked against independent numpy computations, and the example
notebook executes from a fresh copy on small runs made here (jupyter nbconvert --execute)."""
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, icsim_bin

PACKAGE = SOURCE_DIR / "tools" / "python"
NOTEBOOK = PACKAGE / "examples" / "compare_runs.ipynb"
sys.path.insert(0, str(PACKAGE))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The control and the alternative of the notebook, 12 replications each (firm model on)."""
    folder = tmp_path_factory.mktemp("runs")
    out = {}
    for name in ("baseline", "weak_external_demand"):
        path = folder / f"{name}.h5"
        done = subprocess.run([icsim_bin(), "run", SOURCE_DIR / f"scenarios/ningbo/{name}.toml",
                               "-n", "12", "-o", path, "--quiet"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        out[name] = path
    return out


def test_pip_installs_the_package_into_a_venv(tmp_path):
    if subprocess.run([sys.executable, "-c", "import pip, venv"]).returncode != 0:
        pytest.skip("python3-pip / python3-venv missing (tools/install-deps.sh)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    source = tmp_path / "checkout"  # a copy: pip must not write into the source tree
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("__pycache__", "build",
                                                                    "*.egg-info"))
    done = subprocess.run([venv / "bin" / "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                           "--disable-pip-version-check", "--quiet", source],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    code = ("import icsim_results, icsim_paired, icsim_fonts, icsim_report, icsim_report_util\n"
            "import icsim_report_compare, icsim_report_sections\n"
            "print(icsim_results.__file__)")
    where = subprocess.run([venv / "bin" / "python", "-c", code], capture_output=True, text=True,
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": ""})
    assert where.returncode == 0, where.stderr
    assert str(venv) in where.stdout and str(SOURCE_DIR) not in where.stdout
    helped = subprocess.run([venv / "bin" / "icsim-report", "--help"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert helped.returncode == 0 and "control" in helped.stdout


def test_tax_per_mu_reads_in_wan_yuan_per_mu(runs):
    import icsim_results as ir

    path = runs["baseline"]
    run = ir.open_result(path)
    with h5py.File(path) as f:
        raw = f["districts/tax_per_mu_above_scale"][()]
        assert f["districts/tax_per_mu_above_scale"].attrs["units"] in (
            "CNY 100 million per mu", "CNY 10 thousand per mu")
        factor = 1e4 if f["districts/tax_per_mu_above_scale"].attrs["units"] == \
            "CNY 100 million per mu" else 1.0
        tax = f["districts/tax_above_scale"][()]
        land = f["districts/land_above_scale"][()]
    got = run.districts["tax_per_mu_above_scale"]
    assert got.attrs["units"] == "CNY 10 thousand per mu"
    assert ir.unit_label(got.attrs["units"]) == "万元/亩"
    np.testing.assert_allclose(got.values, raw * factor, rtol=1e-12)
    # the region-wide ratio over all districts: sums of tax over sums of land, in 万元/亩
    want = tax.sum(axis=-1) / land.sum(axis=-1) * 1e4
    np.testing.assert_allclose(ir.series(run, "districts/tax_per_mu_above_scale", select="*"),
                               want[0], rtol=1e-9)
    # a plausible size: tens of 万元 per mu, not 0.00x
    assert 1 < float(np.median(got.sel(year=2021))) < 1000


def newcombe_reference(n11, n10, n01, n00, z=1.959963984540054):
    """Newcombe (1998) method 10 for p2 - p1 of a paired 2x2 table, written out from the
    paper's formulas independently of icsim_paired."""
    n = n11 + n10 + n01 + n00
    p1, p2 = (n11 + n10) / n, (n11 + n01) / n

    def wilson(p):
        c = (2 * n * p + z * z) / (2 * (n + z * z))
        h = z * math.sqrt(z * z + 4 * n * p * (1 - p)) / (2 * (n + z * z))
        return c - h, c + h

    (l1, u1), (l2, u2) = wilson(p1), wilson(p2)
    a = n11 * n00 - n10 * n01
    prod = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    phi = 0.0 if prod == 0 else (a - n / 2 if a > n / 2 else (0 if a >= 0 else a)) / math.sqrt(prod)
    d = p2 - p1
    lo = d - math.sqrt((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2)
    hi = d + math.sqrt((u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2)
    return d, lo, hi


def indicators(n11, n10, n01, n00):
    a = np.array([1] * n11 + [1] * n10 + [0] * n01 + [0] * n00)
    b = np.array([1] * n11 + [0] * n10 + [1] * n01 + [0] * n00)
    return a, b


@pytest.mark.parametrize("table", [(1, 1, 7, 12), (36, 12, 2, 0), (150, 0, 0, 50),
                                   (0, 0, 0, 20), (90, 3, 17, 90)])
def test_paired_delta_p_matches_the_formula(table):
    import icsim_paired

    d, lo, hi, n10, n01 = icsim_paired.paired_delta_p(*indicators(*table))
    want = newcombe_reference(*table)
    assert (n10, n01) == (table[1], table[2])
    np.testing.assert_allclose([d, lo, hi], want, atol=1e-12)
    assert lo <= d <= hi


def test_paired_delta_p_hand_worked():
    """No discordant pair among 20 replications that all reach the target: ΔP = 0 and the
    interval is ± the distance from 1 to the Wilson lower bound of 20/20 (0.8389)."""
    import icsim_paired

    d, lo, hi, _, _ = icsim_paired.paired_delta_p(np.ones(20), np.ones(20))
    assert d == 0 and lo == pytest.approx(-(1 - 0.83887), abs=1e-4)
    assert hi == pytest.approx(1 - 0.83887, abs=1e-4)


def test_paired_delta_p_covers_the_truth():
    """Coverage of the 95 % interval over 2,000 simulated paired samples of 100 (correlated
    indicators, true ΔP = 0.08): between 93 % and 98.5 %."""
    import icsim_paired

    rng = np.random.default_rng(7)
    probs = np.array([0.55, 0.05, 0.13, 0.27])  # n11, n10, n01, n00: ΔP = 0.13 - 0.05
    hits = 0
    for _ in range(2000):
        cells = rng.multinomial(100, probs)
        _, lo, hi, _, _ = icsim_paired.paired_delta_p(*indicators(*cells))
        hits += lo <= 0.08 <= hi
    assert 0.93 <= hits / 2000 <= 0.985


def test_delta_probability_of_two_runs(runs):
    import icsim_paired
    import icsim_results as ir

    base, alt = ir.open_result(runs["baseline"]), ir.open_result(runs["weak_external_demand"])
    assert icsim_paired.pairing(base, alt) == (True, "")
    dp = icsim_paired.delta_probability(base, alt)
    with h5py.File(runs["baseline"]) as fa, h5py.File(runs["weak_external_demand"]) as fb:
        ids = [x.decode() for x in fa["targets/target"][()]]
        ra, rb = fa["targets/reached"][0], fb["targets/reached"][0]
        va, vb = fa["targets/value"][0], fb["targets/value"][0]
    assert list(dp.index) == ids
    for k, tid in enumerate(ids):
        row = dp.loc[tid]
        assert row["p_control"] == pytest.approx(ra[:, k].mean())
        assert row["delta_p"] == pytest.approx(rb[:, k].mean() - ra[:, k].mean())
        assert row["control_only"] == int(((ra[:, k] == 1) & (rb[:, k] == 0)).sum())
        diff = vb[:, k] - va[:, k]
        if np.isfinite(diff).any():
            assert row["value_difference_median"] == pytest.approx(np.nanmedian(diff))
    d = icsim_paired.paired_difference(base, alt, "region/gdp")
    with h5py.File(runs["baseline"]) as fa, h5py.File(runs["weak_external_demand"]) as fb:
        want = fb["region/gdp"][0] - fa["region/gdp"][0]
    np.testing.assert_allclose(d.values, want)
    bands = icsim_paired.difference_bands(d)
    np.testing.assert_allclose(bands["p50"].values, np.median(want, axis=0))


def test_the_committed_notebook_has_its_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] for c in code)
    assert all(o["output_type"] != "error" for c in code for o in c["outputs"])
    images = sum("image/png" in o.get("data", {}) for c in code for o in c["outputs"])
    assert images >= 2


def test_the_notebook_executes_from_a_fresh_copy(runs, tmp_path):
    if shutil.which("jupyter") is None:
        pytest.skip("jupyter-nbconvert not installed (tools/install-deps.sh)")
    copy = tmp_path / "elsewhere" / "compare_runs.ipynb"  # not beside tools/python
    copy.parent.mkdir()
    shutil.copy(NOTEBOOK, copy)
    env = {**os.environ, "ICSIM_BASELINE": str(runs["baseline"]),
           "ICSIM_VARIANT": str(runs["weak_external_demand"]), "PYTHONPATH": str(PACKAGE),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    done = subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--output", "executed.ipynb", str(copy)], capture_output=True,
                          text=True, env=env, cwd=copy.parent, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    nb = json.loads((copy.parent / "executed.ipynb").read_text(encoding="utf-8"))
    text = json.dumps(nb, ensure_ascii=False)
    assert "consistent" in text and "image/png" in text
    assert "missing from current font" not in text and "Traceback" not in text
