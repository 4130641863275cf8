"""Entry point for Celery processes: ``celery -A spotcheck.tasks.worker worker`` (and ``beat``)."""
from spotcheck import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
