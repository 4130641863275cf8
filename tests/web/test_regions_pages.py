"""The regions' page (区划): the tree for anyone signed in, and the platform administrator's loading of a tree file —
checked, shown, then loaded only once confirmed; a bad file named line by line, nothing loaded."""

from __future__ import annotations

import io
import re

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from tests.support.helpers import csrf_token, post_form, signed_in

FILE = "code,name,level,parent\n231085,穆棱市,县,231000\n231085100,穆棱镇,乡,231085\n"


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_anyone_signed_in_reads_the_tree_and_only_the_administrator_is_offered_the_form(app):
    page = signed_in(app, "yjj_planner").get("/platform/regions")
    assert page.status_code == 200
    assert (
        'data-region="231000"' in _text(page) and "牡丹江市" in _text(page) and 'id="regions-form"' not in _text(page)
    )
    admin_page = signed_in(app, "admin").get("/platform/regions")
    assert 'id="regions-form"' in _text(admin_page) and 'id="nav-regions"' in _text(admin_page)
    assert app.test_client().get("/platform/regions").status_code == 302  # to the sign-in page
    refused = post_form(signed_in(app, "yjj_admin"), "/platform/regions/preview", {"text": FILE}, token_from="/")
    assert refused.status_code == 403


def test_the_administrator_uploads_a_file_sees_what_it_changes_and_confirms(app):
    admin = signed_in(app, "admin")
    token = csrf_token(admin, "/platform/regions")
    preview = admin.post(
        "/platform/regions/preview",
        data={"csrf_token": token, "file": (io.BytesIO(FILE.encode("utf-8-sig")), "regions.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    assert "新增区划（2个）" in _text(preview) and "231085100 穆棱镇" in _text(preview)
    assert 'data-region="231085"' not in _text(admin.get("/platform/regions"))  # nothing loaded yet
    text = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', _text(preview), re.S).group(1)
    loaded = post_form(
        admin, "/platform/regions/load", {"text": text.replace("&#34;", '"')}, token_from="/platform/regions"
    )
    assert loaded.status_code == 302
    page = _text(admin.get("/platform/regions"))
    assert "已载入：新增区划2个" in page and 'data-region="231085100"' in page


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_loaded(app):
    admin = signed_in(app, "admin")
    bad = "code,name,level,parent\n231085,穆棱市,县,231000\n2310,某区,县,231000\n"
    refused = post_form(admin, "/platform/regions/preview", {"text": bad}, token_from="/platform/regions")
    assert refused.status_code == 422
    assert "第3行：区划代码“2310”不是县级区划的代码" in _text(refused) and "未载入" in _text(refused)
    loaded = post_form(admin, "/platform/regions/load", {"text": bad}, token_from="/platform/regions")
    assert loaded.status_code == 422 and "第3行" in _text(loaded)
    assert 'data-region="231085"' not in _text(admin.get("/platform/regions"))


def test_the_department_form_takes_a_region_of_the_tree_and_names_an_unknown_one(app):
    admin = signed_in(app, "admin")
    form = {
        "code": "ZJJ",
        "name": "住房和城乡建设局",
        "kind": "ordinary",
        "admin_login": "zjj_admin",
        "admin_name": "许诺",
        "admin_password": "Building-2026",
    }
    refused = post_form(
        admin, "/platform/tenants/new", {**form, "region": "231099"}, token_from="/platform/tenants/new"
    )
    assert refused.status_code == 200  # the form again (as for any other refused field of this form)
    assert "所属区划：区划树中没有名称或代码为“231099”的区划" in _text(refused) and "regions load" not in _text(refused)
    created = post_form(
        admin, "/platform/tenants/new", {**form, "region": "231000"}, token_from="/platform/tenants/new"
    )
    assert created.status_code == 302
    listed = _text(admin.get("/platform/tenants"))
    assert re.search(r'data-tenant="ZJJ">.*?231000 牡丹江市', listed, re.S)


def test_the_tree_is_indented_by_level_without_inline_styles_and_a_new_department_takes_its_short_name(app):
    """The content security policy allows no inline style: each level's indentation is a class of the stylesheet.
    A department created on the page takes the short name its campaign codes carry (应急抽〔年〕n号)."""
    admin = signed_in(app, "admin")
    loaded = post_form(admin, "/platform/regions/load", {"text": FILE}, token_from="/platform/regions")
    assert loaded.status_code == 302
    page = _text(admin.get("/platform/regions"))
    assert re.search(r'data-region="231085100"><td>231085100</td><td class="region-depth-2">穆棱镇', page)
    assert "style=" not in page.split("<main", 1)[-1]
    created = post_form(
        admin,
        "/platform/tenants/new",
        {
            "code": "XHYJJ",
            "name": "穆棱市应急管理局",
            "kind": "ordinary",
            "region": "231085",
            "short_name": "应急",
            "admin_login": "xhyjj_admin",
            "admin_name": "管理员",
            "admin_password": "Xihu-Admin-2026!",
        },
        token_from="/platform/tenants/new",
    )
    assert created.status_code == 302, _text(created)
    detail = _text(admin.get(created.headers["Location"]))
    assert "穆棱市应急管理局" in detail and "231085 穆棱市" in detail
    with app.app_context():
        assert db.session.query(Tenant).filter_by(code="XHYJJ").one().short_name == "应急"
