"""Writes compare_runs.ipynb from the cells below, so the notebook's source stays reviewable as
Python, then (with --execute) runs it on two fresh 200-replication runs so that the committed
notebook carries its outputs. From the repository root, after building icsim:

    /usr/bin/python3 tools/python/examples/make_notebook.py --execute

tests/python/test_python_package.py executes it again on small runs in every CI build."""

from pathlib import Path

import nbformat as nbf

CELLS = [
    ("md", """# Alternative against control: which Ningbo targets move?

This notebook compares two icsim runs of the Ningbo scenarios, the way a policy analyst reads a
what-if: the control (the baseline) and an alternative (weaker external demand). Both runs use
the same seed, so replication *r* of one faces the same random draws as replication *r* of the
other: their difference, replication by replication, is the alternative's effect.

Make the two runs from the repository root (a second each):

```
build/release/icsim run scenarios/ningbo/baseline.toml -o baseline.h5
build/release/icsim run scenarios/ningbo/weak_external_demand.toml -o weak_external_demand.h5
```

Install the Python package once (`pip install --no-build-isolation ./tools/python`, see
docs/results.md) or let the first cell find `tools/python`; set `ICSIM_BASELINE` and
`ICSIM_VARIANT` to the two files if they are not in the folder you start Jupyter from (or the
repository root). The outputs below come from runs of 200 replications."""),
    ("code", """import os, sys
from pathlib import Path
try:
    import icsim_results as ir
except ModuleNotFoundError:  # not installed: the source tree's tools/python
    here = Path.cwd()
    for folder in [os.environ.get("ICSIM_PYTHON_DIR", ""), here, *here.parents]:
        for candidate in (Path(folder), Path(folder) / "tools" / "python"):
            if folder and (candidate / "icsim_results.py").exists():
                sys.path.insert(0, str(candidate))
                break
        else:
            continue
        break
    import icsim_results as ir
import icsim_paired as paired
import icsim_fonts
import matplotlib.pyplot as plt
icsim_fonts.setup_fonts()          # Chinese labels with Noto Sans CJK SC

def find(name, variable):
    if os.environ.get(variable):
        return Path(os.environ[variable])
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{name}: make it with icsim run, or set {variable}")

base = ir.open_result(find("baseline.h5", "ICSIM_BASELINE"))
variant = ir.open_result(find("weak_external_demand.h5", "ICSIM_VARIANT"))
print(base.name, "vs", variant.name, "-", base.attrs["replications"], "replications each,",
      "paired" if paired.pairing(base, variant)[0] else "not paired")"""),
    ("md", "## The verdict on every target in the control"),
    ("code", """cols = ["text", "threshold", "unit", "year", "value_median", "probability",
        "probability_low", "probability_high", "first_year_reached_median"]
ir.targets_table(base)[cols]"""),
    ("md", "Targets the model cannot judge yet are listed, with what they need, not dropped:"),
    ("code", "ir.not_evaluated(base)"),
    ("md", """## How the alternative changes each probability

ΔP = P(alternative) − P(control) with its 95 % interval for paired proportions (Newcombe's
hybrid score interval): `control_only` replications reach the target under the control only,
`alternative_only` under the alternative only. Since the runs share their random numbers, only
these discordant replications move P, and the interval is much narrower than the two separate
intervals suggest."""),
    ("code", """dp = paired.delta_probability(base, variant)
dp[["text", "p_control", "p_alternative", "delta_p", "delta_p_low", "delta_p_high",
    "control_only", "alternative_only"]].round(3)"""),
    ("code", """last = int(base.clusters.year.max())
ir.compare_clusters(base, variant, year=last, labels=("control", "alternative")).round(1)"""),
    ("md", "## Fan charts: the two runs overlaid, and their paired difference"),
    ("code", """fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
ir.fan_chart(base, None, variable="industrial_output_above_scale", group="region",
             target="N361-2025-output-2027", ax=left, label="control", color="C0")
ir.fan_chart(variant, None, variable="industrial_output_above_scale", group="region",
             ax=left, label="alternative", color="C3")
left.set_title("规上工业总产值 (亿元)")
paired.paired_chart(base, variant, "region/industrial_output_above_scale", ax=right)
right.set_title("alternative − control, replication by replication (亿元)");"""),
    ("code", """paired.difference_bands(paired.paired_difference(
    base, variant, "region/industrial_output_above_scale")).round(1)"""),
    ("md", """## Firms and land by district (the firm model)

Tax per mu is in 万元/亩: the file stores 亿元 per mu and `icsim_results` converts it when it
opens the file (units `CNY 10 thousand per mu`)."""),
    ("code", """ir.compare_districts(base, variant, year=last, variable="firms_above_scale",
                     labels=("control", "alternative"))"""),
    ("code", """fig, ax = plt.subplots(figsize=(8, 4.2))
ir.fan_chart(base, "zhenhai", "districts/tax_per_mu_above_scale", ax=ax, label="control",
             color="C0")
ir.fan_chart(variant, "zhenhai", "districts/tax_per_mu_above_scale", ax=ax,
             label="alternative", color="C3")
ax.set_title("镇海区 规上亩均税收 (" + ir.unit_label(
    base.districts.tax_per_mu_above_scale.attrs["units"]) + ")");"""),
    ("md", "## Checks a reader can rerun: the file is self-consistent"),
    ("code", """import numpy as np
t = base.targets
assert np.allclose(t.reached.mean("replication"), t.probability)
assert ((t.probability_low <= t.probability) & (t.probability <= t.probability_high)).all()
assert np.allclose(base.sectors.value_added.sum("sector"), base.region.gdp)
tax = base.districts.tax_above_scale.sum("district")
land = base.districts.land_above_scale.sum("district")
assert np.allclose((tax / land * 1e4).where(land > 0, 0), base.region.tax_per_mu_above_scale)
print("consistent")"""),
]


def execute(path: Path, replications: int = 200) -> None:
    """Runs the two scenarios into a temporary folder and executes the notebook in place."""
    import os
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parents[3]
    icsim = os.environ.get("ICSIM_BIN", str(root / "build" / "release" / "icsim"))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ICSIM_PYTHON_DIR=str(root / "tools" / "python"))
        for name, var in (("baseline", "ICSIM_BASELINE"),
                          ("weak_external_demand", "ICSIM_VARIANT")):
            out = Path(tmp) / f"{name}.h5"
            subprocess.run([icsim, "run", str(root / "scenarios" / "ningbo" / f"{name}.toml"),
                            "-n", str(replications), "-o", str(out), "--quiet"], check=True)
            env[var] = str(out)
        env["PYTHONPATH"] = str(root / "tools" / "python")
        subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                        str(path)], check=True, env=env, cwd=tmp)


def main():
    import sys

    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for kind, src in CELLS:
        nb.cells.append(nbf.v4.new_markdown_cell(src) if kind == "md"
                        else nbf.v4.new_code_cell(src))
    out = Path(__file__).with_name("compare_runs.ipynb")
    nbf.write(nb, out)
    if "--execute" in sys.argv:
        execute(out)
    print("wrote", out)


if __name__ == "__main__":
    main()
