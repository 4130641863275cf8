"""Spotcheck: the 双随机、一公开 supervision platform.

The package imports nothing itself, so that ``import spotcheck.draw`` (the draw engine and its
verifier, standard library only) works in a bare Python. The application is built by
:func:`spotcheck.platform.factory.create_app`.
"""
