"""Entry point for Celery processes: ``celery -A spotcheck.worker worker`` (and ``beat``)."""
from spotcheck.platform.factory import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
