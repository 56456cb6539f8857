"""Independent cross-check: every multiplier `icsim io --csv` prints is recomputed here with
numpy's explicit inverse (pymrio's way) from the same CSV files, and must agree to 1e-9 relative."""
import numpy as np
import pandas as pd
import pytest

from icsim_testing import TABLES, read_table, run

TABLE_NAMES = ["zhejiang_2017_42", "zhejiang_2012_42", "china_2018_42", "china_2020_153"]


def reference(folder, type2):
    codes, Z, F, V, M, S, C = read_table(folder)
    x = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    inv_x = np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
    A = Z * inv_x
    L = np.linalg.inv(np.eye(len(x)) - A)
    rows = {"output": np.ones(len(x))}
    Vc = V.to_numpy(float) * inv_x
    rows["value_added"] = Vc.sum(axis=0)
    for k, name in enumerate(V.index):
        rows[name] = Vc[k]
    if M is not None:
        Mc = M.to_numpy(float) * inv_x
        if len(M.index) > 1 or M.index[0] != "imports":
            rows["imports"] = Mc.sum(axis=0)
        for k, name in enumerate(M.index):
            rows[name] = Mc[k]
    if S is not None:
        Sc = S.to_numpy(float) * inv_x
        for k, name in enumerate(S.index):
            rows[name] = Sc[k]
    out = {f"{k}_multiplier": e @ L for k, e in rows.items()}
    with np.errstate(divide="ignore", invalid="ignore"):  # ratio: total / direct, NaN at 0
        for k, e in rows.items():
            if k != "output":
                out[f"{k}_ratio_multiplier"] = np.where(e != 0, (e @ L) / e, np.nan)
    if type2:
        import tomllib
        meta = tomllib.loads((folder / "table.toml").read_text())
        w = V.loc[meta.get("labour_income", "compensation")].to_numpy(float)
        h = F[meta.get("household_consumption", "household")].to_numpy(float)
        n = len(x)
        Ab = np.zeros((n + 1, n + 1))
        Ab[:n, :n] = A
        Ab[:n, n] = h / w.sum()
        Ab[n, :n] = w * inv_x
        Lb = np.linalg.inv(np.eye(n + 1) - Ab)
        for k, e in rows.items():
            out[f"{k}_multiplier_type2"] = np.append(e, 0.0) @ Lb[:, :n]
            if k != "output":
                with np.errstate(divide="ignore", invalid="ignore"):
                    out[f"{k}_ratio_multiplier_type2"] = np.where(
                        e != 0, out[f"{k}_multiplier_type2"] / e, np.nan)
    bl = L.sum(axis=0)
    present = x > 0
    out["backward_linkage"] = np.where(present, bl / bl[present].mean(), np.nan)
    G_rows = np.divide(L @ x, x, out=np.ones_like(x), where=x > 0)
    out["forward_linkage"] = np.where(present, G_rows / G_rows[present].mean(), np.nan)
    if C is not None:
        for k, e in rows.items():
            out[f"{k}_investment_multiplier"] = (e @ L) @ C
    return codes, out


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_multipliers_agree_with_numpy(name, tmp_path):
    folder = TABLES / name
    csv = tmp_path / "m.csv"
    type2 = name.startswith("zhejiang")
    args = ["io", folder, "--quiet", "--investment", "--csv", csv] + (["--type2"] if type2 else [])
    run(*args)
    got = pd.read_csv(csv, dtype={"code": str}).set_index("code")
    codes, ref = reference(folder, type2)
    assert list(got.index) == codes
    for column, expected in ref.items():
        assert column in got.columns, f"{column} missing from icsim's CSV"
        actual = got[column].to_numpy(float)
        both_nan = np.isnan(actual) & np.isnan(expected)
        scale = np.maximum(np.abs(expected), 1e-12)
        rel = np.where(both_nan, 0.0, np.abs(actual - expected) / scale)
        assert np.nanmax(rel) < 1e-9, f"{name} {column}: max relative difference {np.nanmax(rel):.3g}"


def test_leontief_inverse_file_matches_numpy(tmp_path):
    folder = TABLES / "zhejiang_2017_42"
    out = tmp_path / "L.csv"
    run("io", folder, "--quiet", "--leontief", out)
    L = pd.read_csv(out, dtype={"code": str}, index_col=0).to_numpy(float)
    codes, Z, F, *_ = read_table(folder)
    x = Z.sum(axis=1) + F.to_numpy(float).sum(axis=1)
    A = Z * np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
    np.testing.assert_allclose(L, np.linalg.inv(np.eye(len(x)) - A), rtol=1e-10, atol=1e-14)
    # x = L f reproduces the table's output.
    np.testing.assert_allclose(L @ F.to_numpy(float).sum(axis=1), x, rtol=1e-10)


def test_pymrio_test_mrio_matches_numpy(tmp_path):
    """The multi-region path, on pymrio's fictitious test MRIO read in its own text format."""
    folder = TABLES / "pymrio_test_mrio"
    csv = tmp_path / "m.csv"
    run("io", folder, "--quiet", "--csv", csv)
    got = pd.read_csv(csv).set_index("code")
    Z = pd.read_csv(folder / "trade_flows_Z.txt", sep="\t", index_col=[0, 1, 2], header=[0, 1]).to_numpy(float)
    Y = pd.read_csv(folder / "finald_demand_Y.txt", sep="\t", index_col=[0, 1, 2], header=[0, 1]).to_numpy(float)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    L = np.linalg.inv(np.eye(len(x)) - Z / x)
    np.testing.assert_allclose(got["output_multiplier"].to_numpy(), L.sum(axis=0), rtol=1e-9)
    E = pd.read_csv(folder / "emissions.txt", sep="\t", index_col=[0, 1, 2], header=[0, 1]).to_numpy(float)
    np.testing.assert_allclose(got["emission_type1_air_multiplier"].to_numpy(), (E[0] / x) @ L, rtol=1e-9)
    assert got.index[0] == "reg1/food" and len(got) == 48
