"""Pages as a civil servant uses them: Chinese by default, English on request, a home per role."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from spotcheck.platform.web import local_time
from tests.support.helpers import login, post_form, signed_in


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "登录" in page and "密码" in page


def test_english_switch(app):
    client = app.test_client()
    client.get("/login")
    response = post_form(client, "/lang/en", {"next": "/login"}, token_from="/login")
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page and "Password" in page
    post_form(client, "/lang/zh_CN", {"next": "/login"}, token_from="/login")
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_home_page_per_role(app):
    pages = {
        who: signed_in(app, who).get("/").get_data(as_text=True)
        for who in ("admin", "scj_admin", "sfj_supervisor", "scj_coord", "yjj_planner", "swj_inspector")
    }
    assert 'id="home-platform-admin"' in pages["admin"]
    assert 'id="home-tenant-admin"' in pages["scj_admin"]
    for who in ("sfj_supervisor", "scj_coord"):
        assert 'id="home-oversight"' in pages[who]
        assert all(name in pages[who] for name in ("市场监督管理局", "应急管理局", "商务局"))
    # the bureau sees every department; the coordinator those it may invite to a joint check, no justice bureau
    own = 'id="home-oversight-own"'
    assert "司法局" in pages["sfj_supervisor"].split(own)[1].split("</table>")[0]
    assert "司法局" not in pages["scj_coord"].split(own)[1].split("</table>")[0]
    assert 'id="home-planner"' in pages["yjj_planner"] and 'id="home-oversight"' not in pages["yjj_planner"]
    assert 'id="home-inspector"' in pages["swj_inspector"]
    assert "郑洁" in pages["yjj_planner"] and "应急管理局" in pages["yjj_planner"]


def test_tenant_admin_creates_a_user_through_the_pages(app):
    admin = signed_in(app, "yjj_admin")
    form = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'value="coordinator"' not in form and 'value="supervisor"' not in form  # roles of this kind of department
    bad = post_form(
        admin,
        "/admin/users/new",
        {"login": "Y", "display_name": "", "password": "weak", "roles": []},
        token_from="/admin/users/new",
    )
    assert bad.status_code == 200 and bad.get_data(as_text=True).count('<li><a href="#') >= 3
    good = post_form(
        admin,
        "/admin/users/new",
        {"login": "yjj_new", "display_name": "新同事", "password": "Safety-2026!", "roles": ["inspector"]},
        token_from="/admin/users/new",
    )
    assert good.status_code == 302
    assert "yjj_new" in admin.get("/admin/users").get_data(as_text=True)
    assert login(app.test_client(), "yjj_new", "Safety-2026!").status_code == 302


def test_platform_admin_creates_a_department_through_the_pages(app):
    admin = signed_in(app, "admin")
    response = post_form(
        admin,
        "/platform/tenants/new",
        {
            "code": "ZJJ",
            "name": "住房和城乡建设局",
            "kind": "ordinary",
            "region": "231084",
            "admin_login": "zjj_admin",
            "admin_name": "许诺",
            "admin_password": "Building-2026",
        },
        token_from="/platform/tenants/new",
    )
    assert response.status_code == 302
    assert "住房和城乡建设局" in admin.get("/platform/tenants").get_data(as_text=True)
    duplicate = post_form(
        admin,
        "/platform/tenants/new",
        {
            "code": "ZJJ",
            "name": "重复",
            "kind": "ordinary",
            "region": "231084",
            "admin_login": "zjj_admin2",
            "admin_name": "某",
            "admin_password": "Building-2026",
        },
        token_from="/platform/tenants/new",
    )
    assert duplicate.status_code == 200 and 'class="error-summary"' in duplicate.get_data(as_text=True)
    form = admin.get("/platform/tenants/new").get_data(as_text=True)
    assert '<select id="kind" name="kind"><option value="">' in form  # no kind chosen in advance
    empty = post_form(admin, "/platform/tenants/new", {}, token_from="/platform/tenants/new").get_data(as_text=True)
    assert "请选择部门类型" in empty and "已存在该类型的部门" not in empty, re.findall(r"<li>.*?</li>", empty)
    long_name = post_form(admin, "/platform/tenants/new", {"name": "局" * 2000}, token_from="/platform/tenants/new")
    assert "最多100个字（已输入2000个字）" in long_name.get_data(as_text=True)


def test_tokens_page_shows_the_secret_once(app):
    client = signed_in(app, "scj_inspector")
    created = post_form(client, "/account/tokens", {"name": "导出脚本"}, token_from="/account/tokens")
    page = created.get_data(as_text=True)
    assert 'id="new-token"' in page and "sct_" in page
    again = client.get("/account/tokens").get_data(as_text=True)
    assert 'id="new-token"' not in again and "导出脚本" in again


def test_times_are_shown_in_beijing_time(app):
    assert local_time(datetime(2026, 3, 1, 16, 30, tzinfo=UTC)) == "2026-03-02 00:30"
    assert local_time(datetime(2026, 3, 1, 16, 30)) == "2026-03-02 00:30"  # SQLite gives naive UTC


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


def test_the_bureau_home_lists_its_own_departments_and_counts_each_region_below(app):
    """A province's branch is thousands of departments: the bureau's home lists its own region's, and each region
    below it as one row with how many departments and active users its branch holds."""
    page = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    own = page[page.index('id="home-oversight-own"') : page.index('id="home-oversight-below"')]
    below = page[page.index('id="home-oversight-below"') :]
    below = below[: below.index("</table>")]
    assert "应急管理局" in own and "司法局" in own
    assert "宁安镇综合行政执法办公室" not in own
    town = re.search(r"<tr><td>宁安镇<span[^>]*>（([^）]+)）</span></td><td>(\d+)</td><td>(\d+)</td></tr>", below)
    assert town is not None, below
    assert town.group(1) == "乡级" and town.group(2) == "1" and int(town.group(3)) >= 1


def test_the_bureau_reads_which_figures_are_its_own_levels_and_which_deductions_apply(app):
    """The home's findings are the bureau's own region's departments (the regions below rolled up on the overview), and
    the assessment's rules say of each deduction 适用 or 不适用 — not the column's heading again."""
    client = signed_in(app, "sfj_supervisor")
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-findings-own-level"' in home and "以下为本级部门的情况" in home
    page = client.get("/supervision/assessment").get_data(as_text=True)
    rules = page[page.index('id="assessment-rules"') :]
    rules = rules[rules.index("<tbody>") : rules.index("</tbody>")]
    rules = re.sub(r' data-label="[^"]*"', "", rules)  # a phone's card names each value by its column
    assert "是否适用" not in rules and re.search(r"<td>(适用|不适用)</td>", rules)
