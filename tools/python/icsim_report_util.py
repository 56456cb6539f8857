"""Helpers of `icsim report` (icsim_report.py): errors, number formats, chart layout, the
check of its input files and the output folder written atomically."""

from __future__ import annotations

import errno
import html
import math
import os
import re
import shutil
import sys
import textwrap
from pathlib import Path

PROG = "icsim report"
FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
              '"Microsoft YaHei", "WenQuanYi Micro Hei", "DejaVu Sans", sans-serif')
DPI = 100


class ReportError(Exception):
    """Bad input: reported as 'icsim report: error: ...' with exit status 2."""


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _text(v) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if hasattr(v, "item") and not isinstance(v, str):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
        if isinstance(v, bytes):
            return v.decode("utf-8", "replace")
    return str(v)


def esc(v) -> str:
    return html.escape(_text(v))


def _number(v):
    """(float, None) for a number, else (None, its text): NaN reads as "–"."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None, _text(v)
    return (None, "–") if math.isnan(x) else (x, None)


def fmt(v, digits: int = 3) -> str:
    """A number for people: thousands separated, about `digits` significant figures."""
    x, text = _number(v)
    if x is None:
        return text
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    if abs(x) >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{decimals}f}"


def fmt_p(p) -> str:
    try:
        x = float(p)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(x) else f"{x:.2f}"


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", _text(text)).strip("._")[:60] or "x"


def verdict(p: float) -> tuple[str, str]:
    """Words and a CSS class for a probability (the page explains the bands)."""
    if p is None or math.isnan(p):
        return "–", "na"
    if p >= 0.9:
        return "very likely", "vl"
    if p >= 0.66:
        return "likely", "l"
    if p > 0.33:
        return "uncertain", "u"
    if p > 0.1:
        return "unlikely", "ul"
    return "very unlikely", "vul"


def layout(fig, left=0.8, right=0.25, top=0.75, bottom=0.55, hspace=0.0, wspace=0.0):
    """Fixed margins in inches (tight_layout costs a third of the report's time); hspace and
    wspace (inches) between panels."""
    w, h = fig.get_size_inches()
    rows, cols = 1, 1
    axes = [a for a in fig.axes if a.get_subplotspec() is not None]
    if axes:
        rows, cols = axes[0].get_subplotspec().get_gridspec().get_geometry()
    ax_h = (h - top - bottom - hspace * (rows - 1)) / rows
    ax_w = (w - left - right - wspace * (cols - 1)) / cols
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h,
                        hspace=hspace / max(ax_h, 0.1), wspace=wspace / max(ax_w, 0.1))


def fmt_exact(v) -> str:
    """A threshold or lever value as given: 30 -> "30", 33000 -> "33,000", 0.025 -> "0.025"."""
    x, text = _number(v)
    if x is None:
        return text
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}"


OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def op_text(op) -> str:
    return OPS.get(_text(op), _text(op))


def wrap(text: str, width: int = 70) -> str:
    return "\n".join(textwrap.wrap(_text(text), width=width, break_long_words=True)) or ""


def year_text(y) -> str:
    try:
        x = float(y)
    except (TypeError, ValueError):
        return _text(y)
    return "never" if math.isnan(x) else str(int(round(x)))




# ---------------------------------------------------------------------------------------------
# The input files


# What the report reads of each group: variable -> its dimensions (a file of this layout has
# them; an older or foreign file that lacks one is refused by name, not with a traceback).
LAYOUT = {
    "targets": {"target": ("target",), "text": ("target",), "operator": ("target",),
                "threshold": ("target",), "year": ("target",),
                "probability": ("point", "target"), "probability_low": ("point", "target"),
                "probability_high": ("point", "target"),
                "value": ("point", "replication", "target")},
    "clusters": {"cluster": ("cluster",), "output": ("point", "replication", "year", "cluster")},
    "region": {"year": ("year",)},
    "districts": {"district": ("district",)},
    "sweep": {"point": ("point",), "parameter": ("parameter",),
              "parameter_value": ("point", "parameter")},
    "seek": {"step": ("step",), "lever_value": ("step",)},
    "backtest": {"figure": ("figure",), "actual": ("figure",), "median": ("figure",)},
}


def _dims(ds) -> tuple:
    names = []
    for d in ds.dims:
        try:
            names.append(d[0].name.rsplit("/", 1)[-1] if len(d) else "")
        except Exception:  # noqa: BLE001 - a broken dimension list reads as unnamed
            names.append("")
    return tuple(names)


def check_result(path: Path) -> None:
    """Refuses (ReportError naming the file and the object) what the report cannot read: a
    missing file, a folder, a file that is not HDF5, not written by icsim, or whose groups lack
    a variable the report reads or have it over other dimensions. `icsim report` has read the
    whole file through the engine's reader before (damaged or truncated files)."""
    import h5py

    if not path.exists():
        raise ReportError(f"{path}: no such file")
    if path.is_dir():
        raise ReportError(f"{path}: is a folder, not a result file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ReportError(f"{path}: not an icsim result file (not HDF5: {e})") from None
    with f:
        if "icsim_version" not in f.attrs:
            raise ReportError(f"{path}: not an icsim result file (no root attribute "
                              "'icsim_version'; written by 'icsim run', 'merge' or 'seek'?)")
        try:
            _check_layout(path, f)
        except ReportError:
            raise
        except Exception as e:  # noqa: BLE001 - h5py on a damaged file
            raise ReportError(f"{path}: cannot be read ({type(e).__name__}: {e}); the file is "
                              "damaged or truncated: write it again") from None


def _check_layout(path, f) -> None:
    import h5py

    for group, variables in LAYOUT.items():
        if group not in f:
            continue
        g = f[group]
        if not isinstance(g, h5py.Group):
            raise ReportError(f"{path}: /{group} is not a group (not an icsim result file)")
        sizes: dict = {}
        for name, dims in variables.items():
            if name not in g or not isinstance(g[name], h5py.Dataset):
                raise ReportError(f"{path}: /{group}/{name} is missing: the report needs it "
                                  "(not a result file of this icsim version?)")
            ds = g[name]
            got = _dims(ds)
            if len(ds.shape) != len(dims) or any(a and a != b for a, b in zip(got, dims)):
                raise ReportError(f"{path}: /{group}/{name} has dimensions "
                                  f"({', '.join(got)}) of shape {tuple(ds.shape)}; expected "
                                  f"({', '.join(dims)})")
            for d, n in zip(dims, ds.shape):
                if sizes.setdefault(d, n) != n:
                    raise ReportError(f"{path}: /{group}/{name}: dimension {d} has length {n}, "
                                      f"elsewhere in /{group} {sizes[d]}")


# ---------------------------------------------------------------------------------------------
# The output folder


def _generator_is_report(index: Path) -> bool:
    try:
        with open(index, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b'<meta name="generator" content="icsim report' in head


REPORT_FILE = re.compile(r"(index\.html(\.tmp)?|\d{3}-[A-Za-z0-9_.-]*\.png)")


class OutputFolder:
    """The folder `icsim report` writes, built whole in a temporary folder beside it
    (.NAME.tmp-PID) and renamed into place by commit(); abandon() (or an exception before
    commit) removes it, so a failure leaves nothing behind and the target as it was. The target
    must be absent, an empty folder, or a folder an earlier report wrote (index.html with the
    report's generator tag and only its charts next to it): anything else is refused, since
    replacing it would destroy files the report did not make.

    Test hook: with the environment variable ICSIM_TEST_WRITE_LIMIT=N, writes fail with ENOSPC
    ("No space left on device") once N bytes in total were written, as in the engine
    (include/icsim/io/atomic_file.hpp)."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.shown = str(target)
        if self.target.is_symlink() and self.target.is_dir():
            self.target = Path(os.path.realpath(self.target))
        if self.target.exists() or self.target.is_symlink():
            if not self.target.is_dir():
                raise ReportError(f"{self.shown}: exists and is not a folder; give the name of "
                                  "a new folder or of an earlier report's folder")
            entries = sorted(p.name for p in self.target.iterdir())
            foreign = [e for e in entries if not REPORT_FILE.fullmatch(e)]
            if entries and (foreign or not _generator_is_report(self.target / "index.html")):
                shown = ", ".join((foreign or entries)[:3])
                raise ReportError(f"{self.shown}: the folder holds files 'icsim report' did not "
                                  f"write ({shown}{', …' if len(foreign or entries) > 3 else ''}"
                                  "); give a new or empty folder, or an earlier report's "
                                  "folder (it is replaced whole)")
        parent = self.target.absolute().parent
        if not parent.is_dir():
            raise ReportError(f"{self.shown}: the folder {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ReportError(f"{self.shown}: cannot write in {parent} (permission denied)")
        self.temp = parent / f".{self.target.name}.tmp-{os.getpid()}"
        self.limit = os.environ.get("ICSIM_TEST_WRITE_LIMIT")
        self.written = 0
        try:
            self.temp.mkdir()
        except OSError as e:
            raise ReportError(f"{self.shown}: cannot create the temporary folder {self.temp}: "
                              f"{e.strerror}; nothing was written") from None

    def write(self, name: str, data: bytes) -> None:
        """One file of the folder: written, flushed, fsynced and closed, every step checked."""
        path = self.temp / name
        try:
            with open(path, "wb") as f:
                if self.limit is not None and self.written + len(data) > int(self.limit):
                    f.write(data[:max(0, int(self.limit) - self.written)])
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            self.written += len(data)
        except OSError as e:
            raise ReportError(f"{self.shown}: cannot write {name}: {e.strerror or e}; nothing "
                              "was written") from None

    def commit(self) -> None:
        """Renames the finished folder to the target (an earlier report's folder is moved aside
        and deleted only once the new one is in place)."""
        old = None
        try:
            _fsync_dir(self.temp)
            if self.target.exists():
                old = self.temp.parent / f".{self.target.name}.old-{os.getpid()}"
                os.rename(self.target, old)
            try:
                os.rename(self.temp, self.target)
            except OSError:
                if old is not None:
                    os.rename(old, self.target)
                    old = None
                raise
            _fsync_dir(self.target.absolute().parent)
        except OSError as e:
            self.abandon()
            raise ReportError(f"{self.shown}: cannot put the report in place: "
                              f"{e.strerror or e}; nothing was changed") from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
