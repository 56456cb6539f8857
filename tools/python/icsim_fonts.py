"""Chinese text in matplotlib charts: Noto Sans CJK SC (Debian package fonts-noto-cjk).

Matplotlib reads only the first face of a font collection, which in Debian's
NotoSansCJK-Regular.ttc is the Japanese one; the SC face is copied out once with fontTools into
the user's cache and used from there (docs/report.md, "Fonts and Chinese text").

    import icsim_fonts; icsim_fonts.setup_fonts()   # before drawing
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf")
_CHOSEN: list = []  # the family found by the first call (fonts are looked up once)


def _warn(message: str) -> None:
    print(f"icsim: warning: {message}", file=sys.stderr)


def _font_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "icsim" / "fonts"


def _extract_sc_face(ttc: Path) -> Path | None:
    """Matplotlib reads only the first face of a font collection (Noto Sans CJK JP in Debian's
    NotoSansCJK-Regular.ttc); the SC face is copied out once with fontTools into the user's
    cache (keyed by the collection's size and time), so that Chinese renders with the
    simplified-Chinese glyph forms. None when fontTools is missing or nothing can be written."""
    try:
        from fontTools.ttLib import TTCollection
    except ImportError:
        return None
    st = ttc.stat()
    name = f"NotoSansCJK-SC-Regular-{st.st_size}-{int(st.st_mtime)}.otf"
    for folder in (_font_cache_dir(), Path(tempfile.gettempdir()) / f"icsim-fonts-{os.getuid()}"):
        target = folder / name
        if target.exists():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            collection = TTCollection(str(ttc), lazy=True)
            for font in collection.fonts:
                if font["name"].getDebugName(1) == CJK_FAMILY:
                    tmp = folder / f"{name}.tmp.{os.getpid()}"
                    font.save(str(tmp))
                    os.replace(tmp, target)
                    return target
            return None
        except Exception:  # noqa: BLE001 - any failure: fall back to the collection itself
            continue
    return None


def setup_fonts(matplotlib=None, warn=_warn) -> str | None:
    """Makes matplotlib draw Chinese with Noto Sans CJK SC (DejaVu Sans as the per-glyph
    fallback). Returns the family used, or None (with a warning) when no CJK font is found."""
    if matplotlib is None:
        import matplotlib
    if not _CHOSEN:
        _CHOSEN.append(_find_family(warn))
    family = _CHOSEN[0]
    if family is None:
        return None
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def _find_family(warn) -> str | None:
    from matplotlib import font_manager as fm

    family = None
    for f in fm.fontManager.ttflist:
        if f.name == CJK_FAMILY:
            family = CJK_FAMILY
            break
    if family is None:
        candidates = [Path(p) for p in fm.findSystemFonts() if Path(p).name in CJK_FILES]
        candidates.sort(key=lambda p: CJK_FILES.index(p.name))
        for path in candidates:
            chosen = path
            if path.suffix == ".ttc":
                chosen = _extract_sc_face(path) or path
            try:
                fm.fontManager.addfont(str(chosen))
                family = fm.FontProperties(fname=str(chosen)).get_name()
                break
            except Exception:  # noqa: BLE001
                continue
    if family is None:
        warn(f"the font {CJK_FAMILY} was not found (Debian package fonts-noto-cjk, installed "
             "by tools/install-deps.sh): Chinese text in the charts will show as empty boxes")
        return None
    if family != CJK_FAMILY:
        warn(f"using {family} for Chinese text in the charts ({CJK_FAMILY} could not be "
             "extracted from the font collection: python3-fonttools missing?)")
    return family
