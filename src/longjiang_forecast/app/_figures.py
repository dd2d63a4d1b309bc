"""The explorer's figures: the library's matplotlib charts (plots/) rendered to PNG data URIs for an <img>."""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable
from typing import Any

#: matplotlib's font and text caches are not thread-safe; the server answers requests in threads.
_LOCK = threading.Lock()


def png(draw: Callable[[Any], Any], size: tuple[float, float] = (7.0, 3.8)) -> str:
    """Draw on a new Axes and return the figure as a ``data:image/png;base64,...`` URI.

    Parameters
    ----------
    draw : callable
        ``draw(ax)``, e.g. ``lambda ax: fan_chart(forecast, "09a", ax=ax, lang="zh")``.
    size : (float, float)
        Figure size in inches (drawn at 100 dpi).

    Raises
    ------
    ValueError
        Whatever ``draw`` raises for a series it cannot draw.
    """
    from matplotlib.figure import Figure

    with _LOCK:
        figure = Figure(figsize=size, layout="constrained")
        draw(figure.add_subplot())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
