"""The scenario explorer in the browser: ``longjiang-forecast serve`` (needs the ``app`` extra, Dash).

Pages: the attainment table, a page per target, the scenario page (the effects of the
scenario language set with controls, P(met) of every target re-run on the fitted
model's draws) and the planning page. The model is fitted once at start-up
(:class:`~longjiang_forecast.pipeline.ScenarioRunner`). Importing this package does not
import Dash; :func:`serve` does. See ``docs/explorer.md`` and
``docs/design/007-web-explorer.md``.
"""

from ._explorer import Explorer
from ._server import check_port, require_dash, serve

__all__ = ["Explorer", "check_port", "require_dash", "serve"]
