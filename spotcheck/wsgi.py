"""WSGI entry point for gunicorn: ``gunicorn spotcheck.wsgi:app``."""
from spotcheck.platform.factory import create_app

app = create_app()
