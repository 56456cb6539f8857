"""The documented maximums run or are refused before any work (docs/scenario-reference.md):
scenario.replications up to 10,000,000 when the results fit in memory, else exit 2 with the
figures; a Latin hypercube of 1,000,000 points starts at once with memory of one point (points
are loaded when the work reaches them). Memory limits are set with ulimit -v (RLIMIT_AS) in the
child process only."""
import resource
import signal
import subprocess
import time

from icsim_testing import SOURCE_DIR, icsim_bin

BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"


def limited(gigabytes):
    def apply():
        limit = int(gigabytes * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def test_ten_million_replications_are_refused_with_the_figures(tmp_path):
    out = tmp_path / "big.h5"
    start = time.monotonic()
    proc = subprocess.run([icsim_bin(), "run", BASELINE, "-n", "10000000", "-q", "-o", out],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "scenario.replications = 10000000" in proc.stderr
    assert "a replication" in proc.stderr and "replications fit here" in proc.stderr
    assert "internal error" not in proc.stderr and "bad_alloc" not in proc.stderr
    assert time.monotonic() - start < 60  # refused before any work
    assert list(tmp_path.iterdir()) == []


def run_io_only(replications, out, gigabytes):
    """icsim run of the baseline without the firm model under ulimit -v `gigabytes`."""
    return subprocess.run([icsim_bin(), "run", BASELINE, "-n", str(replications), "--set",
                           "firms.enabled=false", "-q", "-o", out],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=limited(gigabytes))


def test_address_space_limit_is_named(tmp_path):
    out = tmp_path / "r.h5"
    proc = run_io_only(200000, out, 1.5)
    assert proc.returncode == 2, proc.stderr
    assert "ulimit -v" in proc.stderr and "replications fit here" in proc.stderr
    # the count it names does fit under the same limit (a small one, to keep the test short)
    fit = int(proc.stderr.split("At most ")[1].split(" ")[0])
    assert 1000 < fit < 200000
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_fits_runs_under_a_limit(tmp_path):
    out = tmp_path / "r.h5"
    proc = run_io_only(2000, out, 1.5)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_a_million_point_latin_hypercube_starts_at_once(tmp_path):
    sweep = tmp_path / "lhs.toml"
    sweep.write_text(f"""extends = "{BASELINE}"
[scenario]
replications = 2
[sweep]
method = "latin_hypercube"
samples = 1000000
seed = 3
[[sweep.parameter]]
key = "firms.land_supply_scale"
low = 0.5
high = 2.0
""", encoding="utf-8")
    out = tmp_path / "lhs.h5"
    proc = subprocess.Popen([icsim_bin(), "sweep", sweep, "--set", "firms.enabled=false",
                             "--progress", "-o", out], stderr=subprocess.PIPE, text=True,
                            preexec_fn=limited(3))
    seen = ""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "replications " in line and "/2000000" in line:
            break
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[1]
    assert "/2000000" in seen, seen + rest
    assert "bad_alloc" not in seen + rest and "internal error" not in seen + rest
    assert "interrupted" in rest
    assert not out.exists()
