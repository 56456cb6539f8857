"""The one join of a target table to scenarios/data/ningbo/observed.csv.

A target table (tools/ningbo/cluster_targets.csv, tools/ningbo/classification_targets.csv) maps a
cluster to the observed.csv row its weights are fitted to: `system,cluster,observed_id,note`.
`read_targets` returns its rows, each with `obs` = that observed.csv row, after checking that the
row exists, is a quoted figure (status `verified` or `from_shared_list`) and passes the caller's
own check (metric, scope, unit, system). Any failure stops the build with the table's name.
"""
from __future__ import annotations

import csv
from pathlib import Path

QUOTED = ("verified", "from_shared_list")


def read_targets(targets_csv: Path, observed_csv: Path, check) -> list[dict]:
    """[{system, cluster, observed_id, note, obs}]; check(row, obs) -> None or what is wrong."""
    name = Path(targets_csv).name
    with open(observed_csv, encoding="utf-8", newline="") as fh:
        obs = {r["id"]: r for r in csv.DictReader(fh)}
    with open(targets_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        o = obs.get(r["observed_id"])
        if o is None:
            raise SystemExit(f"{name}: no observed.csv row '{r['observed_id']}'")
        if o["status"] not in QUOTED:
            raise SystemExit(f"{name}: {o['id']} is not a quoted figure (status {o['status']})")
        problem = check(r, o)
        if problem:
            raise SystemExit(f"{name}: {problem}")
        r["obs"] = o
    return rows
