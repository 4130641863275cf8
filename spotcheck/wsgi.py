"""WSGI entry point for gunicorn: ``gunicorn spotcheck.wsgi:app``. In production it refuses to start without the
public address every inspection code's QR carries (:func:`~spotcheck.platform.config.require_public_address`)."""

from spotcheck.platform.config import require_public_address
from spotcheck.platform.factory import create_app

app = create_app()
require_public_address(app.config)
