"""No input breaks a page (恶意输入): a rules file nested a thousand deep (``x = [[[…]]]``, inline tables, nesting
inside ``[document]``) made Python's TOML reader give up with a RecursionError (a 500 on every load). Each entry
point that loads a rules file — the rulebook's and the department's pages, their API, the console — refuses it
naming the file, 422 (exit 2 at the console), and changes nothing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.rules.models import RuleVersion
from tests.support.helpers import bearer, post_form, signed_in

DEEP = 1000
FILES = {
    "arrays": "x = " + "[" * DEEP + "]" * DEEP + "\n",
    "inline tables": "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n",
    "inside [document]": '[document]\nkind = "rulebook"\ntitle = ' + "[" * DEEP + "]" * DEEP + "\n",
}


def _versions(app) -> int:
    with app.app_context(), system_access("test: the versions"):
        return db.session.scalar(sa.select(sa.func.count()).select_from(RuleVersion))


@pytest.mark.parametrize("shape", list(FILES))
def test_a_file_nested_a_thousand_deep_is_refused_naming_the_file_on_every_entry_point(app, shape):
    text, before = FILES[shape], _versions(app)
    admin, department = signed_in(app, "admin"), signed_in(app, "yjj_admin")
    for client, page in ((admin, "/platform/rules"), (department, "/catalog/rules/in-force")):
        answer = post_form(client, page, {"how": "file", "text": text}, token_from=page)
        assert answer.status_code == 422, (page, answer.status_code)
        assert "嵌套过深" in re.sub(r"<[^>]+>", "", answer.get_data(as_text=True)), page
    api = app.test_client()
    for url, login in (
        ("/api/v1/rules/rulebook/versions", "admin"),
        ("/api/v1/rules/department/versions", "yjj_admin"),
    ):
        answer = api.post(url, headers=bearer(app, login), json={"text": text})
        assert answer.status_code == 422 and "嵌套过深" in answer.json["errors"]["json"]["text"][0], (
            url
        )  # the body's field
    runner = app.test_cli_runner()
    for args in (["rules", "load", "-"], ["rules", "load", "-", "--department", "YJJ"]):
        refused = runner.invoke(args=args, input=text)
        assert refused.exit_code == 2 and "嵌套过深" in refused.output, args
    assert _versions(app) == before
