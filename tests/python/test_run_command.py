"""`icsim run` from the outside: the result file opens with xarray and holds numbers that can be
recomputed from the shipped table and concordances with numpy alone; thread count does not
change results; invalid scenarios write nothing; the Ningbo scenarios run; the example notebook
executes."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from icsim_testing import SOURCE_DIR, TABLES, read_table, run

NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
CONCORDANCES = SOURCE_DIR / "scenarios" / "data" / "concordances"
REPS = "40"


def open_group(path, group):
    return xr.open_dataset(path, engine="h5netcdf", group=group).load()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "baseline.h5"
    proc = run("run", NINGBO / "baseline.toml", "-o", out, "--replications", REPS, "--threads", "2")
    return out, proc.stdout


def test_summary_names_every_target(baseline):
    _, stdout = baseline
    assert "T17" in stdout and "N361-2025-output-2030" in stdout and "N246-automobile" in stdout
    assert "P(reached)" in stdout and "first year" in stdout
    # targets the model cannot judge are listed with what they need, never dropped
    assert "Not evaluated" in stdout and "not evaluated: what it needs" in stdout
    assert "needs a block size" in stdout
    # the firm model's targets are judged
    assert "T21" in stdout and "T42" in stdout and "T47" in stdout
    assert "T49" in stdout and "Z415X-revenue-2025" in stdout


def test_groups_open_with_xarray_and_follow_the_contract(baseline):
    path, _ = baseline
    root = xr.open_dataset(path, engine="h5netcdf")
    for attr in ["icsim_version", "git_commit", "scenario_name", "created_utc", "seed",
                 "replications", "threads", "processes", "units_money", "units_land"]:
        assert attr in root.attrs, attr
    assert root.attrs["scenario_name"] == "ningbo-baseline"
    assert int(root.attrs["replications"]) == int(REPS)
    assert "[scenario]" in root["scenario"].item()
    sectors = open_group(path, "sectors")
    assert sectors["output"].dims == ("point", "replication", "year", "sector")
    assert sectors["output"].attrs["units"] == "CNY 100 million"
    clusters = open_group(path, "clusters")
    assert clusters["output"].dims == ("point", "replication", "year", "cluster")
    assert "361-2023/green_petrochemicals" in clusters["cluster"].values
    assert clusters["system"].sel(cluster="246/automobile").item() == "246"
    region = open_group(path, "region")
    assert int(region["year"][0]) == 2021 and int(region["year"][-1]) == 2030
    targets = open_group(path, "targets")
    assert targets["reached"].dims == ("point", "replication", "target")
    assert targets["reached"].dtype == np.int8


def test_base_year_reproduces_the_table(baseline):
    path, _ = baseline
    codes, Z, F, V, M, S, C = read_table(TABLES / "ningbo_2021_42")
    x0 = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    out = open_group(path, "sectors")["output"].sel(year=2021).isel(point=0)
    np.testing.assert_allclose(out.values, np.broadcast_to(x0, out.shape), rtol=1e-9, atol=1e-9)
    gdp = open_group(path, "region")["gdp"].sel(year=2021).isel(point=0).values
    np.testing.assert_allclose(gdp, V.to_numpy(float).sum(), rtol=1e-9)
    np.testing.assert_allclose(gdp, 14594.9, rtol=1e-4)


def test_clusters_and_region_are_sums_of_sectors(baseline):
    path, _ = baseline
    sectors = open_group(path, "sectors")
    clusters = open_group(path, "clusters")
    region = open_group(path, "region")
    codes = list(sectors["sector"].values)
    w = pd.read_csv(CONCORDANCES / "2021" / "246.csv", dtype={"sector": str}, comment="#")
    W = np.zeros(len(codes))
    for _, row in w[w.cluster == "green_petrochemicals"].iterrows():
        W[codes.index(row.sector)] = row.weight
    expect = (sectors["output"].values * W).sum(axis=-1)
    got = clusters["output"].sel(cluster="246/green_petrochemicals").values
    np.testing.assert_allclose(got, expect, rtol=1e-12)
    np.testing.assert_allclose(region["gdp"].values, sectors["value_added"].sum("sector").values,
                               rtol=1e-12)
    industrial = [f"{i:02d}" for i in range(2, 27)]
    ind_out = sectors["output"].sel(sector=industrial).sum("sector").values
    np.testing.assert_allclose(region["industrial_output"].values, ind_out, rtol=1e-12)
    # With the firm model, 规上 output is the output of the firms that are above scale: the sum
    # over districts, within the firms' total (the sectors' industrial output).
    districts = open_group(path, "districts")
    np.testing.assert_allclose(region["industrial_output_above_scale"].values,
                               districts["output_above_scale"].sum("district").values, rtol=1e-9)
    np.testing.assert_allclose(districts["output"].sum("district").values, ind_out, rtol=1e-9)
    assert np.all(region["industrial_output_above_scale"].values < ind_out)
    ind_inv = sectors["investment"].sel(sector=industrial).sum("sector").values
    np.testing.assert_allclose(region["industrial_investment"].values, ind_inv, rtol=1e-12)
    # capacity is never exceeded where it is set
    cap = sectors["capacity"].values
    out = sectors["output"].values
    assert np.all(np.isnan(cap) | (out <= cap * (1 + 1e-9)))


def wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_target_statistics_recomputed(baseline):
    path, _ = baseline
    t = open_group(path, "targets")
    region = open_group(path, "region")
    reached = t["reached"].isel(point=0).values
    n = reached.shape[0]
    np.testing.assert_allclose(t["probability"].isel(point=0).values, reached.mean(axis=0))
    for i in range(reached.shape[1]):
        lo, hi = wilson(reached[:, i].sum(), n)
        assert np.isclose(t["probability_low"].isel(point=0).values[i], lo)
        assert np.isclose(t["probability_high"].isel(point=0).values[i], hi)
    # T17: industrial investment growth 2022 over 2021, in percent, >= 30
    inv = region["industrial_investment"].isel(point=0)
    growth = (inv.sel(year=2022) / inv.sel(year=2021) - 1).values * 100
    np.testing.assert_allclose(t["value"].sel(target="T17").isel(point=0).values, growth)
    np.testing.assert_array_equal(t["reached"].sel(target="T17").isel(point=0).values,
                                  (growth >= 30).astype(np.int8))
    # a level target: value is the series in its year; first year is the first year it holds
    out = region["industrial_output_above_scale"].isel(point=0)
    v = t["value"].sel(target="N361-2025-output-2030").isel(point=0).values
    np.testing.assert_allclose(v, out.sel(year=2030).values)
    first = t["first_year_reached"].sel(target="N361-2025-output-2030").isel(point=0).values
    years = out["year"].values
    for r in range(n):
        hit = years[(years > 2021) & (out.values[r] >= 33000)]
        assert (np.isnan(first[r]) and hit.size == 0) or first[r] == hit[0]
    ne = t["not_evaluated"].values
    assert "T24" in ne and "T49" in ne and "T21" not in ne
    reason = t["not_evaluated_reason"].sel(not_evaluated="T49").item()
    assert reason.startswith("needs a year")


def test_firm_model_off_is_the_input_output_projection(tmp_path):
    out = tmp_path / "io.h5"
    run("run", NINGBO / "baseline.toml", "-o", out, "-n", "8", "--set", "firms.enabled=false",
        "--set", "households.closure=exogenous")
    sectors = open_group(out, "sectors")
    region = open_group(out, "region")
    industrial = [f"{i:02d}" for i in range(2, 27)]
    ind_out = sectors["output"].sel(sector=industrial).sum("sector").values
    # without firms, 规上 output is the base-year share of industrial output
    np.testing.assert_allclose(region["industrial_output_above_scale"].values, ind_out * 0.838314,
                               rtol=1e-12)
    root = xr.open_dataset(out, engine="h5netcdf")
    assert int(root.attrs["firm_model"]) == 0
    with pytest.raises(OSError):
        open_group(out, "districts")


def test_district_statistics_add_up_and_conserve_firms(baseline):
    path, _ = baseline
    d = open_group(path, "districts")
    region = open_group(path, "region")
    assert d["firms"].dims == ("point", "replication", "year", "district")
    assert set(d["district"].values) >= {"zhenhai", "beilun", "haishu", "cixi"}
    for var in ["firms", "firms_above_scale", "firms_entered", "firms_exited", "land_in_use",
                "land_available", "output_above_scale", "tax_above_scale"]:
        np.testing.assert_allclose(d[var].sum("district").values, region[var].values, rtol=1e-9,
                                   err_msg=var)
    # industrial investment is located in the districts: all of it
    np.testing.assert_allclose(d["investment"].sum("district").values,
                               region["industrial_investment"].values, rtol=1e-9)
    # ratios are recomputed from their sums, not summed
    np.testing.assert_allclose(region["tax_per_mu_above_scale"].values,
                               region["tax_above_scale"].values / region["land_above_scale"].values,
                               rtol=1e-12)
    # entered - exited = change in the number of firms, every district and year
    firms = d["firms"].values
    np.testing.assert_array_equal(np.diff(firms, axis=2),
                                  (d["firms_entered"] - d["firms_exited"]).values[:, :, 1:, :])
    # sectors: every active firm counted once; their land is the land in use less what projects
    # still waiting for the rest of their land hold
    sectors = open_group(path, "sectors")
    np.testing.assert_allclose(sectors["firms"].sum("sector").values, region["firms"].values)
    assert np.all(sectors["land_in_use"].sum("sector").values <= region["land_in_use"].values + 1e-6)
    # the base year is the synthesised population: no flows, the calibrated 规上 count
    assert float(region["firms_entered"].sel(year=2021).max()) == 0
    assert abs(float(region["firms_above_scale"].sel(year=2021).mean()) - 8350) < 84


def test_thread_count_does_not_change_results(tmp_path):
    a, b = tmp_path / "t1.h5", tmp_path / "t2.h5"
    run("run", NINGBO / "baseline.toml", "-o", a, "-n", "24", "--threads", "1", "--quiet")
    run("run", NINGBO / "baseline.toml", "-o", b, "-n", "24", "--threads", "2", "--quiet")
    for group in ["sectors", "clusters", "region", "targets"]:
        ga, gb = open_group(a, group), open_group(b, group)
        for name in ga.data_vars:
            if ga[name].dtype.kind == "f":
                np.testing.assert_array_equal(ga[name].values, gb[name].values, err_msg=name)


def test_invalid_scenario_writes_nothing(tmp_path):
    out = tmp_path / "bad.h5"
    proc = run("run", NINGBO / "baseline.toml", "-o", out, "--set", "scenario.replications=-5",
               check=False)
    assert proc.returncode == 2
    assert "replications" in proc.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_set_override_is_recorded_and_acts(tmp_path):
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run("run", NINGBO / "baseline.toml", "-o", a, "-n", "16", "--quiet")
    run("run", NINGBO / "baseline.toml", "-o", b, "-n", "16", "--quiet",
        "--set", "programme.shuangbai.investment=1140")
    text = xr.open_dataset(b, engine="h5netcdf")["scenario"].item()
    assert "1140" in text
    ia = open_group(a, "region")["industrial_investment"].sel(year=2022)
    ib = open_group(b, "region")["industrial_investment"].sel(year=2022)
    assert (ib >= ia).all() and (ib > ia).any()


def test_variants_move_results_in_the_expected_direction(tmp_path):
    files = {}
    for name in ["baseline", "weak_external_demand", "programme_delayed", "programme_doubled"]:
        files[name] = tmp_path / f"{name}.h5"
        run("run", NINGBO / f"{name}.toml", "-o", files[name], "-n", "16", "--quiet")
    out = {k: open_group(v, "region")["industrial_output"].sel(year=2030).values
           for k, v in files.items()}
    inv = {k: open_group(v, "region")["industrial_investment"].sel(year=2022).values
           for k, v in files.items()}
    # same seed, common random numbers: the comparison holds replication by replication
    assert (out["weak_external_demand"] < out["baseline"]).all()
    assert (out["programme_doubled"] > out["baseline"]).all()
    assert (inv["programme_delayed"] < inv["baseline"]).all()


def test_backtest_compares_with_reported_figures(tmp_path):
    out = tmp_path / "bt.h5"
    proc = run("run", NINGBO / "backtest_2017.toml", "-o", out, "-n", "40")
    assert "Backtest" in proc.stdout and "T01" in proc.stdout
    bt = open_group(out, "backtest")
    region = open_group(out, "region")
    i = [k for k in range(bt.sizes["figure"])
         if bt["metric"].values[k] == "region/gdp" and int(bt["year"].values[k]) == 2021][0]
    gdp = region["gdp"].sel(year=2021).isel(point=0).values
    assert np.isclose(bt["median"].values[i], np.median(gdp))
    assert np.isclose(bt["error_percent"].values[i],
                      (np.median(gdp) - 14594.9) / 14594.9 * 100)


def test_constant_growth_gives_compound_output(tmp_path):
    """Hand-computed case: every final-demand component grows at g, no capacity limit, no
    programmes, no price change => x_t = x_0 (1 + g)^t exactly (the model is linear)."""
    table = TABLES / "ningbo_2021_42"
    g = 0.07
    comps = pd.read_csv(table / "final_demand.csv", nrows=0).columns[1:]
    fd = "\n".join(f"{c} = {g}" for c in comps if c != "gfcf")
    scenario = tmp_path / "constant.toml"
    scenario.write_text(f"""
[scenario]
name = "constant"
base_year = 2021
horizon = 2026
replications = 3
[table]
path = "{table}"
[region]
name = "test"
industrial_sectors = ["12"]
[growth.final_demand]
{fd}
[capacity]
enabled = false
[investment]
other_gfcf_growth = {g}
""", encoding="utf-8")
    out = tmp_path / "constant.h5"
    run("run", scenario, "-o", out, "--quiet")
    codes, Z, F, V, M, S, C = read_table(table)
    x0 = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    got = open_group(out, "sectors")["output"].isel(point=0).values
    for t in range(6):
        np.testing.assert_allclose(got[:, t, :], np.broadcast_to(x0 * (1 + g) ** t, got[:, t, :].shape),
                                   rtol=1e-10, atol=1e-9)


def test_example_notebook_executes(tmp_path):
    base, variant = tmp_path / "baseline.h5", tmp_path / "weak.h5"
    run("run", NINGBO / "baseline.toml", "-o", base, "-n", "30", "--quiet")
    run("run", NINGBO / "weak_external_demand.toml", "-o", variant, "-n", "30", "--quiet")
    nb = SOURCE_DIR / "tools" / "python" / "examples" / "compare_runs.ipynb"
    env = dict(os.environ, ICSIM_BASELINE=str(base), ICSIM_VARIANT=str(variant),
               ICSIM_PYTHON_DIR=str(SOURCE_DIR / "tools" / "python"),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    executed = tmp_path / "executed.ipynb"
    proc = subprocess.run(["/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--ExecutePreprocessor.timeout=300", "--output", str(executed), str(nb)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import nbformat
    done = nbformat.read(executed, as_version=4)
    outputs = "".join(str(o) for c in done.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "consistent" in outputs and "image/png" in outputs


def test_resolved_scenario_reruns_identically(tmp_path):
    """The `scenario` text stored in a result re-runs to the same numbers (paths in it are
    relative to the scenario's folder, so it is placed where the original file was)."""
    first = tmp_path / "first.h5"
    run("run", NINGBO / "programme_doubled.toml", "-o", first, "-n", "12", "--quiet")
    text = xr.open_dataset(first, engine="h5netcdf")["scenario"].item()
    assert "extends" not in text and "1140" in text
    (tmp_path / "ningbo").mkdir()
    (tmp_path / "data").symlink_to(SOURCE_DIR / "scenarios" / "data")
    resolved = tmp_path / "ningbo" / "resolved.toml"
    resolved.write_text(text, encoding="utf-8")
    second = tmp_path / "second.h5"
    run("run", resolved, "-o", second, "-n", "12", "--quiet")
    for group in ["sectors", "clusters", "region", "targets"]:
        a, b = open_group(first, group), open_group(second, group)
        for name in a.data_vars:
            if a[name].dtype.kind in "fi":
                np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
