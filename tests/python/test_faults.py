"""Fault injection: full disks, read-only folders, device paths, symbolic-link loops, wrong file
types, unreadable files, deeply nested TOML, GBK text and hostile tables, against the real
binary. Every case asserts the exit status (2 = input, 3 = model), a located message (the file,
and its line or cell where there is one) and that nothing was written or destroyed.

A full disk is simulated two ways: a small tmpfs when the test runs as root and may mount one,
and otherwise (always, too) the writer's test hook ICSIM_TEST_WRITE_LIMIT=N, which makes writes
fail with ENOSPC after N bytes (include/icsim/io/atomic_file.hpp). Permission cases run icsim as
an unprivileged user (setpriv) when the test runs as root, since root reads everything."""
import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from icsim_testing import SOURCE_DIR, TABLES, icsim_bin, run

TABLE = TABLES / "zhejiang_2017_42"
SCENARIOS = SOURCE_DIR / "scenarios" / "ningbo"
# "制造业" in GB18030 (short GBK strings can be valid UTF-8 by chance: "农业" is)
GBK_NAME = "制造业".encode("gb18030")
IS_ROOT = os.geteuid() == 0


# ---- helpers ------------------------------------------------------------------------------------

def snapshot(folder: Path):
    """Every file under `folder` with its content hash: 'nothing written or destroyed'."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_symlink():
            out[str(p)] = "link:" + os.readlink(p)
        elif p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[str(p)] = "dir"
        else:
            out[str(p)] = "special"
    return out


def expect_failure(proc, status, *fragments):
    assert proc.returncode == status, f"exit {proc.returncode}, expected {status}:\n{proc.stderr}"
    for f in fragments:
        assert f in proc.stderr, f"message lacks {f!r}:\n{proc.stderr}"
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture
def table(tmp_path):
    t = tmp_path / "table"
    shutil.copytree(TABLE, t)
    return t


@pytest.fixture
def world_tmp():
    """A folder every user can reach (pytest's own is private to its user), for the cases that
    run icsim as an unprivileged user."""
    import tempfile
    d = Path(tempfile.mkdtemp(prefix="icsim_faults_", dir="/tmp"))
    d.chmod(0o755)
    yield d
    for p in [d, *d.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(d)


@pytest.fixture
def outdir(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    return d


def run_env(env, *args):
    return subprocess.run([icsim_bin(), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **env})


@contextlib.contextmanager
def tmpfs(path: Path, size: str, readonly=False):
    """A small tmpfs at `path` (root only); skips the test when mounting is not possible."""
    path.mkdir(exist_ok=True)
    if not IS_ROOT:
        pytest.skip("mounting a tmpfs needs root")
    opts = f"size={size}" + (",ro" if readonly else "")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


def as_unprivileged(args):
    """The command line to run icsim as a user without root's override of permissions."""
    if not IS_ROOT:
        return [icsim_bin(), *map(str, args)]
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permission checks cannot be tested")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", icsim_bin(),
            *map(str, args)]


# ---- full disk ----------------------------------------------------------------------------------

OUTPUT_OPTIONS = [
    ("--csv", "m.csv"),
    ("--leontief", "L.csv"),
    ("--write-table", "t2"),
    ("--out", "r.h5"),
]


@pytest.mark.parametrize("option,name", OUTPUT_OPTIONS)
def test_full_disk_tmpfs_leaves_nothing_and_keeps_the_old_file(tmp_path, option, name):
    with tmpfs(tmp_path / "small", "64k") as disk:
        old = disk / "old.csv"
        old.write_bytes(b"keep me\n")
        (disk / "filler").write_bytes(b"\0" * (60 * 1024))  # about 4 KiB left
        before = snapshot(disk)
        proc = run("io", TABLE, "--quiet", option, disk / name, check=False)
        expect_failure(proc, 2, str(disk / name))
        assert "No space left on device" in proc.stderr or "cannot" in proc.stderr
        assert snapshot(disk) == before, "a full disk must leave no file behind"


def test_full_disk_tmpfs_replacing_a_file_keeps_it_whole(tmp_path):
    with tmpfs(tmp_path / "small", "64k") as disk:
        target = disk / "L.csv"
        target.write_bytes(b"previous result\n")
        (disk / "filler").write_bytes(b"\0" * (60 * 1024))
        before = snapshot(disk)
        proc = run("io", TABLE, "--quiet", "--leontief", target, check=False)
        expect_failure(proc, 2, str(target), "No space left on device")
        assert snapshot(disk) == before


@pytest.mark.parametrize("option,name", OUTPUT_OPTIONS[:3])
def test_full_disk_hook_fails_every_text_output(outdir, option, name):
    proc = run_env({"ICSIM_TEST_WRITE_LIMIT": "100"}, "io", TABLE, "--quiet", option,
                   outdir / name)
    expect_failure(proc, 2, str(outdir / name), "No space left on device",
                   "nothing was written")
    assert snapshot(outdir) == {}


def test_a_failing_output_commits_none_of_the_others(outdir):
    """--csv and --leontief fit, --write-table does not: none of them may appear."""
    proc = run_env({"ICSIM_TEST_WRITE_LIMIT": "60000"}, "io", TABLE, "--quiet",
                   "--csv", outdir / "m.csv", "--leontief", outdir / "L.csv",
                   "--write-table", outdir / "t2")
    expect_failure(proc, 2, "No space left on device")
    assert snapshot(outdir) == {}


def test_two_outputs_naming_one_file_are_refused(outdir):
    proc = run("io", TABLE, "--quiet", "--csv", outdir / "m.csv",
               "--out", outdir / "r.h5", "--write-table", outdir / "r.h5", check=False)
    expect_failure(proc, 2, "--write-table", "the same file as --out")
    assert snapshot(outdir) == {}


def test_a_failing_out_leaves_no_csv(outdir):
    """The issue's case: --csv written, then --out fails; exit 2 must mean nothing written."""
    with tmpfs(outdir.parent / "small", "128k") as disk:
        (disk / "filler").write_bytes(b"\0" * (100 * 1024))
        proc = run("io", TABLE, "--quiet", "--csv", outdir / "m.csv", "--out", disk / "r.h5",
                   check=False)
        assert not (outdir / "m.csv").exists()
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
        expect_failure(proc, 2, "r.h5")


BASELINE = SCENARIOS / "baseline.toml"


def full_disk_run(disk, *args):
    """A command writing an HDF5 file onto a nearly full tmpfs: exit 2 naming the file, the
    reason, and no crash at exit (an HDF5 object left open used to end in SIGSEGV)."""
    (disk / "filler").write_bytes(b"\0" * (100 * 1024))
    proc = run(*args, "--quiet", check=False)
    assert proc.returncode == 2, f"exit {proc.returncode} (SIGSEGV is -11):\n{proc.stderr}"
    assert "No space left on device" in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr
    left = sorted(str(p.relative_to(disk)) for p in disk.rglob("*"))
    # a resumable run keeps its folder of finished blocks (none finished here), nothing else
    assert left in (["filler"], ["filler", "r.h5.parts"]), f"a full disk left {left}"
    return proc


@pytest.mark.parametrize("resumable", [False, True])
def test_full_disk_during_run_is_an_error_not_a_crash(tmp_path, resumable):
    with tmpfs(tmp_path / "small", "128k") as disk:
        proc = full_disk_run(disk, "run", BASELINE, "--replications", "4", "-o", disk / "r.h5",
                             *(["--resumable"] if resumable else []))
        assert str(disk / "r.h5") in proc.stderr


def two_shards(outdir):
    """The baseline's 4 replications as two shard files in outdir."""
    shards = [outdir / f"shard_{i}.h5" for i in (1, 2)]
    for i, shard in enumerate(shards, 1):
        run("run", BASELINE, "--replications", "4", "--shard", f"{i}/2", "--quiet", "-o", shard)
    return shards


def test_full_disk_during_merge_is_an_error_not_a_crash(tmp_path, outdir):
    shards = two_shards(outdir)
    before = snapshot(outdir)
    with tmpfs(tmp_path / "small", "128k") as disk:
        proc = full_disk_run(disk, "merge", *shards, "-o", disk / "merged.h5")
        assert str(disk / "merged.h5") in proc.stderr
    assert snapshot(outdir) == before


# ---- result files: -o of run, sweep, seek and merge ---------------------------------------------

SEEK_ARGS = ["--lever", "investment.output_per_investment", "--range", "0:0.08",
             "--target", "N361-2025-va-2030"]
ENSEMBLE_COMMANDS = {
    "run": ["run", BASELINE],
    "sweep": ["sweep", SCENARIOS / "sweep_investment_land.toml"],
    "seek": ["seek", BASELINE, *SEEK_ARGS],
}


@pytest.mark.parametrize("command", sorted(ENSEMBLE_COMMANDS))
@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_result_file_on_a_device_is_refused_before_work(command, device):
    proc = run(*ENSEMBLE_COMMANDS[command], "--quiet", "-o", device, check=False)
    expect_failure(proc, 2, device, "-o", "not a regular file")
    assert "Scenario" not in proc.stdout, "refused before any work"
    assert stat.S_ISCHR(os.stat(device).st_mode), f"{device} must still be a device"


@pytest.mark.parametrize("command", sorted(ENSEMBLE_COMMANDS))
def test_result_file_on_a_folder_fifo_or_the_scenario_is_refused(command, tmp_path):
    scenario = tmp_path / "s.toml"
    shutil.copy(BASELINE, scenario)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "folder").mkdir()
    args = [command, scenario, *ENSEMBLE_COMMANDS[command][2:]] if command != "sweep" else \
        ENSEMBLE_COMMANDS[command]
    before = snapshot(tmp_path)
    for target, fragment in [(tmp_path / "folder", "is a folder"),
                             (fifo, "not a regular file")]:
        proc = run(*args, "--quiet", "-o", target, check=False)
        expect_failure(proc, 2, str(target), fragment)
    if command != "sweep":
        proc = run(*args, "--quiet", "-o", scenario, check=False)
        expect_failure(proc, 2, str(scenario), "one of the command's inputs")
    assert snapshot(tmp_path) == before


def test_merge_refuses_to_overwrite_its_own_shard(outdir):
    shards = two_shards(outdir)
    before = snapshot(outdir)
    for target in [shards[0], shards[1]]:
        proc = run("merge", *shards, "-o", target, check=False)
        expect_failure(proc, 2, str(target), "one of the command's inputs")
    link = outdir / "link.h5"
    link.symlink_to(shards[1])
    proc = run("merge", *shards, "-o", link, check=False)
    expect_failure(proc, 2, str(link), "one of the command's inputs")
    link.unlink()
    for device in ["/dev/null", "/dev/full"]:
        proc = run("merge", *shards, "-o", device, check=False)
        expect_failure(proc, 2, device, "not a regular file")
        assert stat.S_ISCHR(os.stat(device).st_mode)
    assert snapshot(outdir) == before


# ---- read-only folders --------------------------------------------------------------------------

@pytest.mark.parametrize("option,name", OUTPUT_OPTIONS)
def test_read_only_folder_is_refused_before_work(tmp_path, option, name):
    with tmpfs(tmp_path / "ro", "64k", readonly=True) as ro:
        proc = run("io", TABLE, "--quiet", option, ro / name, check=False)
        expect_failure(proc, 2, str(ro / name), "Read-only file system")
        assert snapshot(ro) == {}


def test_read_only_folder_by_permissions(world_tmp):
    ro = world_tmp / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        cmd = as_unprivileged(["io", TABLE, "--quiet", "--csv", ro / "m.csv"])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        expect_failure(proc, 2, str(ro / "m.csv"), "cannot write in the folder")
        assert snapshot(ro) == {}
    finally:
        ro.chmod(0o755)


# ---- device paths, inputs and wrong file types as outputs ---------------------------------------

@pytest.mark.parametrize("option,device", [
    ("--out", "/dev/null"), ("--csv", "/dev/null"), ("--leontief", "/dev/full"),
    ("--write-table", "/dev/null"),
])
def test_device_paths_are_refused_and_stay_devices(option, device):
    proc = run("io", TABLE, "--quiet", option, device, check=False)
    expect_failure(proc, 2, device)
    assert stat.S_ISCHR(os.stat(device).st_mode), f"{device} must still be a device"
    assert not Path(device + ".tmp").exists()


def test_fifo_is_refused(outdir):
    fifo = outdir / "pipe"
    os.mkfifo(fifo)
    proc = run("io", TABLE, "--quiet", "--csv", fifo, check=False)
    expect_failure(proc, 2, str(fifo), "not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_outputs_may_not_replace_inputs(table, outdir):
    before = snapshot(table)
    for args, fragments in [
        (["--csv", table / "Z.csv"], ["Z.csv", "one of the command's inputs"]),
        (["--leontief", table / "sectors.csv"], ["sectors.csv", "one of the command's inputs"]),
        (["--write-table", table], ["--write-table", "one of the command's inputs"]),
        (["--out", table / "table.toml"], ["table.toml", "one of the command's inputs"]),
        (["--csv", outdir / "x.csv", "--leontief", outdir / "x.csv"], ["the same file as --csv"]),
    ]:
        proc = run("io", table, "--quiet", *args, check=False)
        expect_failure(proc, 2, *fragments)
    assert snapshot(table) == before
    assert snapshot(outdir) == {}


def test_write_table_onto_a_file_or_a_foreign_folder(outdir):
    f = outdir / "file.txt"
    f.write_text("mine")
    proc = run("io", TABLE, "--quiet", "--write-table", f, check=False)
    expect_failure(proc, 2, str(f), "is not a folder")
    other = outdir / "notes"
    other.mkdir()
    (other / "n.txt").write_text("mine")
    before = snapshot(outdir)
    proc = run("io", TABLE, "--quiet", "--write-table", other, check=False)
    expect_failure(proc, 2, str(other), "holds other files than a table")
    assert snapshot(outdir) == before


def test_write_table_replaces_a_table_folder_whole(outdir):
    run("io", TABLE, "--quiet", "--write-table", outdir / "t")
    run("io", TABLES / "china_2018_42", "--quiet", "--write-table", outdir / "t")
    assert "china" in (outdir / "t" / "table.toml").read_text().lower()
    assert sorted(p.name for p in outdir.iterdir()) == ["t"]
    run("io", outdir / "t", "--quiet")


def test_successful_outputs_leave_no_temporary_files(outdir):
    run("io", TABLE, "--quiet", "--csv", outdir / "m.csv", "--leontief", outdir / "L.csv",
        "--write-table", outdir / "t", "--out", outdir / "r.h5")
    assert sorted(p.name for p in outdir.iterdir()) == ["L.csv", "m.csv", "r.h5", "t"]
    run("io", outdir / "t", "--quiet")


# ---- symbolic-link loops, wrong types, unreadable files -----------------------------------------

def make_loop(a: Path, b: Path):
    a.symlink_to(b)
    b.symlink_to(a)


@pytest.mark.parametrize("victim", ["Z.csv", "imports.csv", "table.toml", "sectors.csv"])
def test_symlink_loop_in_a_table(table, victim):
    (table / victim).unlink()
    make_loop(table / victim, table / (victim + ".other"))
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, victim, "loop of symbolic links")


def test_symlink_loop_as_table_folder_and_scenario(tmp_path):
    make_loop(tmp_path / "a", tmp_path / "b")
    proc = run("io", tmp_path / "a", check=False)
    expect_failure(proc, 2, str(tmp_path / "a"), "loop of symbolic links")
    make_loop(tmp_path / "s.toml", tmp_path / "s2.toml")
    proc = run("validate", tmp_path / "s.toml", check=False)
    expect_failure(proc, 2, "s.toml", "loop of symbolic links")


@pytest.mark.parametrize("victim", ["Z.csv", "table.toml", "final_demand.csv", "imports.csv"])
def test_a_folder_where_a_file_should_be(table, victim):
    (table / victim).unlink()
    (table / victim).mkdir()
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, victim, "is a folder")


def test_a_device_where_a_table_file_should_be(table):
    (table / "Z.csv").unlink()
    (table / "Z.csv").symlink_to("/dev/zero")
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "Z.csv", "not a regular file")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_unreadable_input(world_tmp, what):
    table = world_tmp / "table"
    shutil.copytree(TABLE, table)
    victim = table / "Z.csv" if what == "file" else table
    for p in [table, *table.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    victim.chmod(0)
    try:
        proc = subprocess.run(as_unprivileged(["io", table, "--quiet"]), capture_output=True,
                              text=True)
        expect_failure(proc, 2, "permission denied")
    finally:
        victim.chmod(0o755)


# ---- deeply nested TOML -------------------------------------------------------------------------

def deep_key(n):
    return ".".join(["a"] * n)


@pytest.mark.parametrize("text,line", [
    (f"[scenario]\nname = 'x'\n{deep_key(100_000)} = 1\n", 3),
    (f"[{deep_key(100_000)}]\n", 1),
    (f"[[{deep_key(100_000)}]]\n", 1),
    ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", 1),
    ("x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n", 1),
], ids=["dotted-keys", "table-header", "array-of-tables-header", "arrays", "inline-tables"])
def test_deeply_nested_scenario_is_refused_before_parsing(tmp_path, text, line):
    s = tmp_path / "deep.toml"
    s.write_text(text)
    for command in ["validate", "run"]:
        proc = run(command, s, *(["-o", tmp_path / "r.h5"] if command == "run" else []),
                   check=False)
        expect_failure(proc, 2, f"deep.toml:{line}", "nested more than 64 levels")
    assert not (tmp_path / "r.h5").exists()


def test_deeply_nested_table_toml(table):
    with open(table / "table.toml", "a") as f:
        f.write(f"[{deep_key(100_000)}]\n")
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "table.toml:", "nested more than 64 levels")


def test_deeply_nested_set_value_is_not_parsed_as_toml(tmp_path):
    proc = run("validate", SCENARIOS / "baseline.toml", "--set",
               "scenario.name=" + "[" * 20_000 + "]" * 20_000, check=False)
    assert proc.returncode in (0, 2), proc.stderr
    assert "internal error" not in proc.stderr


# ---- GBK text -----------------------------------------------------------------------------------

def test_gbk_sector_names(table, outdir):
    text = (table / "sectors.csv").read_bytes()
    lines = text.split(b"\n")
    fields = lines[1].split(b",")
    fields[2] = GBK_NAME
    lines[1] = b",".join(fields)
    (table / "sectors.csv").write_bytes(b"\n".join(lines))
    proc = run("io", table, "--quiet", "--out", outdir / "r.h5", check=False)
    expect_failure(proc, 2, "sectors.csv:2: column", "GB18030/GBK", "制造业", "UTF-8")
    assert snapshot(outdir) == {}


def test_gbk_concordance(table, tmp_path):
    conc = tmp_path / "c.csv"
    conc.write_bytes(b"cluster,sector,weight,cluster_name\nchem,12,1," + GBK_NAME + b"\n")
    proc = run("io", table, "--quiet", "--concordance", f"X={conc}", check=False)
    expect_failure(proc, 2, "c.csv:2: column", "GB18030/GBK")


def test_gbk_district_file(tmp_path):
    districts = (SOURCE_DIR / "scenarios" / "data" / "ningbo" / "districts.csv").read_bytes()
    bad = tmp_path / "districts.csv"
    bad.write_bytes(districts.replace("海曙区".encode(), "海曙区".encode("gb18030"), 1))
    s = tmp_path / "s.toml"
    s.write_text(f"extends = '{SCENARIOS / 'baseline.toml'}'\n[firms]\ndistricts = '{bad}'\n")
    proc = run("validate", s, check=False)
    expect_failure(proc, 2, "districts.csv:2: column", "GB18030/GBK", "海曙区")


def test_gbk_scenario_file(tmp_path):
    s = tmp_path / "s.toml"
    s.write_bytes(b"[scenario]\nname = '" + GBK_NAME + b"'\n")
    proc = run("validate", s, check=False)
    expect_failure(proc, 2, "s.toml:2:", "GB18030/GBK", "制造业")


def test_utf16_table_file(table):
    text = (table / "sectors.csv").read_text(encoding="utf-8")
    (table / "sectors.csv").write_bytes(text.encode("utf-16"))
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "sectors.csv:1", "UTF-16")


# ---- hostile tables -----------------------------------------------------------------------------

def edit_cell(table, file, row_code, col, value):
    """Sets the cell (row starting with `row_code`, column index `col`) of a table CSV."""
    lines = (table / file).read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.split(",")[0] == row_code:
            fields = line.split(",")
            fields[col] = value
            lines[i] = ",".join(fields)
            break
    else:
        raise AssertionError(f"{row_code} not in {file}")
    (table / file).write_text("\n".join(lines), encoding="utf-8")
    return i + 1


@pytest.mark.parametrize("value,fragment", [
    ("1e400", "is too large"), ("-1e400", "is too large"), ("0x1p3", "hexadecimal"),
    ("inf", "NaN and Inf"), ("nan", "NaN and Inf"), ("\"1,5\"", "decimal commas"),
    ("1.5.2", "expected a number"), ("１２", "expected a number"),
])
def test_bad_numbers_are_refused_with_the_cell(table, outdir, value, fragment):
    line = edit_cell(table, "Z.csv", "12", 3, value)
    proc = run("io", table, "--quiet", "--csv", outdir / "m.csv", check=False)
    expect_failure(proc, 2, f"Z.csv:{line}", "column '03'", fragment)
    assert snapshot(outdir) == {}


def test_totals_overflowing_to_inf_are_refused(table):
    edit_cell(table, "Z.csv", "12", 3, "1.7e308")
    edit_cell(table, "Z.csv", "12", 4, "1.7e308")
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "row total of sector '12'", "overflows", "1.7e+308")


def test_zero_output_sector_with_purchases_is_refused(tmp_path):
    # Sector 03 of Zhejiang 2017 produces nothing; make it buy from 12 and balance the column
    # with a negative value added.
    table = tmp_path / "t"
    shutil.copytree(TABLE, table)
    header = (table / "Z.csv").read_text().split("\n")[0].split(",")
    col = header.index("03")
    edit_cell(table, "Z.csv", "12", col, "5")
    va = (table / "value_added.csv").read_text().split("\n")
    vheader = va[0].split(",")
    edit_cell(table, "value_added.csv", "operating_surplus", vheader.index("03"), "-5")
    # 12's row total rose by 5: take it from its first final-demand column
    fd = (table / "final_demand.csv").read_text().split("\n")
    row = next(l for l in fd if l.startswith("12,")).split(",")
    row[1] = repr(float(row[1]) - 5)
    edit_cell(table, "final_demand.csv", "12", 1, row[1])
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "sector '03'", "zero total output", "Z.csv row '12'")


@pytest.mark.parametrize("label,fragment", [
    ("output", "label 'output'"), ("investment", "investment_multiplier"),
    ("compensation_investment", "collides with label 'compensation'"), ("a/b", "'/'"),
])
def test_labels_colliding_with_reserved_names(table, label, fragment):
    text = (table / "satellites.csv").read_text()
    (table / "satellites.csv").write_text(text.replace("\nemployment,", f"\n{label},", 1))
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, str(table), fragment)


def test_absurd_year_is_refused(table):
    text = (table / "table.toml").read_text()
    (table / "table.toml").write_text(text.replace("year = 2017", "year = 1000000000000"))
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "table.toml:", "year from 1900 to 2200", "1000000000000")


def test_semicolon_export_is_explained(table):
    text = (table / "sectors.csv").read_text(encoding="utf-8-sig")
    (table / "sectors.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    proc = run("io", table, "--quiet", check=False)
    expect_failure(proc, 2, "sectors.csv:1", "separated by ';'")


@pytest.mark.parametrize("command", [["io", TABLE], ["run", SCENARIOS / "baseline.toml"],
                                     ["seek", SCENARIOS / "baseline.toml"]])
def test_negative_threads_are_refused(command):
    proc = run(*command, "--threads", "-1", check=False)
    expect_failure(proc, 2, "--threads -1", "expected 0 (all cores)")
