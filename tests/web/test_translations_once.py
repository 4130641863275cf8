"""A page's Chinese (界面翻译) is looked up once a request, not once a string — a public search calls ``_()`` sixty
times — and a change of language within the request (``force_locale``, ``refresh``) is still seen at once."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

from spotcheck.platform import translating

PAGE = "{{ _('Inspection results') }}|" * 60


def test_a_page_reads_its_translations_once_and_again_when_the_language_changes(app, monkeypatch):
    lookups = []
    looked_up = translating.get_translations
    monkeypatch.setattr(translating, "get_translations", lambda: lookups.append(1) or looked_up())
    with app.test_request_context("/"):
        assert render_template_string(PAGE).split("|")[:60] == ["抽查结果公示"] * 60
        assert len(lookups) == 1
        with force_locale("en"):
            assert render_template_string(PAGE).split("|")[0] == "Inspection results"
        assert render_template_string(PAGE).split("|")[0] == "抽查结果公示"
        refresh()
        assert render_template_string(PAGE).split("|")[0] == "抽查结果公示"
        assert len(lookups) == 4
