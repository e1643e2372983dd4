"""One figure style for every chart: a CJK font, colour-blind-safe palettes, PNG + PDF output.

The CJK font is looked up on the machine first (Noto Sans CJK / Source Han / PingFang /
Microsoft YaHei / SimHei) and otherwise taken from the ``justmytype-intl-cjk`` package, a
project dependency that ships Noto Sans SC as a TrueType font, so a fresh machine renders
Chinese without system fonts. PDFs embed the font as TrueType (``pdf.fonttype = 42``);
matplotlib subsets it to the glyphs used.
"""

from __future__ import annotations

import functools
import glob
import os
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager, rcsetup

# Preferred system fonts, best first; names as matplotlib's font manager reports them.
SYSTEM_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)

# Okabe–Ito: distinguishable under the common colour-vision deficiencies.
CATEGORICAL = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
# Hatches paired with the categorical colours so series survive greyscale print.
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
# Sequential map monotone in lightness (prints as a grey ramp); diverging map for +/- values.
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"


def _bundled_font_files() -> list[str]:
    try:
        import justmytype_intl_cjk
    except ImportError:  # pragma: no cover - dependency missing
        return []
    root = os.path.dirname(justmytype_intl_cjk.__file__)
    return [
        _static_instance(path)
        for path in sorted(glob.glob(os.path.join(root, "**", "NotoSansSC*.ttf"), recursive=True))
    ]


def _static_instance(path: str) -> str:
    """Return a static Regular (wght 400) TrueType instance of a variable font, cached.

    matplotlib cannot select an instance of a variable font and would draw its default
    (Thin) master; fontTools' instancer makes a static font once (about 15 s) and it is
    kept in the user cache directory.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fazhi-compare" / "fonts"
    target = cache / "NotoSansSC-Regular.ttf"
    if target.exists():
        return str(target)
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = instancer.instantiateVariableFont(TTFont(path), {"wght": 400})
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (2, 17):
            names.setName("Regular", record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (4,):
            names.setName("Noto Sans SC Regular", 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (1, 16):
            names.setName("Noto Sans SC", record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName("NotoSansSC-Regular", 6, record.platformID, record.platEncID, record.langID)
    font["OS/2"].usWeightClass = 400
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".NotoSansSC-Regular.{os.getpid()}.tmp"
    font.save(tmp)
    os.replace(tmp, target)
    return str(target)


@functools.lru_cache(maxsize=1)
def cjk_font() -> str:
    """Return the family name of the CJK font used for every figure.

    Raises
    ------
    RuntimeError
        If neither a system CJK font nor the bundled Noto Sans SC can be found.
    """
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in SYSTEM_CJK_FONTS:
        if name in available:
            return name
    for path in _bundled_font_files():
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name()
    raise RuntimeError(
        "no CJK font found: install the project's dependencies (justmytype-intl-cjk) "
        f"or one of {', '.join(SYSTEM_CJK_FONTS)}"
    )


def use_style() -> None:
    """Apply the project style to matplotlib's global rcParams (idempotent)."""
    family = cjk_font()
    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
            "svg.fonttype": "none",
            "figure.dpi": 100,
            "savefig.dpi": 300,
            "savefig.bbox": "tight",
            "axes.prop_cycle": rcsetup.cycler(color=list(CATEGORICAL)),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": SEQUENTIAL,
        }
    )


def mark_source_text(ax, axis: str) -> None:
    """Declare that ``ax``'s ``axis`` ('x' or 'y') tick labels quote source text.

    Quoted Chinese source text (terms, headings) stays Chinese in English figures; this
    marker lets the language checks tell quotation from untranslated labels.
    """
    ax.source_text_axes = getattr(ax, "source_text_axes", set()) | {axis}


def save_figure(fig, out_dir: str | os.PathLike, name: str) -> list[Path]:
    """Write ``fig`` as ``name.png`` (300 dpi) and ``name.pdf`` (TrueType-embedded font).

    Files are written to a temporary name and moved into place, so an interrupted run
    never leaves a half-written figure. Returns the two paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "pdf"):
        final = out / f"{name}.{ext}"
        tmp = out / f".{name}.{ext}.tmp"
        fig.savefig(tmp, format=ext, dpi=300, metadata=_metadata(ext))
        os.replace(tmp, final)
        paths.append(final)
    return paths


def _metadata(ext: str) -> dict:
    # Fixed metadata keeps PDFs byte-stable between runs (no creation date).
    if ext == "pdf":
        return {"CreationDate": None, "Creator": "fazhi-compare"}
    if ext == "png":
        return {"Software": "fazhi-compare"}
    return {}
