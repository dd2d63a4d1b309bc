"""The monthly bulletin: one self-contained HTML page and PNG figures from a forecast and its planning."""

from ._bulletin import FIGURE_DIR, HTML_NAME, Bulletin, render_bulletin, write_bulletin

__all__ = ["FIGURE_DIR", "HTML_NAME", "Bulletin", "render_bulletin", "write_bulletin"]
