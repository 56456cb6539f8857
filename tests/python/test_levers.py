"""Levers move their documented outcomes (docs/scenario-reference.md): raising the lever at
the shipped Ningbo baseline moves the outcome in the documented direction by a non-trivial
amount. Paired medians over replications (the runs share random numbers).

- programme.shuangbai.investment 570 -> 3,000 亿: 2022 industrial investment rises by at least
  80 % of what it rises without the firm model (the programme's projects get their land first,
  land.programme_land = "guaranteed"); with "queue" most of it waits for land (the mechanism
  the guarantee removes), which the test also shows."""
import h5py
import numpy as np
import pytest

from icsim_testing import SOURCE_DIR, run

BASELINE = SOURCE_DIR / "scenarios" / "ningbo" / "baseline.toml"
REPS = "8"


def series(path, variable, year):
    with h5py.File(path, "r") as f:
        years = list(f["region"]["year"][:])
        return f["region"][variable][0, :, years.index(year)]


def shuangbai(tmp_path, investment, *extra):
    out = tmp_path / f"sb_{investment}_{'_'.join(e.replace('=', '-') for e in extra)}.h5"
    args = ["run", BASELINE, "-n", REPS, "-q", "-o", out,
            "--set", f"programme.shuangbai.investment={investment}"]
    for e in extra:
        args += ["--set", e]
    run(*args)
    return out


def paired_rise(tmp_path, *extra):
    low, high = shuangbai(tmp_path, 570, *extra), shuangbai(tmp_path, 3000, *extra)
    return float(np.median(series(high, "industrial_investment", 2022)
                           - series(low, "industrial_investment", 2022)))


@pytest.fixture(scope="module")
def without_firms(tmp_path_factory):
    return paired_rise(tmp_path_factory.mktemp("levers"), "firms.enabled=false")


def test_shuangbai_reaches_industrial_investment_with_the_firm_model(tmp_path, without_firms):
    assert without_firms > 300  # 2,430 亿 more over 2022-24, part of it in 2022
    with_firms = paired_rise(tmp_path)
    assert with_firms >= 0.8 * without_firms, (with_firms, without_firms)


def test_queued_programme_land_swallows_most_of_the_lever(tmp_path, without_firms):
    queued = paired_rise(tmp_path, 'land.programme_land="queue"')
    assert 0 < queued < 0.3 * without_firms, (queued, without_firms)
