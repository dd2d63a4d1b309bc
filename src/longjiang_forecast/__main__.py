"""``python -m longjiang_forecast`` runs the command line (:func:`longjiang_forecast.cli.run`)."""

from .cli import run

run()
