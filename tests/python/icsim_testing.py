"""Shared helpers for the Python checks: where the binary and the shipped data are, and an
independent reader of icsim's table-folder format (pandas only, no icsim code)."""
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

SOURCE_DIR = Path(os.environ.get("ICSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TABLES = SOURCE_DIR / "scenarios" / "data" / "tables"


def icsim_bin() -> str:
    path = os.environ.get("ICSIM_BIN", str(SOURCE_DIR / "build" / "release" / "icsim"))
    if not Path(path).exists():
        raise RuntimeError(f"icsim binary not found at {path}; build first or set ICSIM_BIN")
    return path


def run(*args, check=True, columns=None):
    """icsim with `args`; its tables are laid out for `columns` display columns (COLUMNS), or
    not wrapped at all when None (as in a pipe)."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = subprocess.run([icsim_bin(), *map(str, args)], capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"icsim {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def baseline_without_firms(path, replications):
    """`icsim run` of the shipped Ningbo baseline without the firm model into `path`."""
    run("run", SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml", "-n", replications,
        "--set", "firms.enabled=false", "-o", path, "--quiet")
    return path


def read_table(folder: Path):
    """The table as numpy arrays, read straight from the CSV files."""
    folder = Path(folder)
    sectors = pd.read_csv(folder / "sectors.csv", dtype={"code": str}, encoding="utf-8-sig")
    codes = list(sectors["code"])
    Z = pd.read_csv(folder / "Z.csv", dtype={"code": str}, index_col=0).loc[codes, codes].to_numpy(float)
    F = pd.read_csv(folder / "final_demand.csv", dtype={"code": str}, index_col=0).loc[codes]
    V = pd.read_csv(folder / "value_added.csv", index_col=0)[codes]
    M = None
    if (folder / "imports.csv").exists():
        M = pd.read_csv(folder / "imports.csv", index_col=0)[codes]
    S = None
    if (folder / "satellites.csv").exists():
        S = pd.read_csv(folder / "satellites.csv", index_col=0).drop(columns="unit")[codes]
    C = None
    if (folder / "gfcf_bridge.csv").exists():
        C = pd.read_csv(folder / "gfcf_bridge.csv", dtype={"code": str}, index_col=0).loc[codes, codes].to_numpy(float)
    return codes, Z, F, V, M, S, C
