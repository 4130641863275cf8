"""Reading a department's result categories (检查结果类别): the ones it offers now, every one (to
name old results), whether it configured its own list. The rules of the list are in
:mod:`spotcheck.tenants.results.categories`; this is what the pages and the API read of it."""

from __future__ import annotations

from spotcheck.tenants.results.categories import Category, by_name, configured, every, offered, published_name, standard

__all__ = ["Category", "by_name", "configured", "every", "offered", "published_name", "standard"]
