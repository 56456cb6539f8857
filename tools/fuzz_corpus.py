#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (fuzz/) from the bundled files.

  table/     every table folder under tests/data and scenarios/data/tables (except the large
             149- and 153-sector tables and pymrio's format), as the table fuzzer reads them:
             the files in a fixed order, separated by lines "%%"
  scenario/  the scenario files of tests/data/scenario and scenarios/ningbo
  result/    the result files of fuzz/seeds/result (a sealed and an unsealed run of the
             three-sector test scenario, made with `icsim run tests/data/scenario/full.toml -n 1
             --set firms.enabled=false`; the unsealed one copied with h5py)

Usage: tools/fuzz_corpus.py OUT_DIR   (writes OUT_DIR/table, OUT_DIR/scenario, OUT_DIR/result)
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ["table.toml", "sectors.csv", "Z.csv", "final_demand.csv", "value_added.csv",
         "imports.csv", "satellites.csv", "gfcf_bridge.csv"]
MAX_TABLE_BYTES = 100_000


def table_seed(folder: Path) -> bytes:
    parts = []
    for name in FILES:
        p = folder / name
        if not p.exists():
            break
        parts.append(p.read_bytes().rstrip(b"\n"))
    return b"\n%%\n".join(parts) + b"\n"


def main(out: Path):
    (out / "table").mkdir(parents=True, exist_ok=True)
    (out / "scenario").mkdir(parents=True, exist_ok=True)
    folders = [p.parent for p in sorted(ROOT.glob("tests/data/**/table.toml"))]
    folders += [p.parent for p in sorted((ROOT / "scenarios/data/tables").glob("*/table.toml"))]
    n = 0
    for folder in folders:
        seed = table_seed(folder)
        if len(seed) > MAX_TABLE_BYTES:
            continue
        (out / "table" / (folder.name + ".seed")).write_bytes(seed)
        n += 1
    m = 0
    for p in sorted((ROOT / "tests/data/scenario").rglob("*.toml")) + \
            sorted((ROOT / "scenarios/ningbo").glob("*.toml")):
        (out / "scenario" / (p.parent.name + "_" + p.name)).write_bytes(p.read_bytes())
        m += 1
    (out / "result").mkdir(parents=True, exist_ok=True)
    k = 0
    for p in sorted((ROOT / "fuzz" / "seeds" / "result").glob("*.h5")):
        (out / "result" / p.name).write_bytes(p.read_bytes())
        k += 1
    print(f"fuzz corpus: {n} table seeds, {m} scenario seeds, {k} result seeds in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
