"""Every page of a department's directory search (检查对象名录库检索), followed by its keyset as a user pages on."""

from __future__ import annotations

from spotcheck.tenants.directory.queries import Filters, search_directory


def every_page(filters: Filters, *, per_page: int) -> list[str]:
    """The codes of the entries a search of ``filters`` lists, page after page of ``per_page``, in their order."""
    codes: list[str] = []
    after = 0
    while True:
        page = search_directory(filters, after=after, limit=per_page)
        codes += [entry.entity.code for entry in page.rows]
        if page.next_after is None:
            return codes
        after = page.next_after
