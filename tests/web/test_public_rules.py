"""The rules in force on the public portal (现行规则公开, no login): the rulebook in force with every
rule's value and citation, the national rules and the history; each department's rules in force with
where each comes from and the history of its own rules; a version and its file as loaded."""

from __future__ import annotations

import hashlib
import re

from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.rules import commands
from tests.support.helpers import tenant_id, user_named
from tests.support.page_text import IDENTIFIER, visible_text
from tests.support.rules_files import in_force_text

NINGAN = "宁安市人民政府办公室关于进一步加强和创新“双随机、一公开”监管工作的实施方案"


def _row(markup: str, key: str) -> str:
    found = re.search(rf'<tr class="[^"]*" data-key="{re.escape(key)}">(.*?)</tr>', markup, re.DOTALL)
    assert found, key
    return visible_text(found.group(1))


def test_anyone_reads_the_rulebook_in_force_with_its_citations_and_history(client, app):
    portal = client.get("/public").get_data(as_text=True)
    assert 'id="nav-rules"' in portal and 'href="/public/rules"' in portal
    page = client.get("/public/rules?region=231084")  # the demo's county: 宁安市's own rulebook
    markup, text = page.get_data(as_text=True), visible_text(page.get_data(as_text=True))
    assert page.status_code == 200 and NINGAN in text and "第3条" in text
    assert "《企业信息公示暂行条例》第六条、第七条" in _row(markup, "publish_days")
    assert "每年1月15日前" in _row(markup, "plan_filing_deadline") and "《宁安市实施方案》第3条" in _row(
        markup, "plan_filing_deadline"
    )
    assert "国办发〔2024〕54号" in text and not IDENTIFIER.findall(text)
    with app.app_context():
        loaded = in_force_text(None)
    assert hashlib.sha256(loaded.encode()).hexdigest() in text
    assert "系统控制台" not in text  # who loaded it is for the staff's history, not the portal's
    assert 'href="/public/YJJ/rules/in-force"' in markup
    [version_link] = re.findall(r'href="(/public/rules/versions/\d+)"', markup)[:1]
    version = client.get(version_link)
    assert version.status_code == 200 and NINGAN in visible_text(version.get_data(as_text=True))
    download = client.get(version_link + "/file")
    assert download.status_code == 200 and download.get_data(as_text=True) == loaded
    assert client.get("/public/rules/versions/999999").status_code == 404
    assert client.get("/public/rules/versions/abc").status_code == 404


def test_a_department_s_rules_in_force_say_which_its_own_rules_set(client, app):
    department = client.get("/public/YJJ")
    assert 'href="/public/YJJ/rules/in-force"' in department.get_data(as_text=True)
    page = client.get("/public/YJJ/rules/in-force")
    markup, text = page.get_data(as_text=True), visible_text(page.get_data(as_text=True))
    assert page.status_code == 200 and "宁安市应急管理局细则" in text
    assert "部门细则" in _row(markup, "report_days") and "5个工作日" in _row(markup, "report_days")
    assert "实施方案" in _row(markup, "plans_required") and "国家规定" in _row(markup, "publish_days")
    assert 'class="state-in_force"' in markup  # its own rules' history
    scj = client.get("/public/SCJ/rules/in-force").get_data(as_text=True)
    assert 'class="source-department"' not in scj and NINGAN in scj
    assert client.get("/public/NOPE/rules/in-force").status_code == 404


def test_the_published_rules_document_shows_the_rules_in_force_beside_it(client, app):
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        admin = user_named("yjj_admin")
        commands.save_text({"title": "应急管理局“双随机、一公开”实施细则", "body": "第一条 ……"}, actor=admin)
        commands.publish(actor=admin)
    page = client.get("/public/YJJ/rules")
    markup = page.get_data(as_text=True)
    assert page.status_code == 200 and "应急管理局“双随机、一公开”实施细则" in markup
    assert "5个工作日" in _row(markup, "report_days") and "部门细则" in _row(markup, "report_days")
