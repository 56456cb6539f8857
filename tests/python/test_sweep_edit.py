"""A sweep reads its points' scenario when the work reaches them; an edit of the scenario file
while the sweep runs is refused (exit status 2, naming the file), and no result file is written,
rather than a file whose later points ran another scenario. The sweep runs the 2017 backtest
(input-output only) with many replications a point, so that the edit lands between points."""
import subprocess
import time

from icsim_testing import SOURCE_DIR, icsim_bin

BACKTEST = SOURCE_DIR / "scenarios" / "ningbo" / "backtest_2017.toml"


def test_an_edit_during_a_sweep_is_refused(tmp_path):
    scenario = tmp_path / "sweep.toml"
    text = (f'extends = "{BACKTEST.as_posix()}"\n\n[scenario]\nreplications = 3000\n\n'
            '[sweep]\nmethod = "grid"\n\n[[sweep.parameter]]\n'
            'key = "investment.output_per_investment"\nlow = 1.0\nhigh = 2.0\nsteps = 40\n')
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "sweep.h5"
    proc = subprocess.Popen([icsim_bin(), "sweep", str(scenario), "-o", str(out), "-t", "1",
                             "--resumable", "--block", "3000", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parts = tmp_path / "sweep.h5.parts"
    deadline = time.monotonic() + 120
    # Wait for the first finished point, then change a value of the scenario.
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.is_dir() and any(parts.iterdir()):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the sweep ended before the edit: make its points slower"
    scenario.write_text(text.replace("replications = 3000", "replications = 3000\n"
                                     "description = \"edited\""), encoding="utf-8")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2, (stdout, stderr)
    assert f"{scenario}: the scenario (or a file it extends) changed while the sweep ran" in stderr
    assert not out.exists()
