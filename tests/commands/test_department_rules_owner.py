"""A department's 细则 is its own (部门细则的归属): a version issued by another body is refused naming both, and
another department's preset is taken only as a starting point — issuer and title rewritten, no 文号, its
articles marked as the other document's words until the department loads rules of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.rules import commands as rules_commands, presets, rulebook, rulefile
from tests.support.helpers import tenant_id, user_named
from tests.support.rules_files import changed_department_rules


def test_another_departments_rules_are_refused_naming_both(app):
    """商务局 loading 《宁安市应急管理局细则》 (issuer 宁安市应急管理局) as its own is refused, naming the document's
    issuer and the department; nothing is loaded, and its real rules (the post of every inspector) stay."""
    with app.app_context():
        yjj, swj, admin = tenant_id("YJJ"), tenant_id("SWJ"), user_named("swj_admin")
        others = changed_department_rules(yjj, rulebook.today() + timedelta(days=1))  # 宁安市应急管理局's, as it is
        before = rulebook.version_ids(swj)[1]
        with tenant_scope(swj), pytest.raises(InvalidInputError) as refused:
            rules_commands.load_department_rules({"text": others}, actor=admin)
        [message] = refused.value.errors["document.issuer"]
        assert "宁安市应急管理局" in message and "宁安市商务局" in message
        assert rulebook.version_ids(swj)[1] == before
        assert rulebook.rules_for(swj).inspector_post_required


def test_another_departments_preset_is_a_starting_point_marked_unconfirmed(app):
    """The preset of 乌审旗应急管理局 loaded by 商务局 as it is becomes 宁安市商务局's own draft: issuer and title the
    department's, no 文号, from today, and every citation of its articles says they await the department's
    confirmation; the department's own file, issued by it, then loads as its own (no mark)."""
    with app.app_context():
        swj, admin = tenant_id("SWJ"), user_named("swj_admin")
        preset = presets.BY_NAME["乌审旗应急管理局"]
        with tenant_scope(swj):
            version = rules_commands.load_department_rules({"text": preset.text, "preset": preset.name}, actor=admin)
            document = rulebook.document_of(version.id)
            assert document.issuer == "宁安市商务局" and document.number == ""
            assert document.based_on == preset.document.title and "待本部门确认" in document.title
            assert version.effective_from == rulebook.today()
            rules = rulebook.rules_for(swj)
            assert "待本部门确认" in rules.under("report_days") and "四（三）" in rules.under("report_days")
            tomorrow = rulebook.today() + timedelta(days=1)
            own = replace(
                document,
                title="宁安市商务局“双随机、一公开”工作细则",
                short_title="宁安市商务局细则",
                based_on="",
                note="本局细则。",
                effective_from=tomorrow,
            )
            mine = rules_commands.load_department_rules({"text": rulefile.write(own)}, actor=admin)
            assert rulebook.document_of(mine.id).based_on == ""
            assert "待本部门确认" not in rulebook.rules_for(swj, tomorrow).under("report_days")
