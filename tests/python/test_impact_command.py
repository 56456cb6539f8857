"""`icsim impact`: direct, indirect and induced effects checked against an independent numpy
computation from the table's CSV files (explicit inverses, pymrio's way), plus the user-facing
behaviour: help, located errors, and no output left behind on failure."""
import tomllib

import h5py
import numpy as np
import pandas as pd
import pytest

from icsim_testing import SOURCE_DIR, TABLES, read_table, run

TABLE = TABLES / "zhejiang_2017_42"
EXAMPLES = SOURCE_DIR / "docs" / "examples"


def reference(folder, demand):
    """Effects by indicator (dict of arrays over sectors) for the demand vector."""
    codes, Z, F, V, M, S, C = read_table(folder)
    x = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    inv_x = np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
    n = len(x)
    A = Z * inv_x
    L = np.linalg.inv(np.eye(n) - A)
    meta = tomllib.loads((folder / "table.toml").read_text())
    w = V.loc[meta.get("labour_income", "compensation")].to_numpy(float)
    h = F[meta.get("household_consumption", "household")].to_numpy(float)
    Ab = np.zeros((n + 1, n + 1))
    Ab[:n, :n] = A
    Ab[:n, n] = h / w.sum()
    Ab[n, :n] = w * inv_x
    Lb = np.linalg.inv(np.eye(n + 1) - Ab)
    x1 = L @ demand
    x2 = (Lb @ np.append(demand, 0.0))[:n]
    rows = {"output": np.ones(n)}
    Vc = V.to_numpy(float) * inv_x
    rows["value_added"] = Vc.sum(axis=0)
    for k, name in enumerate(V.index):
        rows[name] = Vc[k]
    Mc = M.to_numpy(float) * inv_x
    if len(M.index) > 1 or M.index[0] != "imports":
        rows["imports"] = Mc.sum(axis=0)
    for k, name in enumerate(M.index):
        rows[name] = Mc[k]
    Sc = S.to_numpy(float) * inv_x
    for k, name in enumerate(S.index):
        rows[name] = Sc[k]
    effects = {k: {"direct": e * demand, "indirect": e * (x1 - demand), "induced": e * (x2 - x1)}
               for k, e in rows.items()}
    return codes, effects, C


def check_against(csv_path, codes, effects):
    got = pd.read_csv(csv_path, dtype={"code": str})
    assert set(got["indicator"]) == set(effects), set(got["indicator"]) ^ set(effects)
    for k, parts in effects.items():
        rows = got[got["indicator"] == k].set_index("code").loc[codes]
        for part, expected in parts.items():
            actual = rows[part].to_numpy(float)
            scale = np.maximum(np.abs(expected), 1e-9 * np.abs(expected).max() + 1e-300)
            assert np.max(np.abs(actual - expected) / scale) < 1e-8, f"{k} {part}"
        total = sum(parts.values())
        assert np.allclose(rows["total"].to_numpy(float), total, rtol=1e-9, atol=1e-12)


def test_demand_effects_agree_with_numpy(tmp_path):
    csv = tmp_path / "effects.csv"
    proc = run("impact", TABLE, "--demand", EXAMPLES / "impact_demand.csv", "--csv", csv)
    codes, effects, _ = reference(TABLE, demand_vector(EXAMPLES / "impact_demand.csv"))
    check_against(csv, codes, effects)
    out = proc.stdout
    for word in ["direct", "indirect", "induced", "total", "employment", "value_added"]:
        assert word in out, word
    # The terminal's output row is the sum over sectors, as in the CSV.
    total_output = sum(effects["output"]["direct"] + effects["output"]["indirect"]
                       + effects["output"]["induced"])
    line = next(l for l in out.splitlines() if l.startswith("output "))
    assert f"{total_output:.1f}" in line or f"{total_output:.2f}" in line, line


def demand_vector(path):
    codes = list(pd.read_csv(TABLE / "sectors.csv", dtype={"code": str})["code"])
    d = pd.read_csv(path, dtype={"code": str}).set_index("code").iloc[:, 0]
    return np.array([float(d.get(c, 0.0)) for c in codes])


def test_investment_goes_through_the_bridge_and_h5_matches_csv(tmp_path):
    csv, h5 = tmp_path / "e.csv", tmp_path / "e.h5"
    run("impact", TABLE, "--investment", EXAMPLES / "impact_investment.csv", "--csv", csv,
        "-o", h5, "--quiet")
    codes, _, C = reference(TABLE, np.zeros(42))
    demand = C @ demand_vector(EXAMPLES / "impact_investment.csv")
    _, effects, _ = reference(TABLE, demand)
    check_against(csv, codes, effects)
    with h5py.File(h5, "r") as f:
        g = f["impact"]
        names = [s.decode() for s in g["indicator"][()]]
        k = names.index("employment")
        assert np.allclose(g["direct"][k], effects["employment"]["direct"], rtol=1e-9)
        assert np.allclose(g["induced"][k], effects["employment"]["induced"], rtol=1e-9)
        assert g["unit"][k].decode() == "persons"
        assert np.allclose(g["demand"][()], demand, rtol=1e-12)


def test_cluster_investment_and_type1(tmp_path):
    csv = tmp_path / "e.csv"
    conc = SOURCE_DIR / "scenarios/data/concordances/2017/361-2023.csv"
    out = run("impact", TABLE, "--concordance", f"361={conc}", "--cluster",
              "361/digital_industry=10", "--type1", "--csv", csv).stdout
    assert "361/digital_industry" in out and "(no induced effects: --type1)" in out
    got = pd.read_csv(csv, dtype={"code": str})
    assert "induced" not in got.columns
    # Cluster mix: weights x output over sectors 20 and 31 (weight 1 each), through the bridge.
    codes, Z, F, *_ = read_table(TABLE)
    x = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    inv = np.zeros(len(codes))
    for c in ("20", "31"):
        inv[codes.index(c)] = x[codes.index(c)]
    inv *= 10 / inv.sum()
    _, effects, C = reference(TABLE, np.zeros(len(codes)))
    _, effects, _ = reference(TABLE, C @ inv)
    rows = got[got["indicator"] == "output"].set_index("code").loc[codes]
    assert np.allclose(rows["indirect"], effects["output"]["indirect"], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("content,fragments", [
    ("code,demand\n99,1\n", ["d.csv:2", "sector code '99'"]),
    ("code,demand\n12,1\n12,2\n", ["d.csv:3", "appears twice"]),
    ("code,demand\n12,abc\n", ["d.csv:2", "column 'demand'", "expected a number"]),
    ("sector;demand\n12;1\n", ["d.csv:1", "separated by ';'"]),
])
def test_bad_demand_files_are_located(tmp_path, content, fragments):
    d = tmp_path / "d.csv"
    d.write_text(content)
    proc = run("impact", TABLE, "--demand", d, "--csv", tmp_path / "e.csv", check=False)
    assert proc.returncode == 2, proc.stderr
    for f in fragments:
        assert f in proc.stderr, (f, proc.stderr)
    assert not (tmp_path / "e.csv").exists()


def test_nothing_to_analyse_and_help():
    proc = run("impact", TABLE, check=False)
    assert proc.returncode == 2 and "--demand" in proc.stderr
    out = run("impact", "--help").stdout
    for option in ["--demand", "--investment", "--cluster", "--concordance", "--type1", "--csv",
                   "--out"]:
        assert option in out
    assert "Examples:" in out
