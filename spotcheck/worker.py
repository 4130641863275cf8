"""Entry point for Celery processes: ``celery -A spotcheck.worker worker`` (and ``beat``). In production a worker
writes the notices whose QR codes carry the public address: it refuses to start without a public one
(:func:`~spotcheck.platform.config.require_public_address`)."""

from spotcheck.platform.config import require_public_address
from spotcheck.platform.factory import create_app

flask_app = create_app()
require_public_address(flask_app.config)
celery = flask_app.extensions["celery"]
