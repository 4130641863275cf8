"""What the tests share (测试支撑): fixtures, helpers, the worlds they build and their snapshots.

Loaded as pytest plugins by ``tests/conftest.py`` (``pytest_plugins``); test modules import the
helpers from here (``from tests.support.helpers import signed_in``), never from another test module.
"""
