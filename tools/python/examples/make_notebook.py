"""Writes compare_runs.ipynb (without outputs) from the cells below, so the notebook's source
stays reviewable as Python. Run: /usr/bin/python3 tools/python/examples/make_notebook.py"""

from pathlib import Path

import nbformat as nbf

CELLS = [
    ("md", """# Baseline against a variant: which Ningbo targets move?

This notebook compares two icsim runs of the Ningbo scenarios. Produce them from the repository
root (a few seconds each):

```
build/release/icsim run scenarios/ningbo/baseline.toml -o baseline.h5
build/release/icsim run scenarios/ningbo/weak_external_demand.toml -o weak_external_demand.h5
```

and run this notebook from `tools/python/examples/` (or set `ICSIM_BASELINE` / `ICSIM_VARIANT`
to the two files). Everything below reads plain HDF5 through xarray; `icsim_results` only saves
typing."""),
    ("code", """import os, sys
from pathlib import Path
sys.path.insert(0, os.environ.get("ICSIM_PYTHON_DIR", str(Path.cwd().parent)))
import matplotlib.pyplot as plt
import icsim_results as ir

root = Path.cwd().parents[2] if Path.cwd().name == "examples" else Path.cwd()
base = ir.open_result(os.environ.get("ICSIM_BASELINE", root / "baseline.h5"))
variant = ir.open_result(os.environ.get("ICSIM_VARIANT", root / "weak_external_demand.h5"))
print(base.name, "vs", variant.name, "-", base.attrs["replications"], "replications each")"""),
    ("md", "## The verdict on every target in the baseline"),
    ("code", """cols = ["text", "threshold", "unit", "year", "value_median", "probability",
        "probability_low", "probability_high", "first_year_reached_median"]
ir.targets_table(base)[cols]"""),
    ("md", "Targets the model cannot judge yet are listed, with what they need, not dropped:"),
    ("code", "ir.not_evaluated(base)"),
    ("md", "## Side by side: how the variant changes each probability"),
    ("code", """cmp = ir.compare(base, variant, labels=("baseline", "variant"))
cmp[["text", "year", "probability_baseline", "probability_variant", "probability_change"]]"""),
    ("code", """last = int(base.clusters.year.max())
ir.compare_clusters(base, variant, year=last, labels=("baseline", "variant")).round(1)"""),
    ("md", "## Fan charts against the targets"),
    ("code", """CLUSTER = "246/green_petrochemicals"
TARGET = "N246-green_petrochemicals"
fig, ax = plt.subplots(figsize=(8, 4.5))
ir.fan_chart(base, CLUSTER, target=TARGET, ax=ax, label="baseline", color="C0")
ir.fan_chart(variant, CLUSTER, ax=ax, label="variant", color="C3");"""),
    ("code", """fig, ax = plt.subplots(figsize=(8, 4.5))
ir.fan_chart(base, None, variable="industrial_output_above_scale", group="region",
             target="N361-2025-output-2027", ax=ax, label="baseline", color="C0")
ir.fan_chart(variant, None, variable="industrial_output_above_scale", group="region", ax=ax,
             label="variant", color="C3");"""),
    ("md", "## Firms and land by district (the firm model)"),
    ("code", """ir.compare_districts(base, variant, year=last, variable="firms_above_scale",
                     labels=("baseline", "variant"))"""),
    ("code", """fig, ax = plt.subplots(figsize=(8, 4.5))
ir.fan_chart(base, "zhenhai", "districts/tax_per_mu_above_scale", ax=ax, label="baseline",
             color="C0")
ir.fan_chart(variant, "zhenhai", "districts/tax_per_mu_above_scale", ax=ax, label="variant",
             color="C3")
ax.set_title("Zhenhai: 规上 tax per mu (亿元/亩)");"""),
    ("md", "## Checks a reader can rerun: the file is self-consistent"),
    ("code", """import numpy as np
t = base.targets
assert np.allclose(t.reached.mean("replication"), t.probability)
assert ((t.probability_low <= t.probability) & (t.probability <= t.probability_high)).all()
region = base.region
gdp = base.sectors.value_added.sum("sector")
assert np.allclose(gdp, region.gdp)
print("consistent")"""),
]


def main():
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for kind, src in CELLS:
        nb.cells.append(nbf.v4.new_markdown_cell(src) if kind == "md"
                        else nbf.v4.new_code_cell(src))
    out = Path(__file__).with_name("compare_runs.ipynb")
    nbf.write(nb, out)
    print("wrote", out)


if __name__ == "__main__":
    main()
