"""Start the explorer: check that Dash is installed and the port is free, build the Dash app, serve it."""

from __future__ import annotations

import errno
import logging
import socket

from ._explorer import Explorer
from ._words import word

#: The hint of the command line when Dash is missing.
INSTALL_HINT = 'pip install "longjiang_forecast[app]"'


def require_dash() -> None:
    """Refuse to start without Dash, naming the extra that installs it.

    Raises
    ------
    ValueError
        If ``dash`` cannot be imported.
    """
    try:
        import dash  # noqa: F401
    except ImportError:
        raise ValueError(
            f"serve needs Dash, which is not installed (nothing was run). Install it with: {INSTALL_HINT}"
        ) from None


def check_port(host: str, port: int) -> None:
    """Refuse a port another program listens on, suggesting a free one.

    Raises
    ------
    ValueError
        If ``host:port`` is in use (or cannot be bound), with a free port to use instead.
    """
    with socket.socket() as probe:
        # as the server binds (werkzeug sets SO_REUSEADDR): the closed connections of a server
        # stopped a moment ago do not count, a program listening there does
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            why = "is in use (another program, or another explorer, listens there)"
            if err.errno != errno.EADDRINUSE:
                why = f"cannot be used ({err.strerror})"
            raise ValueError(
                f"port {port} on {host} {why}; nothing was started. Start on another port: "
                f"longjiang-forecast serve --port {free_port(host)}"
            ) from None


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (the system's choice)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def build_app(ex: Explorer) -> object:
    """The Dash app of the explorer (pages of ``_layout``, callbacks of ``_callbacks``)."""
    import dash

    from ._callbacks import register
    from ._layout import app_layout

    app = dash.Dash(__name__, title=word("title", ex.lang), suppress_callback_exceptions=True)
    app.layout = app_layout(ex)
    register(app, ex)
    return app


def serve(ex: Explorer, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the explorer on ``http://host:port/`` until interrupted (Ctrl-C).

    Raises
    ------
    ValueError
        If the port is in use.
    """
    check_port(host, port)
    app = build_app(ex)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    print(word("serving", ex.lang, url=f"http://{host}:{port}/"), flush=True)
    app.run(host=host, port=port, debug=False)  # type: ignore[attr-defined]
