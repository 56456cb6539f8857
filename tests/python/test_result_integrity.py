"""The result seal (docs/results.md, "Integrity"): every result file icsim writes carries, in
its 512-byte HDF5 user block, the length and XXH3-128 checksum of the rest, and every command
that reads a result checks it before HDF5 parses a byte. Damaged files (bit flips anywhere,
truncated, extended) are refused with exit 2 and a message naming the file, never a crash,
a hang or HDF5's "infinite loop closing library"; files without a seal (older icsim) are read
as before; and the seal does not disturb other HDF5 readers (h5py, xarray)."""
import random
import shutil
import subprocess

import h5py
import pytest

from icsim_testing import SOURCE_DIR, icsim_bin, run

SCENARIO = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
USER_BLOCK = 512


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("sealed") / "base.h5"
    run("run", SCENARIO, "-n", "2", "--set", "firms.enabled=false", "-o", out)
    return out


def icsim(*args):
    return subprocess.run([icsim_bin(), *map(str, args)], capture_output=True, timeout=120)


def assert_refused(proc, path, fragment):
    stderr = proc.stderr.decode("utf-8")  # the message itself must be valid UTF-8
    assert proc.returncode == 2, f"exit {proc.returncode}:\n{stderr}"
    assert str(path) in stderr and fragment in stderr, stderr
    assert "infinite loop" not in stderr and "internal error" not in stderr, stderr


def test_seal_header_names_the_length(result):
    data = result.read_bytes()
    header = data[:USER_BLOCK].rstrip(b"\0").decode("ascii").splitlines()
    assert header[0] == "icsim-result-seal 1"
    assert header[1] == f"bytes {len(data) - USER_BLOCK}"
    assert header[2].startswith("xxh3-128 ") and len(header[2]) == 9 + 32
    assert data[USER_BLOCK:USER_BLOCK + 8] == b"\x89HDF\r\n\x1a\n"


def test_other_readers_skip_the_seal(result):
    with h5py.File(result, "r") as f:
        assert f.userblock_size == USER_BLOCK
        assert "targets" in f
    xarray = pytest.importorskip("xarray")
    with xarray.open_dataset(result, group="targets", engine="h5netcdf") as ds:
        assert ds.sizes


def test_intact_file_is_read(result):
    proc = icsim("compare", result, result)
    assert proc.returncode == 0, proc.stderr.decode()


@pytest.mark.parametrize("seed", range(24))
def test_bit_flips_are_refused(result, tmp_path, seed):
    rng = random.Random(seed)
    data = bytearray(result.read_bytes())
    # the seal itself, the HDF5 superblock and object headers near the start, and anywhere
    region = [USER_BLOCK, USER_BLOCK + 4096, len(data)][seed % 3]
    for _ in range(rng.choice([1, 1, 3, 20])):
        data[rng.randrange(region)] ^= 1 << rng.randrange(8)
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(bytes(data))
    if bytes(data) == result.read_bytes():
        pytest.skip("the flips cancelled out")
    assert_refused(icsim("compare", damaged, result), damaged, "damaged")
    out = tmp_path / "merged.h5"
    assert_refused(icsim("merge", result, damaged, "-o", out), damaged, "damaged")
    assert not out.exists()


@pytest.mark.parametrize("change", ["truncated", "extended"])
def test_length_changes_are_refused(result, tmp_path, change):
    data = result.read_bytes()
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(data[:-1000] if change == "truncated" else data + b"\0" * 100)
    assert_refused(icsim("compare", damaged, result), damaged, change)


def test_file_rewritten_by_another_program_is_refused(result, tmp_path):
    # h5repack keeps the user block but rewrites everything after it
    if shutil.which("h5repack") is None:
        pytest.skip("h5repack not installed")
    copy = tmp_path / "repacked.h5"
    subprocess.run(["h5repack", str(result), str(copy)], check=True)
    assert_refused(icsim("compare", copy, result), copy, "damaged")


def test_hdf5_with_a_foreign_user_block_is_refused(tmp_path, result):
    other = tmp_path / "lookalike.h5"
    with h5py.File(other, "w", userblock_size=USER_BLOCK) as f:
        f.create_group("targets")
    assert_refused(icsim("compare", other, result), other, "no result seal")


def test_unsealed_file_from_an_older_icsim_is_still_read(result, tmp_path):
    legacy = tmp_path / "legacy.h5"
    with h5py.File(result, "r") as src, h5py.File(legacy, "w", track_order=True) as dst:
        for name, value in src.attrs.items():
            dst.attrs[name] = value
        for name in src:
            src.copy(src[name], dst, name=name)
    assert legacy.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    proc = icsim("compare", legacy, result)
    assert proc.returncode == 0, proc.stderr.decode()


@pytest.fixture(scope="module")
def legacy(result, tmp_path_factory):
    """The result without a seal, as an icsim older than the seal wrote it."""
    path = tmp_path_factory.mktemp("legacy") / "legacy.h5"
    with h5py.File(result, "r") as src, h5py.File(path, "w", track_order=True) as dst:
        for name, value in src.attrs.items():
            dst.attrs[name] = value
        for name in src:
            src.copy(src[name], dst, name=name)
    return path


@pytest.mark.parametrize("seed", range(24))
def test_bit_flips_in_an_unsealed_file_never_crash(legacy, result, tmp_path, seed):
    # Without a checksum a flip in a number cannot be seen (exit 0 is then right); a damaged
    # structure is read in a child process first, so HDF5's crashes and its "infinite loop
    # closing library" end as exit 2 naming the file, and no text that is not UTF-8 is printed.
    rng = random.Random(1000 + seed)
    data = bytearray(legacy.read_bytes())
    region = [4096, 16384, len(data)][seed % 3]
    for _ in range(rng.choice([1, 3, 20])):
        data[rng.randrange(region)] ^= 1 << rng.randrange(8)
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(bytes(data))
    proc = icsim("compare", damaged, result)
    stdout, stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert proc.returncode in (0, 2), f"exit {proc.returncode}:\n{stderr}"
    assert "infinite loop" not in stderr and "internal error" not in stderr, stderr
    if proc.returncode == 2:
        assert str(damaged) in stderr, stderr
    else:
        assert stdout
