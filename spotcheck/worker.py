"""Entry point for Celery processes: ``celery -A spotcheck.worker worker`` (and ``beat``). In production a worker
writes the notices whose QR codes carry the public address: it refuses to start without a public one
(:func:`~spotcheck.platform.config.require_public_address`). Under ``SPOTCHECK_ENV=testing`` only, it first
imports the modules ``SPOTCHECK_TEST_MODULES`` names (a test's hooks, from ``tests/support``; config refuses
the setting elsewhere)."""

import importlib

from spotcheck.platform.config import require_public_address
from spotcheck.platform.factory import create_app

flask_app = create_app()
require_public_address(flask_app.config)
if flask_app.config["SPOTCHECK_ENV"] == "testing":
    for name in filter(None, flask_app.config["SPOTCHECK_TEST_MODULES"].split(",")):
        importlib.import_module(name.strip())
celery = flask_app.extensions["celery"]
