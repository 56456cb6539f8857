#!/usr/bin/python3
"""Convert raw input-output tables into icsim table folders (docs/table-format.md).

Run with Debian's /usr/bin/python3 (needs numpy and pandas).

    import_tables.py chnio-provincial RAW.csv OUTDIR --name N --region R --year Y
        [--english-names IONET_42.csv] [--employment-estimate-from NATIONAL_TABLE_DIR]
        [--source TEXT]
    import_tables.py ionet-noncompetitive RAW.csv OUTDIR --name N --region R --year Y
        [--employment EMPLOYMENT.csv] [--source TEXT]
    import_tables.py ionet-competitive RAW.csv OUTDIR --name N --region R --year Y
        [--employment EMPLOYMENT.csv] [--source TEXT]
    import_tables.py all [--raw DIR] [--out DIR]

`all` rebuilds every shipped table from scenarios/data/raw/ into scenarios/data/tables/
(or --out); the output is deterministic, so re-running it reproduces the shipped files byte
for byte. Money is converted from 10 000 CNY (万元) to CNY 100 million (亿元).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

# numpy's BLAS-backed reductions round differently with different thread counts; one thread
# makes the shipped files reproducible byte for byte on any machine.
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import employment as emp_mod  # noqa: E402
import raw_formats as rf  # noqa: E402
from tableio import WAN_YUAN_PER_YI, Table, read_table, write_table  # noqa: E402
from transform import default_gfcf_bridge, remove_imports_proportionally  # noqa: E402

REPO = HERE.parent.parent
STD_OPTIONS = {"labour_income": "compensation", "taxes": "net_production_taxes", "gfcf": "gfcf"}
BRIDGE_NOTE = ("gfcf_bridge.csv is the DEFAULT ASSUMPTION, not published data: no capital-flow "
               "matrix exists for this table, so every investing sector buys the product mix of "
               "the table's GFCF column (column j = regional GFCF by product / total GFCF "
               "including imports).")


# ----------------------------------------------------------------------------- builders

def build_competitive(path, *, name, region, year, source, english=None, label=None):
    """Competitive-import table (chnio provincial or ionet competitive) -> regional table.

    Imports (IM) and, in provincial tables, inflows from other provinces (IF) are removed
    proportionally from intermediate use and domestic final use (transform.py).
    """
    raw = rf.read_competitive(path, label or name)
    # The removal runs in the raw unit (10 000 CNY; the provincial tables are whole numbers,
    # so a row whose output is exactly zero stays exactly zero); the result is converted after.
    c = raw["cols"]
    u = WAN_YUAN_PER_YI
    n = len(raw["codes"])

    dom_labels = ["household", "government", "gfcf", "inventory"]
    dom = np.column_stack([c["FU101"] + c["FU102"], c["FU103"], c["FU201"], c["FU202"]])
    if raw["has_regional"]:
        ext_labels, ext = ["exports", "outflows"], np.column_stack([c["EX"], c["OF"]])
        imp_labels, rem = ["imports_foreign", "inflows_domestic"], np.column_stack([c["IM"], c["IF"]])
    else:
        ext_labels, ext = ["exports"], c["EX"][:, None]
        imp_labels, rem = ["imports"], c["IM"][:, None]
    r = remove_imports_proportionally(raw["Z"], dom, ext, rem)

    fd_labels = dom_labels + ext_labels
    fd_blocks = [r.domestic_fd, r.external_fd]
    if raw["has_err"]:
        fd_labels.append("discrepancy")
        fd_blocks.append(c["ERR"][:, None])
    fd = np.hstack(fd_blocks) / u

    names_zh = raw["names_zh"]
    if raw["names_en"] is not None:
        names = raw["names_en"]
    elif english:
        names = [english.get(zh, zh) for zh in names_zh]
    else:
        names = list(names_zh)

    t = Table(name=name, region=region, year=year, source=source, codes=raw["codes"],
              names=names, names_zh=names_zh, Z=r.Z / u, fd_labels=fd_labels, fd=fd,
              va_labels=list(rf.VA_LABELS), va=raw["va"] / u, imp_labels=imp_labels,
              imp=r.imports / u,
              bridge=default_gfcf_bridge(r.domestic_fd[:, 2], c["FU201"].sum()),
              options=dict(STD_OPTIONS, household_consumption="household"))
    info = dict(raw_checks=raw["checks"], share=r.share, reexports=r.reexports / u,
                reexport_codes=[raw["codes"][i] for i in range(n) if r.reexports[i] > 0],
                missing_english=[zh for zh in names_zh if english is not None and zh not in english],
                gfcf_regional_share=float(r.domestic_fd[:, 2].sum() / c["FU201"].sum()))
    return t, info


def build_noncompetitive(path, *, name, region, year, source, label=None):
    raw = rf.read_noncompetitive(path, label or name)
    u = WAN_YUAN_PER_YI
    Fd = raw["Fd"] / u
    t = Table(name=name, region=region, year=year, source=source, codes=raw["codes"],
              names=raw["names_en"], names_zh=raw["names_zh"], Z=raw["Zd"] / u,
              fd_labels=["consumption", "gfcf", "inventory", "exports"], fd=Fd,
              va_labels=list(rf.VA_LABELS), va=raw["va"] / u,
              imp_labels=["imports"], imp=(raw["Zm"].sum(axis=0) / u)[None, :],
              bridge=default_gfcf_bridge(Fd[:, 1], Fd[:, 1].sum() + raw["Fm"][:, 1].sum() / u),
              options=dict(STD_OPTIONS, household_consumption="consumption"))
    info = dict(raw_checks=raw["checks"],
                gfcf_regional_share=float(Fd[:, 1].sum() / (Fd[:, 1].sum() + raw["Fm"][:, 1].sum() / u)),
                imported_final_use=float(raw["Fm"].sum() / u))
    return t, info


def add_national_employment(t: Table, employment_csv, year: int) -> list[str]:
    emp = emp_mod.read_employment(employment_csv)
    vec, report = emp_mod.national_employment(t.codes, t.names_zh, emp, year)
    t.sat_labels, t.sat_units, t.sat = ["employment"], ["persons"], vec[None, :]
    return report


def add_estimated_employment(t: Table, national_dir) -> list[str]:
    nat = read_table(national_dir)
    if nat.codes != t.codes or nat.names_zh != t.names_zh:
        raise ValueError("national table has a different sector classification")
    if "employment" not in nat.sat_labels:
        raise ValueError("national table has no employment satellite")
    est = emp_mod.estimate_from_national(t.column("va", "compensation"),
                                         nat.column("va", "compensation"),
                                         nat.column("sat", "employment"))
    t.sat_labels, t.sat_units, t.sat = ["employment"], ["persons"], est[None, :]
    return [f"employment ESTIMATE from {nat.name}: total {est.sum():,.0f} persons"]


# ----------------------------------------------------------------------------- shipped set

def _src(text: str) -> str:
    return " ".join(text.split())


CHNIO = ("github.com/common2016/CHNIO (R package CHNIO, GPL-3; data from the provincial "
         "statistics bureau), source spreadsheets added in commit 870d4f9")
IONET = ("github.com/Carol-seven/ionet (R package ionet, GPL-3; NBS national tables), "
         "data/{rda} last changed in commit fa9d042")


def shipped_tables():
    """(folder, kind, raw file, options) for every shipped table, in build order."""
    return [
        ("china_2015_42", "ionet-competitive", "ionet_china_2015_42.csv",
         dict(region="China", year=2015, employment=True, rda="china_2015_42.rda",
              title="NBS China 2015 extended input-output table, 42 sectors (2012 classification), competitive-import form")),
        ("china_2017_42", "ionet-noncompetitive", "ionet_china_2017_42.csv",
         dict(region="China", year=2017, employment=True, rda="china_2017_42.rda",
              title="NBS China 2017 input-output table, 42 sectors, non-competitive form")),
        ("china_2018_42", "ionet-noncompetitive", "ionet_china_2018_42.csv",
         dict(region="China", year=2018, employment=True, rda="china_2018_42.rda",
              title="NBS China 2018 extended input-output table, 42 sectors, non-competitive form")),
        ("china_2020_42", "ionet-noncompetitive", "ionet_china_2020_42.csv",
         dict(region="China", year=2020, employment=False, rda="china_2020_42.rda",
              title="NBS China 2020 extended input-output table, 42 sectors, non-competitive form")),
        ("china_2017_149", "ionet-competitive", "ionet_china_2017_149.csv",
         dict(region="China", year=2017, employment=False, rda="china_2017_149.rda",
              title="NBS China 2017 benchmark input-output table, 149 sectors, competitive-import form")),
        ("china_2018_153", "ionet-competitive", "ionet_china_2018_153.csv",
         dict(region="China", year=2018, employment=False, rda="china_2018_153.rda",
              title="NBS China 2018 extended input-output table, 153 sectors, competitive-import form")),
        ("china_2020_153", "ionet-competitive", "ionet_china_2020_153.csv",
         dict(region="China", year=2020, employment=False, rda="china_2020_153.rda",
              title="NBS China 2020 extended input-output table, 153 sectors, competitive-import form")),
        ("zhejiang_2017_42", "chnio-provincial", "chnio_zhejiang_2017_42.csv",
         dict(region="Zhejiang", year=2017, english="ionet_china_2017_42.csv",
              estimate_from="china_2017_42",
              title="Zhejiang 2017 provincial input-output table, 42 sectors, competitive-import form with inter-provincial flows",
              spreadsheet="data-raw/中国31省区市42部门投入产出表1997-2017皮皮侠/2017年各省份投入产出表/11-浙江.xls")),
        ("zhejiang_2012_42", "chnio-provincial", "chnio_zhejiang_2012_42.csv",
         dict(region="Zhejiang", year=2012, english="ionet_china_2015_42.csv",
              estimate_from=None,
              title="Zhejiang 2012 provincial input-output table, 42 sectors (2012 classification), competitive-import form with inter-provincial flows",
              spreadsheet="data-raw/分省投入产出表/2012年浙江省42部门投入产出表(基本流量表).xlsx")),
    ]


def build_shipped(folder, kind, raw_file, o, raw_dir: Path, out_dir: Path):
    path = raw_dir / raw_file
    report = []
    if kind == "ionet-noncompetitive":
        src = _src(f"""{o['title']}, from {IONET.format(rda=o['rda'])}; shipped copy
            scenarios/data/raw/{raw_file}. Converted from 10,000 CNY to CNY 100 million. Z and
            final demand are the Domestic block; imports = column sums of the intermediate part of
            the Imports block. Final consumption is not split into household and government in
            this file, so household_consumption = consumption and a Type II closure closes all
            final consumption.""")
        t, info = build_noncompetitive(path, name=folder, region=o["region"], year=o["year"],
                                       source=src)
    elif kind == "ionet-competitive":
        src = _src(f"""{o['title']}, from {IONET.format(rda=o['rda'])}; shipped copy
            scenarios/data/raw/{raw_file}. Converted from 10,000 CNY to CNY 100 million. DOMESTIC
            table: imports (IM) removed row by row in proportion from intermediate use and domestic
            final use (household, government, GFCF, inventory; exports untouched); the removed
            intermediate use is the imports row.""")
        t, info = build_competitive(path, name=folder, region=o["region"], year=o["year"],
                                    source=src)
    else:
        english = rf.english_names_by_chinese(raw_dir / o["english"])
        src = _src(f"""{o['title']}, from {CHNIO}, spreadsheet {o['spreadsheet']}; shipped copy
            scenarios/data/raw/{raw_file}. Converted from 10,000 CNY to CNY 100 million. LOCAL
            table: foreign imports (IM) and inflows from other provinces (IF) removed row by row in
            proportion from intermediate use and local final use (household, government, GFCF,
            inventory; exports and outflows untouched); the removed intermediate use became the rows
            imports_foreign and inflows_domestic (split IM:IF of the supplying row). English names
            from the NBS 42-sector classification (ionet {o['english']}).""")
        t, info = build_competitive(path, name=folder, region=o["region"], year=o["year"],
                                    source=src, english=english)
        if info["missing_english"]:
            raise ValueError(f"{folder}: no English name for {info['missing_english']}")
        if info["reexport_codes"]:
            t.source += (" Rows " + ", ".join(info["reexport_codes"]) + " have IM + IF above local"
                         " use: they keep no local intermediate or final use and the excess was"
                         " taken out of exports/outflows in proportion (re-exports).")
    if o.get("employment"):
        report += add_national_employment(t, raw_dir / "ionet_china_employment.csv", o["year"])
        t.source += " " + _src(f"""Employment satellite: employed persons {o['year']} by GB/T 4754
            section/division (Wang, Jia and Wang 2021, via ionet data/china_employment.rda),
            mapped to the 42 sectors without splits (section T, international organisations,
            left out).""")
    if o.get("estimate_from"):
        report += add_estimated_employment(t, out_dir / o["estimate_from"])
        t.source += " " + _src(f"""Employment satellite is an ESTIMATE, not published data: Zhejiang
            compensation of employees by sector divided by the national compensation per worker of
            the same sector ({o['estimate_from']}).""")
    t.source += " " + BRIDGE_NOTE + " Details: scenarios/data/tables/SOURCES.md."
    target = out_dir / folder
    if target.exists():
        shutil.rmtree(target)
    write_table(t, target)
    return t, info, report


def copy_pymrio(raw_dir: Path, out_dir: Path):
    src = raw_dir / "pymrio_test_mrio"
    dst = out_dir / "pymrio_test_mrio"
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for f in sorted(src.iterdir()):
        if f.is_file():
            shutil.copyfile(f, dst / f.name)


def run_all(raw_dir: Path, out_dir: Path, verbose=True):
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    for folder, kind, raw_file, o in shipped_tables():
        t, info, report = build_shipped(folder, kind, raw_file, o, raw_dir, out_dir)
        results[folder] = (t, info)
        if verbose:
            x = t.total_output()
            print(f"{folder}: n={t.n} GO={x.sum():,.1f} VA={t.va.sum():,.1f} (CNY 100 million) "
                  f"max balance residual={t.balance_residual().max():.2e}")
            for line in info["raw_checks"] + report:
                print("   ", line)
    copy_pymrio(raw_dir, out_dir)
    if verbose:
        print("pymrio_test_mrio: copied verbatim")
    return results


# ----------------------------------------------------------------------------- CLI

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp):
        sp.add_argument("raw", type=Path)
        sp.add_argument("outdir", type=Path)
        sp.add_argument("--name", required=True)
        sp.add_argument("--region", required=True)
        sp.add_argument("--year", required=True, type=int)
        sp.add_argument("--source", default=None, help="text for table.toml's source key")
        sp.add_argument("-q", "--quiet", action="store_true")

    sp = sub.add_parser("chnio-provincial", help="CHNIO provincial 42-sector table (IM, IF, OF)")
    common(sp)
    sp.add_argument("--english-names", type=Path, help="ionet 42-sector CSV to take English names from")
    sp.add_argument("--employment-estimate-from", type=Path,
                    help="national table folder with an employment satellite (ESTIMATE)")
    sp = sub.add_parser("ionet-noncompetitive", help="ionet 42-sector non-competitive table")
    common(sp)
    sp.add_argument("--employment", type=Path, help="ionet_china_employment.csv")
    sp = sub.add_parser("ionet-competitive", help="ionet competitive table (IM column)")
    common(sp)
    sp.add_argument("--employment", type=Path, help="ionet_china_employment.csv")
    sp = sub.add_parser("all", help="rebuild every shipped table")
    sp.add_argument("--raw", type=Path, default=REPO / "scenarios" / "data" / "raw")
    sp.add_argument("--out", type=Path, default=REPO / "scenarios" / "data" / "tables")
    sp.add_argument("-q", "--quiet", action="store_true")
    a = p.parse_args(argv)

    if a.cmd == "all":
        run_all(a.raw, a.out, verbose=not a.quiet)
        return 0

    src = a.source or f"converted from {a.raw.name} by tools/importers/import_tables.py {a.cmd}"
    report = []
    if a.cmd == "chnio-provincial":
        english = rf.english_names_by_chinese(a.english_names) if a.english_names else None
        t, info = build_competitive(a.raw, name=a.name, region=a.region, year=a.year, source=src,
                                    english=english)
        if a.employment_estimate_from:
            report += add_estimated_employment(t, a.employment_estimate_from)
    elif a.cmd == "ionet-noncompetitive":
        t, info = build_noncompetitive(a.raw, name=a.name, region=a.region, year=a.year, source=src)
    else:
        t, info = build_competitive(a.raw, name=a.name, region=a.region, year=a.year, source=src)
    if getattr(a, "employment", None):
        report += add_national_employment(t, a.employment, a.year)
    write_table(t, a.outdir)
    if not a.quiet:
        x = t.total_output()
        print(f"{a.name}: n={t.n} GO={x.sum():,.1f} VA={t.va.sum():,.1f} "
              f"max balance residual={t.balance_residual().max():.2e} -> {a.outdir}")
        for line in info["raw_checks"] + report:
            print("   ", line)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ValueError, OSError) as e:  # raw-format, format and file errors: no traceback
        print(f"import_tables.py: error: {e}", file=sys.stderr)
        sys.exit(1)
