"""The engine's modules depend one way. Each folder of engine/ (and include/icsim/) is a layer
and may include only its own headers and those of the layers below it:

    common <- io <- abm <- results <- scenario <- output <- experiment <- cli

CMake builds one library per folder linked in the same order (engine/CMakeLists.txt), so a
call against the direction also fails to link; this test catches includes, which the linker
does not see (templates, inline functions, types)."""
import re
from pathlib import Path

from icsim_testing import SOURCE_DIR

LAYERS = ["common", "io", "abm", "results", "scenario", "output", "experiment", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"icsim/([a-z_]+)/', re.M)
# No file outside the repository or issue tracker is cited by the code or the docs.
OUTSIDE = re.compile(r"MODEL\.md|RESULTS\.md|/shared/|\.\./shared|design note|\b[Ii]ssue \d+"
                     r"|ningbo_facts\.md|seed_targets\.csv|ningbo_published_to_2021")


def module_of(path):
    parts = path.relative_to(SOURCE_DIR).parts
    if parts[0] == "engine":
        return parts[1]
    if parts[:2] == ("include", "icsim"):
        return parts[2]
    return None


def sources():
    for root in (SOURCE_DIR / "engine", SOURCE_DIR / "include" / "icsim"):
        for path in sorted(root.rglob("*")):
            if path.suffix in (".cpp", ".hpp", ".in") and path.is_file():
                yield path


def test_every_folder_is_a_known_layer():
    modules = {module_of(p) for p in sources()}
    assert modules <= set(LAYERS), f"folders that are not layers: {modules - set(LAYERS)}"


def test_includes_go_down_only():
    wrong = []
    for path in sources():
        here = LAYERS.index(module_of(path))
        for included in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if included not in LAYERS or LAYERS.index(included) > here:
                wrong.append(f"{path.relative_to(SOURCE_DIR)} includes icsim/{included}/")
    assert not wrong, "includes against the layer order:\n" + "\n".join(wrong)


def test_engine_libraries_follow_the_layers():
    """engine/CMakeLists.txt declares one library per layer, each linking only the one below."""
    text = (SOURCE_DIR / "engine" / "CMakeLists.txt").read_text(encoding="utf-8")
    for layer in LAYERS[:-1]:
        assert re.search(rf"icsim_add_layer\(\s*{layer}\b", text), f"no library for {layer}"


def test_source_files_stay_small():
    """About 600 lines at most per source file (a longer one says why in its first lines)."""
    long = []
    for path in sources():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 650 and "longer than 600 lines because" not in text[:2000]:
            long.append(f"{path.relative_to(SOURCE_DIR)}: {text.count(chr(10))} lines")
    assert not long, "source files over 600 lines:\n" + "\n".join(long)


def test_nothing_points_outside_the_repository():
    found = []
    roots = ["engine", "include", "tests", "tools", "docs", "benchmarks", "fuzz", "scenarios/ningbo",
             "scenarios/data/ningbo", "scenarios/data/concordances", "README.md"]
    for root in roots:
        top = SOURCE_DIR / root
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            if not path.is_file() or path.suffix not in (".cpp", ".hpp", ".py", ".md", ".toml",
                                                          ".sh", ".txt", ".in", ".csv"):
                continue
            if path.parts[-2:] == ("python", "test_layers.py") or "reference" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if OUTSIDE.search(line):
                    found.append(f"{path.relative_to(SOURCE_DIR)}:{number}: {line.strip()[:120]}")
    assert not found, "references to files outside the repository:\n" + "\n".join(found)
