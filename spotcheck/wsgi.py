"""WSGI entry point for gunicorn: ``gunicorn spotcheck.wsgi:app``. In production it refuses to start without the
public address every inspection code's QR carries (:func:`~spotcheck.platform.config.require_public_address`).

The objects made at start-up (the modules, the mapped tables, the settings) live as long as the worker: they are
moved out of the garbage collector's reach (``gc.freeze``), so that a page making many objects (a province bureau's
3,000 departments' figures) does not pay for the collector walking them again and again."""

import gc

from spotcheck.platform.config import require_public_address
from spotcheck.platform.factory import create_app

app = create_app()
require_public_address(app.config)
gc.freeze()
