"""The rules in force and their versions through the pages (现行规则 · 规则版本): the platform
administrator reads the rulebook in force with where each rule comes from, loads a new version (a
file, pasted text, a preset) or is refused key by key with nothing changed, reads the history and the
differences and downloads each version's file; a department reads its rules in force, its
administrator loads a version of its own rules; those without the permission are refused."""

from __future__ import annotations

import hashlib
import html
import io
import re

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.demo.rules import county_id
from spotcheck.tenants.rules import queries
from spotcheck.tenants.rules.models import RuleVersion
from tests.support.helpers import post_form, signed_in, tenant_id
from tests.support.page_text import IDENTIFIER, visible_text
from tests.support.rules_files import changed_department_rules, changed_rulebook, in_force_text

NINGAN = "宁安市人民政府办公室关于进一步加强和创新“双随机、一公开”监管工作的实施方案"
#: The page of the demo's rulebook: its county's (宁安市, 231084), the level the demo's departments work under.
RULEBOOK = "/platform/rules?region=231084"


def _text(response) -> str:
    return visible_text(response.get_data(as_text=True))


def _row(markup: str, key: str) -> str:
    """The visible text of the parameter's row (its key is in the row's data, never on the page)."""
    found = re.search(rf'<tr class="[^"]*" data-key="{re.escape(key)}">(.*?)</tr>', markup, re.DOTALL)
    assert found, key
    return visible_text(found.group(1))


def _refusals(markup: str) -> dict[str, str]:
    """The refusal beside the form: each key's name and messages as the reader sees them."""
    block = re.search(r'<div class="rules-refusal" id="rules-refusal".*?</dl>', markup, re.DOTALL)
    assert block, "no refusal shown"
    found = {}
    for key, name, messages in re.findall(r'<dt data-key="([^"]+)">([^<]*)</dt>((?:<dd>[^<]*</dd>)*)', block.group(0)):
        found[key] = name + " " + " ".join(re.findall(r"<dd>([^<]*)</dd>", messages))
    return found


def _versions(app, tenant=None) -> list:
    """The versions of a department's rules, or (``tenant`` None) of the demo's county's rulebook."""
    with app.app_context():
        region = None if tenant is not None else county_id()
        return [(v.id, v.effective_from, v.withdrawn) for v in queries.history(tenant, region)]


def test_the_platform_administrator_reads_the_rulebook_in_force_and_where_each_rule_comes_from(app):
    admin = signed_in(app, "admin")
    home = admin.get("/").get_data(as_text=True)
    assert 'id="nav-rulebook"' in home and 'id="home-rulebook-link"' in home
    assert 'id="home-rulebook-missing"' not in home  # the demo's rulebook is in force: nothing to do
    page = admin.get(RULEBOOK)
    markup, text = page.get_data(as_text=True), _text(page)
    assert page.status_code == 200 and NINGAN in text and "宁安市人民政府办公室" in text and "2019-05-23" in text
    assert "第3条" in text and "编制年度检查计划" in text  # the articles, with their words
    assert "20个工作日" in _row(markup, "publish_days") and "《企业信息公示暂行条例》第六条、第七条" in _row(
        markup, "publish_days"
    )
    assert "国家规定" in _row(markup, "publish_days")
    assert "实施方案" in _row(markup, "plans_required") and "《宁安市实施方案》第3条" in _row(markup, "plans_required")
    assert "国家规定" in _row(markup, "min_team_size") and "《中华人民共和国行政处罚法》第四十二条" in _row(
        markup, "min_team_size"
    )
    assert "未规定" in _row(markup, "record_required") and "未要求每次检查结果附现场检查笔录" in _row(
        markup, "record_required"
    )
    assert "国办发〔2024〕54号" in text and "企业信息公示暂行条例" in text  # the national floor's documents
    [(version_id, _day, _withdrawn)] = _versions(app)
    with app.app_context():
        text_loaded = in_force_text(None)
    assert hashlib.sha256(text_loaded.encode()).hexdigest() in text and 'class="state-in_force"' in markup
    assert not IDENTIFIER.findall(text)  # names, never a key such as report_days
    download = admin.get(f"/platform/rules/versions/{version_id}/file")
    assert download.status_code == 200 and download.get_data(as_text=True) == text_loaded
    assert download.headers["Content-Disposition"].startswith("attachment")
    version_page = admin.get(f"/platform/rules/versions/{version_id}")
    assert version_page.status_code == 200 and "第3条" in _row(version_page.get_data(as_text=True), "plans_required")


def test_a_file_that_is_wrong_is_refused_key_by_key_and_nothing_changes(app):
    admin = signed_in(app, "admin")
    before = _versions(app)
    with app.app_context():
        wrong = changed_rulebook(report_days=(0, "第9条")) + "\n[report_dayz]\nvalue = 5\n"
        loosening = changed_rulebook(publish_days=(30, "第9条"))  # the national rule says 20
        loosening_a_department = changed_rulebook(report_days=(3, "第9条"))  # 应急管理局's rules say 5
    for text, expected in (
        (wrong, {"report_days.value": "1至60", "report_dayz": "未知的参数"}),
        ('[document]\nkind = "rulebook"\n', {"document.title": "标题"}),
        (loosening, {"publish_days": "20"}),
        (loosening_a_department, {"departments": "应急管理局"}),
    ):
        refused = post_form(admin, RULEBOOK, {"how": "file", "text": text}, token_from=RULEBOOK)
        assert refused.status_code == 422
        said = _refusals(refused.get_data(as_text=True))
        for key, words in expected.items():
            assert key in said and words in said[key], (key, said)
        box = re.search(r'<textarea id="rules-text"[^>]*>(.*?)</textarea>', refused.get_data(as_text=True), re.DOTALL)
        assert html.unescape(box.group(1)) == text  # the text stays in the box, to correct
    named = _refusals(
        post_form(admin, RULEBOOK, {"how": "file", "text": wrong}, token_from=RULEBOOK).get_data(as_text=True)
    )
    assert named["report_days.value"].startswith("检查结果报送期限")  # the key said by its name
    # a preset dated before today cannot follow the version in force: refused naming the date in force
    preset = post_form(admin, RULEBOOK, {"how": "preset", "preset": "城口县"}, token_from=RULEBOOK)
    assert preset.status_code == 422 and "document.effective_from" in _refusals(preset.get_data(as_text=True))
    unknown = post_form(
        admin, "/platform/rules", {"how": "preset", "preset": "赤峰市安全生产监督管理局"}, token_from=RULEBOOK
    )  # a department's preset is no rulebook
    assert unknown.status_code == 422 and "preset" in _refusals(unknown.get_data(as_text=True))
    not_utf8 = post_form(
        admin,
        RULEBOOK,
        {"how": "file", "file": (io.BytesIO("标题".encode("gbk")), "a.toml")},
        token_from=RULEBOOK,
    )
    assert not_utf8.status_code == 422 and "file" in _refusals(not_utf8.get_data(as_text=True))
    assert _versions(app) == before


def test_a_changed_version_loaded_from_a_file_shows_what_it_changed_in_the_history_and_the_differences(app):
    admin = signed_in(app, "admin")
    [(first_id, _day, _)] = _versions(app)
    with app.app_context():
        text = changed_rulebook(report_days=(10, "第9条"))
    loaded = post_form(
        admin,
        RULEBOOK,
        {"how": "file", "file": (io.BytesIO(text.encode()), "宁安市实施方案.toml")},
        token_from=RULEBOOK,
    )
    assert loaded.status_code == 302
    [(new_id, _, _), (old_id, _, _)] = _versions(app)
    assert old_id == first_id and loaded.headers["Location"].endswith(f"/platform/rules/versions/{new_id}")
    version = admin.get(loaded.headers["Location"])
    changes = re.search(r'<table id="rules-changes">.*?</table>', version.get_data(as_text=True), re.DOTALL).group(0)
    row = visible_text(re.search(r'<tr data-key="report_days">.*?</tr>', changes, re.DOTALL).group(0))
    assert "检查结果报送期限" in row and "未规定" in row and "10个工作日（第9条）" in row
    assert hashlib.sha256(text.encode()).hexdigest() in _text(version)

    page = admin.get(RULEBOOK).get_data(as_text=True)
    assert "10个工作日" in _row(page, "report_days") and "《宁安市实施方案》第9条" in _row(page, "report_days")
    assert f'<tr class="state-in_force" data-version="{new_id}">' in page
    assert f'<tr class="state-past" data-version="{first_id}">' in page
    history = visible_text(re.search(r'<table id="rules-history-table">.*?</table>', page, re.DOTALL).group(0))
    assert "现行" in history and "已废止" in history and "平台管理员" in history  # who loaded the new one
    differences = admin.get(f"/platform/rules/differences?region=231084&from={first_id}&to={new_id}")
    assert differences.status_code == 200 and "10个工作日（第9条）" in _text(differences)
    assert admin.get(f"/platform/rules/differences?from={first_id}&to=999999").status_code == 404
    assert admin.get(f"/platform/rules/versions/{new_id}/file").get_data(as_text=True) == text
    # 应急管理局's 5 working days stay, now stricter than the rulebook's 10
    yjj = signed_in(app, "yjj_planner").get("/catalog/rules/in-force").get_data(as_text=True)
    assert "5个工作日" in _row(yjj, "report_days") and "10个工作日" in _row(yjj, "report_days")


def test_the_text_of_the_version_in_force_loads_nothing_new(app):
    admin = signed_in(app, "admin")
    before = _versions(app)
    shown = admin.get("/platform/rules/file?region=231084")
    assert shown.status_code == 200 and "[document]" in shown.get_data(as_text=True)
    same = post_form(
        admin, "/platform/rules", {"how": "file", "text": shown.get_data(as_text=True)}, token_from=RULEBOOK
    )
    assert same.status_code == 302 and _versions(app) == before
    prefilled = admin.get("/platform/rules?region=231084&start=in_force").get_data(
        as_text=True
    )  # the button that fills the box
    assert "[document]" in re.search(r'<textarea id="rules-text".*?</textarea>', prefilled, re.DOTALL).group(0)


def test_without_a_rulebook_the_platform_administrator_is_asked_to_load_one(app):
    with app.app_context():
        db.session.execute(sa.update(RuleVersion).where(RuleVersion.tenant_id.is_(None)).values(withdrawn=True))
        db.session.commit()
    admin = signed_in(app, "admin")
    home = admin.get("/").get_data(as_text=True)
    assert 'id="home-rulebook-missing"' in home and 'href="/platform/rules"' in home
    assert 'id="rulebook-missing"' in admin.get(RULEBOOK).get_data(as_text=True)


def test_only_the_platform_administrator_manages_the_rulebook(app):
    for login in ("scj_admin", "scj_planner", "sfj_supervisor"):
        client = signed_in(app, login)
        assert client.get("/platform/rules").status_code == 403, login
        assert post_form(client, "/platform/rules", {"how": "preset", "preset": "宁安市"}).status_code == 403, login
        assert 'id="nav-rulebook"' not in client.get("/").get_data(as_text=True)
    assert app.test_client().get("/platform/rules").status_code == 302  # to the login page
    assert signed_in(app, "admin").get("/catalog/rules/in-force").status_code == 403


def test_a_department_reads_its_rules_in_force_and_where_each_comes_from(app):
    planner = signed_in(app, "yjj_planner")
    assert 'id="rules-in-force-link"' in planner.get("/catalog/rules").get_data(as_text=True)
    page = planner.get("/catalog/rules/in-force")
    markup, text = page.get_data(as_text=True), _text(page)
    assert page.status_code == 200 and "宁安市应急管理局细则" in text and NINGAN in text
    assert "部门细则" in _row(markup, "report_days") and "5个工作日" in _row(markup, "report_days")
    assert "实施方案" in _row(markup, "plans_required") and "国家规定" in _row(markup, "publish_days")
    assert 'id="rules-load"' not in markup and 'class="state-in_force"' in markup  # read only; the history shown
    assert (
        post_form(
            planner,
            "/catalog/rules/in-force",
            {"how": "preset", "preset": "乌审旗应急管理局"},
            token_from="/catalog/rules/in-force",
        ).status_code
        == 403
    )
    scj = signed_in(app, "scj_planner").get("/catalog/rules/in-force").get_data(as_text=True)
    assert 'id="department-rules-none"' in scj and 'class="source-department"' not in scj
    assert signed_in(app, "scj_inspector").get("/catalog/rules/in-force").status_code == 403
    swj_version = _versions(app, tenant_id_of(app, "SWJ"))[0][0]
    assert planner.get(f"/catalog/rules/versions/{swj_version}").status_code == 404  # another department's
    assert planner.get(f"/catalog/rules/versions/{swj_version}/file").status_code == 404


def test_the_department_administrator_loads_a_version_of_its_rules(app):
    admin = signed_in(app, "yjj_admin")
    yjj = tenant_id_of(app, "YJJ")
    [(_first_id, _, _)] = _versions(app, yjj)
    assert 'id="rules-load"' in admin.get("/catalog/rules/in-force").get_data(as_text=True)
    with app.app_context():
        looser = changed_department_rules(yjj, publish_days=(30, "四（三）"))
        stricter = changed_department_rules(yjj, report_days=(3, "四（三）"))
    refused = post_form(
        admin, "/catalog/rules/in-force", {"how": "file", "text": looser}, token_from="/catalog/rules/in-force"
    )
    assert (
        refused.status_code == 422 and "检查结果公示期限" in _refusals(refused.get_data(as_text=True))["publish_days"]
    )
    assert len(_versions(app, yjj)) == 1
    loaded = post_form(
        admin, "/catalog/rules/in-force", {"how": "file", "text": stricter}, token_from="/catalog/rules/in-force"
    )
    assert loaded.status_code == 302
    [(new_id, _, _), (old_id, _, _)] = _versions(app, yjj)
    version = admin.get(loaded.headers["Location"]).get_data(as_text=True)
    changes = re.search(r'<table id="rules-changes">.*?</table>', version, re.DOTALL).group(0)
    assert "5个工作日（四（三））" in changes and "3个工作日（四（三））" in changes
    assert "3个工作日" in _row(admin.get("/catalog/rules/in-force").get_data(as_text=True), "report_days")
    assert "3个工作日" in _text(admin.get(f"/catalog/rules/differences?from={old_id}&to={new_id}"))
    assert admin.get(f"/catalog/rules/versions/{new_id}/file").get_data(as_text=True) == stricter
    assert len(_versions(app, tenant_id_of(app, "SWJ"))) == 1  # no other department's rules changed


def tenant_id_of(app, code: str) -> int:
    with app.app_context():
        return tenant_id(code)
