"""The draw engine and its verifier (抽取引擎与验证): pure Python, no Flask, no database.

Implements ``spotcheck-draw/1`` (see DRAW-SPEC.md in the shared design folder).
"""
