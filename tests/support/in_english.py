"""A signed-in client switched to English (界面语言), for pages whose English words a test reads."""

from __future__ import annotations

from tests.support.helpers import post_form


def english(client):
    """Switch ``client``'s language to English, as the language menu does; the client, for chaining."""
    post_form(client, "/lang/en", {"next": "/"}, token_from="/")
    return client
