"""Fault injection for `icsim report`: truncated, bit-flipped and look-alike result files, full
disks (a small tmpfs when the test runs as root, and always the write hook
ICSIM_TEST_WRITE_LIMIT), and output folders it must not replace. Every case asserts the exit
status, a located message (the file, and the object or the reason), no Python traceback, and
that nothing was written or destroyed: no temporary folder beside the target, an earlier
folder left byte for byte as it was."""
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from icsim_testing import baseline_without_firms, SOURCE_DIR, icsim_bin
from test_faults import snapshot, tmpfs
from test_report import report, write_sweep


def expect_failure(proc, *fragments):
    assert proc.returncode == 2, f"exit {proc.returncode}, expected 2:\n{proc.stderr}"
    for f in fragments:
        assert f in proc.stderr, f"message lacks {f!r}:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def real_result(tmp_path_factory):
    """A small result written by icsim itself (2 replications, no firm model)."""
    folder = tmp_path_factory.mktemp("real")
    return baseline_without_firms(folder / "run.h5", 2)


def report_env(result, out, env):
    return subprocess.run([icsim_bin(), "report", str(result), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=300)


# ---- damaged and look-alike inputs ---------------------------------------------------------

@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_truncated_result_is_refused_before_plotting(real_result, tmp_path, keep):
    data = real_result.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(data[:int(len(data) * keep)])
    before = snapshot(tmp_path)
    done = report(cut, tmp_path / "out")
    expect_failure(done, str(cut))
    assert snapshot(tmp_path) == before


def test_flipped_bytes_never_crash_and_leave_nothing(real_result, tmp_path):
    """Bit flips across the file (superblock, object headers, B-trees, heaps, the scenario
    text, data): each run refuses the file (exit 2, located) or, where the flip only changed a
    stored number, reads it and goes on to write — stopped at the first write by the full-disk
    hook, which keeps the test fast and checks that path too. Never a traceback or a crash, and
    nothing is left."""
    data = bytearray(real_result.read_bytes())
    damaged = 0
    offsets = list(range(0, 2048, 211)) + list(range(2048, min(len(data), 65536), 7001))
    for k, offset in enumerate(offsets):
        flipped = bytearray(data)
        flipped[offset] ^= 0xFF
        path = tmp_path / f"flip-{k}.h5"
        path.write_bytes(bytes(flipped))
        out = tmp_path / f"out-{k}"
        done = report_env(path, out, {"ICSIM_TEST_WRITE_LIMIT": "0"})
        where = f"offset {offset}: exit {done.returncode}\n{done.stderr}"
        expect_failure(done)
        if "No space left on device" not in done.stderr:
            damaged += 1
            assert f"error: {path}: " in done.stderr, where
        path.unlink()
        assert sorted(p.name for p in tmp_path.iterdir()) == [], where
    assert damaged > len(offsets) // 2


def test_flipped_superblock_is_located(real_result, tmp_path):
    data = bytearray(real_result.read_bytes())
    start = data.find(b"\x89HDF\r\n\x1a\n")  # after the seal's user block, if any
    data[start + 8] ^= 0xFF  # the superblock's version
    path = tmp_path / "flip.h5"
    path.write_bytes(bytes(data))
    done = report(path, tmp_path / "out")
    expect_failure(done, f"error: {path}: ")
    assert not (tmp_path / "out").exists()


def test_look_alike_file_names_what_is_missing(tmp_path):
    path = tmp_path / "look-alike.h5"
    with h5py.File(path, "w") as f:
        f.attrs["icsim_version"] = "0.1.0"
        t = f.create_group("targets")
        t["target"] = np.array([b"T1"])
        t["text"] = np.array([b"x"])
    done = report(path, tmp_path / "out")
    expect_failure(done, str(path), "/targets/operator is missing")
    assert not (tmp_path / "out").exists()


def test_look_alike_with_wrong_dimensions(tmp_path):
    path = tmp_path / "sweep.h5"
    write_sweep(path)
    with h5py.File(path, "a") as f:
        del f["targets/probability_low"]
        f["targets/probability_low"] = np.zeros((3, 7))
    done = report(path, tmp_path / "out")
    expect_failure(done, str(path), "/targets/probability_low", "dimension point has length 3")


def test_hdf5_without_icsim_attribute_and_plain_text(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    expect_failure(report(other, tmp_path / "out"), str(other), "not an icsim result file")
    text = tmp_path / "text.h5"
    text.write_text("hello\n")
    expect_failure(report(text, tmp_path / "out"), str(text), "not an HDF5 file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.h5", "text.h5"]


# ---- the output folder ---------------------------------------------------------------------

@pytest.fixture
def sweep_file(tmp_path):
    path = tmp_path / "in" / "sweep.h5"
    path.parent.mkdir()
    write_sweep(path)
    return path


def test_full_disk_hook_leaves_nothing(sweep_file, tmp_path):
    out = tmp_path / "out" / "report"
    out.parent.mkdir()
    for limit in ("0", "20000", "90000"):
        done = report_env(sweep_file, out, {"ICSIM_TEST_WRITE_LIMIT": limit})
        expect_failure(done, str(out), "No space left on device", "nothing was written")
        assert list(out.parent.iterdir()) == []


def test_full_disk_hook_keeps_the_earlier_report(sweep_file, tmp_path):
    out = tmp_path / "report"
    assert report(sweep_file, out).returncode == 0
    before = snapshot(out)
    done = report_env(sweep_file, out, {"ICSIM_TEST_WRITE_LIMIT": "50000"})
    expect_failure(done, "No space left on device")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "report"]


def test_full_disk_tmpfs(sweep_file, tmp_path):
    with tmpfs(tmp_path / "small", "96k") as disk:
        out = disk / "report"
        done = report(sweep_file, out)
        expect_failure(done, str(out), "No space left on device")
        assert list(disk.iterdir()) == []
        # an earlier (small) report there stays whole
        out.mkdir()
        (out / "index.html").write_text('<meta name="generator" content="icsim report 0">')
        before = snapshot(disk)
        expect_failure(report(sweep_file, out), "No space left on device")
        assert snapshot(disk) == before


def test_rerun_replaces_an_earlier_report_whole(sweep_file, tmp_path):
    out = tmp_path / "report"
    assert report(sweep_file, out).returncode == 0
    stale = out / "999-stale-chart.png"
    stale.write_bytes(b"\x89PNG old")
    done = report(sweep_file, out)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "report"]


def test_a_folder_with_other_files_is_not_replaced(sweep_file, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "index.html").write_text("<p>my page</p>")
    before = snapshot(tmp_path)
    done = report(sweep_file, out)
    expect_failure(done, str(out), "did not write", "notes.txt")
    assert snapshot(tmp_path) == before
    # a page without the report's generator tag is not the report's either
    (out / "notes.txt").unlink()
    before = snapshot(tmp_path)
    expect_failure(report(sweep_file, out), "did not write", "index.html")
    assert snapshot(tmp_path) == before


def test_an_empty_folder_is_filled(sweep_file, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert report(sweep_file, out).returncode == 0
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("target", ["file", "device", "missing-parent", "input"])
def test_output_that_is_not_a_folder_to_write(sweep_file, tmp_path, target):
    out = {"file": tmp_path / "a-file", "device": Path("/dev/null"),
           "missing-parent": tmp_path / "no" / "such" / "folder",
           "input": sweep_file}[target]
    if target == "file":
        out.write_text("keep me")
    before = snapshot(tmp_path)
    done = report(sweep_file, out)
    expect_failure(done, str(out))
    assert snapshot(tmp_path) == before
    assert Path("/dev/null").is_char_device()
