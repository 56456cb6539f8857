"""Regression test against committed reference results (tests/reference/).

A few fixed cases — the Ningbo baseline at a small replication count with the firm model on and
off, the 2017 backtest, a two-point sweep and a seek — are run with the current binary, and every
dataset and attribute of each result file is compared number for number, bit for bit, with the
committed text dump `tests/reference/<case>.txt`. Only the attributes that describe the run rather
than its numbers (creation time, version, git commit, thread and process counts) are left out.

A change that moves a reference result must say why in its commit. To rewrite the references
after such a change:

    ICSIM_UPDATE_REFERENCES=1 ctest --preset release -R reference
    # or: ICSIM_BIN=build/release/icsim /usr/bin/python3 tests/python/test_reference_results.py --update

then look at `git diff tests/reference/` before committing.
"""
import math
import os
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from icsim_testing import SOURCE_DIR, run  # noqa: E402

REFERENCE_DIR = SOURCE_DIR / "tests" / "reference"
NINGBO = SOURCE_DIR / "scenarios" / "ningbo"
# Attributes that describe how and when a file was written, not what was computed.
VOLATILE_ATTRIBUTES = {"created_utc", "icsim_version", "git_commit", "threads", "processes"}

# name -> icsim arguments (the output file is appended). Small replication counts keep the files
# small and the test to seconds (the point is identity, not statistics); --threads 2 on purpose:
# results do not depend on it.
CASES = {
    "baseline_firms": ["run", NINGBO / "baseline.toml", "-n", "3", "--threads", "2"],
    "baseline_io": ["run", NINGBO / "baseline.toml", "-n", "4", "--threads", "2",
                    "--set", "firms.enabled=false"],
    "backtest_2017": ["run", NINGBO / "backtest_2017.toml", "-n", "4", "--threads", "2"],
    "sweep_two_points": ["sweep", REFERENCE_DIR / "sweep_two_points.toml", "-n", "2",
                         "--threads", "2"],
    "seek_t17": ["seek", NINGBO / "baseline.toml", "--lever", "programme.shuangbai.investment",
                 "--range", "570:3000", "--target", "T17", "--probability", "0.5",
                 "-n", "12", "--set", "firms.enabled=false", "--threads", "2"],
}


def _format_value(v):
    if isinstance(v, bytes):
        v = v.decode("utf-8")
    if isinstance(v, str):
        # paths in the file name the checkout: compare them relative to it
        return repr(v.replace(str(SOURCE_DIR), "<source>"))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return "nan" if math.isnan(f) else repr(f)  # repr round-trips every double exactly
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    raise TypeError(f"unexpected value {v!r} of type {type(v)}")


def _format_array(a):
    a = np.asarray(a)
    if a.dtype.kind == "O" or a.dtype.kind in "SU":
        return [_format_value(x) for x in a.reshape(-1)]
    if a.dtype.kind == "f":
        return [_format_value(x) for x in a.reshape(-1).astype(np.float64)]
    if a.dtype.kind in "iub":
        return [_format_value(x) for x in a.reshape(-1)]
    if a.dtype.names:  # compound: one value per field
        return [" ".join(_format_value(row[n]) for n in a.dtype.names) for row in a.reshape(-1)]
    raise TypeError(f"unexpected dtype {a.dtype}")


def dump(path):
    """Every dataset and attribute of an HDF5 file as sorted lines of text: one header line per
    object and attribute, then one line per value."""
    lines = []

    def attributes(name, obj):
        for key in sorted(obj.attrs.keys()):
            if key in VOLATILE_ATTRIBUTES or key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue
            value = obj.attrs[key]
            values = _format_array(value) if np.ndim(value) else [_format_value(
                value.item() if isinstance(value, np.generic) else value)]
            lines.append(f"@ {name}#{key} [{len(values)}] " + " ".join(values))

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            if obj.shape is None:  # empty dataspace
                lines.append(f"= {name} null")
            else:
                lines.append(f"= {name} {obj.dtype.kind} {list(obj.shape)}")
                lines.extend(_format_array(obj[()]))
        else:
            lines.append(f"+ {name}")
        attributes(name, obj)

    with h5py.File(path, "r") as f:
        attributes("/", f)
        f.visititems(visit)
    return lines


def compute(case, workdir):
    out = Path(workdir) / f"{case}.h5"
    run(*CASES[case], "-o", out, "-q")
    return dump(out)


def _differences(expected, actual, limit=20):
    """The first `limit` differing lines, each with its object (the last header line)."""
    diffs, header = [], "(file)"
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else "<missing>"
        a = actual[i] if i < len(actual) else "<missing>"
        if e[:2] in ("= ", "+ ", "@ "):
            header = e
        if e != a:
            diffs.append(f"line {i + 1} in {header}:\n    reference: {e[:200]}\n    now:       {a[:200]}")
            if len(diffs) >= limit:
                break
    return diffs


def _update_requested():
    return os.environ.get("ICSIM_UPDATE_REFERENCES", "") not in ("", "0")


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference(case, tmp_path):
    reference = REFERENCE_DIR / f"{case}.txt"
    actual = compute(case, tmp_path)
    if _update_requested():
        reference.write_text("\n".join(actual) + "\n", encoding="utf-8")
        return
    assert reference.exists(), (f"{reference} is missing: run with ICSIM_UPDATE_REFERENCES=1 "
                                "to create it")
    expected = reference.read_text(encoding="utf-8").splitlines()
    diffs = _differences(expected, actual)
    assert not diffs, (f"{case}: the result differs from {reference.name} "
                       f"({len(expected)} reference lines, {len(actual)} now); first differences:\n"
                       + "\n".join(diffs) + "\nIf the change is intended, rerun with "
                       "ICSIM_UPDATE_REFERENCES=1 and say why in the commit.")


def test_dump_sees_a_change(tmp_path):
    """The comparison is not blind: a one-ulp change in one value of a real result is found."""
    out = tmp_path / "one.h5"
    run(*CASES["baseline_io"], "-o", out, "-q")
    before = dump(out)
    with h5py.File(out, "r+") as f:
        ds = f["region/gdp"]
        values = ds[()]
        flat = values.reshape(-1)
        flat[3] = np.nextafter(flat[3], np.inf)
        ds[()] = values
    diffs = _differences(before, dump(out))
    assert len(diffs) == 1 and "region/gdp" in diffs[0]


if __name__ == "__main__":
    import tempfile

    if "--update" not in sys.argv[1:]:
        sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
    with tempfile.TemporaryDirectory() as work:
        for name in sorted(CASES):
            lines = compute(name, work)
            (REFERENCE_DIR / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(f"wrote tests/reference/{name}.txt ({len(lines)} lines)")
