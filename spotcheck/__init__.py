"""Spotcheck: the 双随机、一公开 supervision platform."""
from spotcheck.platform.factory import create_app

__all__ = ["create_app"]
