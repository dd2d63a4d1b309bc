"""Chinese labels that render as Chinese: find a CJK font, or warn and fall back to English.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so Chinese
labels come out as empty boxes unless a CJK font is on the machine. This
module looks for one among matplotlib's known fonts and, if its font cache
predates the font's installation, among the system's font files. Install one
on Debian/Ubuntu with :data:`INSTALL_HINT`.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from dataclasses import dataclass
from typing import Literal

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.text import Text

Lang = Literal["en", "zh"]
LANGS: tuple[str, ...] = ("en", "zh")

#: CJK font families, most preferred first (Linux, then macOS / Windows names).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "AR PL New Sung",
    "Noto Serif CJK SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
)
#: File-name patterns of CJK fonts, used when matplotlib's font cache is older than the font.
_FILE_PATTERN = re.compile(
    r"(wqy|wenquanyi|notosanscjk|notoserifcjk|notosanssc|sourcehansans|droidsansfallback|uming|ukai|"
    r"gkai|msyh|simhei|pingfang)",
    re.IGNORECASE,
)
#: Debian/Ubuntu packages providing a CJK font.
FONT_PACKAGES = ("fonts-noto-cjk", "fonts-wqy-microhei")
#: The line that installs one (Debian/Ubuntu, as root).
INSTALL_HINT = "apt-get update && apt-get install -y fonts-wqy-microhei   (or fonts-noto-cjk)"
#: Character every accepted font must have (龙, as in 龙江).
_PROBE = "龙"
_CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_BASE_FAMILY = "DejaVu Sans"


class CJKFontWarning(UserWarning):
    """No CJK font was found: Chinese labels fall back to English."""


def _has_glyph(path: str, char: str = _PROBE) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        return FT2Font(path).get_char_index(ord(char)) != 0
    except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable font file
        return False


@functools.cache
def find_cjk_font() -> str | None:
    """Return the family name of an installed font with Chinese glyphs, or None.

    Returns
    -------
    str or None
        The first of :data:`CJK_FAMILIES` that matplotlib knows and whose file
        has the glyph 龙; else a font file of the system whose name looks like
        a CJK font (added to matplotlib's font manager); else None. The result
        is cached for the session (``find_cjk_font.cache_clear()`` resets it).
    """
    manager = font_manager.fontManager
    by_name: dict[str, str] = {}
    for entry in manager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for family in CJK_FAMILIES:
        path = by_name.get(family)
        if path and _has_glyph(path):
            return family
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        if path in known or not _FILE_PATTERN.search(os.path.basename(path)) or not _has_glyph(path):
            continue
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable font file
            continue
        return str(font_manager.FontProperties(fname=path).get_name())
    return None


@dataclass(frozen=True)
class Labels:
    """The language a figure is drawn in and the fonts it needs.

    Attributes
    ----------
    lang : {"en", "zh"}
        The language actually used (``"en"`` when Chinese was asked for but no
        CJK font exists).
    cjk_font : str or None
        Family name of the CJK font, None if none is installed.
    """

    lang: Lang
    cjk_font: str | None

    @property
    def family(self) -> list[str]:
        """Font family list.

        Chinese: the CJK font alone (it has Latin glyphs too, and one font
        lays text out much faster than a fallback chain). English: DejaVu
        Sans, then the CJK font for any Chinese glyph in the data (units such
        as "stations (个)").
        """
        if self.cjk_font is None:
            return [_BASE_FAMILY]
        return [self.cjk_font] if self.lang == "zh" else [_BASE_FAMILY, self.cjk_font]

    def pick(self, en: str, zh: str) -> str:
        """Return ``zh`` or ``en`` by language, cleaned of glyphs no font has."""
        return self.clean(zh if self.lang == "zh" else en)

    def clean(self, text: str) -> str:
        """Drop CJK characters (and brackets left empty) when no CJK font is installed."""
        if self.cjk_font or not _CJK.search(text):
            return text
        out = _CJK.sub("", text)
        out = re.sub(r"\(\s*\)|（\s*）|“\s*”|'\s*'", "", out)
        return re.sub(r"\s{2,}", " ", out).strip(" ,;:") or "?"

    def apply(self, ax: Axes) -> None:
        """Set the font family on every text of ``ax``'s figure, tick labels included."""
        family = self.family
        for text in ax.figure.findobj(Text):
            text.set_fontfamily(family)
        for axes in ax.figure.axes:
            axes.tick_params(labelfontfamily=family)


def labels_for(lang: str) -> Labels:
    """Choose the language of a figure.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language asked for.

    Returns
    -------
    Labels

    Raises
    ------
    ValueError
        If ``lang`` is not "en" or "zh".

    Warns
    -----
    CJKFontWarning
        If ``lang="zh"`` and no CJK font is installed; the labels are then
        English. The message names the packages to install.
    """
    if lang not in LANGS:
        raise ValueError(f"The 'lang' parameter must be a str among {list(LANGS)}. Got {lang!r} instead.")
    font = find_cjk_font()
    if lang == "zh" and font is None:
        warnings.warn(
            "No CJK (Chinese) font found, so the figure's labels fall back to English. Install one "
            f"({' or '.join(FONT_PACKAGES)}): {INSTALL_HINT}; then restart Python.",
            CJKFontWarning,
            stacklevel=3,
        )
        return Labels(lang="en", cjk_font=None)
    return Labels(lang="zh" if lang == "zh" else "en", cjk_font=font)


__all__ = [
    "CJK_FAMILIES",
    "FONT_PACKAGES",
    "INSTALL_HINT",
    "CJKFontWarning",
    "Labels",
    "find_cjk_font",
    "labels_for",
]
