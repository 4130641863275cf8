"""WSGI entry point for gunicorn: ``gunicorn spotcheck.wsgi:app``."""
from spotcheck import create_app

app = create_app()
