"""An inspector's enforcement certificate as the law writes it (issue 94): its number has the format of its issuing
body — a provincial government's for the departments of its province, a ministry's for a vertically managed agency —
read from data, never from code; an issuer whose format is not known is warned about and nothing is refused; an
expired certificate is kept, marked and never drawn, and its entry says so (the page and the API answer). And a
resident ID number keeps the address code of its place of registration, whatever the person's birth year."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from stdnum.cn import ric

from spotcheck.platform.config import ConfigError
from spotcheck.platform.factory import create_app
from spotcheck.tenants.inspectors import certificates
from tests.support.helpers import bearer, post_form, signed_in


def id_number(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def inspector_json(**overrides) -> dict:
    data = {
        "name": "王建国",
        "sex": "M",
        "id_number": id_number("33010619850101123"),
        "agency": "宁安市市场监督管理局",
        "post": "科员",
        "cert_no": "23108400001",
        "cert_expires_on": (date.today() + timedelta(days=400)).isoformat(),
        "categories": ["market", "food"],
    }
    return {**data, **overrides}


def page_form(**overrides) -> dict:
    return {**inspector_json(**overrides), "active": "y"}


def field_errors(html: str, field: str) -> list[str]:
    """The error messages the form's error summary gives the form field ``field``."""
    return re.findall(rf'<li><a href="#{field}">[^<]*</a>：([^<]*)</li>', html)


FORMATS = """
[[issuer]]
name = "黑龙江省人民政府"
province = "23"
pattern = '23\\d{9}'
example = "23108400001"
source = "《测试用行政执法证件管理办法》第八条"

[[issuer]]
name = "海关总署"
agencies = ["海关"]
pattern = 'HG\\d{6}'
example = "HG000001"
source = "《测试用海关行政执法证件管理规定》第五条"
"""


@pytest.fixture
def formats(app, tmp_path):
    path = tmp_path / "formats.toml"
    path.write_text(FORMATS, encoding="utf-8")
    app.config["SPOTCHECK_CERTIFICATE_FORMATS"] = str(path)
    return path


def _add(app, **fields):
    return app.test_client().post("/api/v1/inspectors", headers=bearer(app, "scj_admin"), json=inspector_json(**fields))


def test_a_number_not_of_the_provinces_format_is_refused_citing_it(app, formats):
    refused = _add(app, cert_no="ABC", agency="宁安市市场监督管理局")
    assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {"cert_no"}
    message = refused.json["errors"]["json"]["cert_no"][0]
    assert "黑龙江省人民政府" in message and "23108400001" in message
    assert "《测试用行政执法证件管理办法》第八条" in message
    accepted = _add(app, cert_no="23108400123", agency="宁安市市场监督管理局")
    assert accepted.status_code == 201 and accepted.json["warnings"] == []


def test_a_vertically_managed_agency_has_its_ministrys_format(app, formats):
    refused = _add(app, cert_no="23108400123", agency="牡丹江海关")
    assert refused.status_code == 422 and "海关总署" in refused.json["errors"]["json"]["cert_no"][0]
    assert _add(app, cert_no="HG123456", agency="牡丹江海关").status_code == 201


def test_the_page_refuses_the_number_on_its_field(app, formats):
    admin = signed_in(app, "scj_admin")
    page = post_form(
        admin, "/catalog/inspectors/new", page_form(cert_no="ABC", agency="宁安市市场监督管理局"), token_from="/"
    )
    assert page.status_code == 200
    assert any("黑龙江省人民政府" in message for message in field_errors(page.get_data(as_text=True), "cert_no"))


def test_an_issuer_whose_format_is_not_known_is_warned_about_not_refused(app):
    """The platform's own file lists no issuer: "ABC" is kept, and the entry says its number was not checked."""
    added = _add(app, cert_no="ABC", agency="宁安市市场监督管理局")
    assert added.status_code == 201
    assert len(added.json["warnings"]) == 1 and "ABC" in added.json["warnings"][0]
    assert "未核对" in added.json["warnings"][0] or "未经核对" in added.json["warnings"][0]
    detail = signed_in(app, "scj_admin").get(f"/catalog/inspectors/{added.json['id']}").get_data(as_text=True)
    assert 'id="entry-warnings"' in detail and "ABC" in detail.split('id="entry-warnings"')[1].split("</div>")[0]


def test_an_expired_certificate_is_kept_marked_not_drawn_and_said_at_entry(app, formats):
    yesterday = date.today() - timedelta(days=1)
    added = _add(app, cert_no="23108400777", cert_expires_on=yesterday.isoformat())
    assert added.status_code == 201 and added.json["cert_expires_on"] == yesterday.isoformat()
    assert [warning for warning in added.json["warnings"] if yesterday.isoformat() in warning]
    assert "过期" in added.json["warnings"][0]
    admin = signed_in(app, "scj_admin")
    detail = admin.get(f"/catalog/inspectors/{added.json['id']}").get_data(as_text=True)
    assert 'id="entry-warnings"' in detail and "过期" in detail.split('id="entry-warnings"')[1].split("</div>")[0]
    edit = admin.get(f"/catalog/inspectors/{added.json['id']}/edit").get_data(as_text=True)
    assert 'id="entry-warnings"' in edit
    public = app.test_client().get("/public/inspectors").get_data(as_text=True)
    assert "23108400777" not in public  # not drawable: not on the public list of those who may be drawn
    renewed = app.test_client().patch(
        f"/api/v1/inspectors/{added.json['id']}",
        headers=bearer(app, "scj_admin"),
        json={"cert_expires_on": (date.today() + timedelta(days=300)).isoformat()},
    )
    assert renewed.status_code == 200 and renewed.json["warnings"] == []


def test_a_ningan_number_of_a_person_born_before_its_code_is_entered(app):
    """231084 (宁安市) exists from 1993: a person born there in 1990 keeps it (python-stdnum alone refuses it)."""
    added = _add(app, id_number="231084199001011230", cert_no="C-NA-1")
    assert added.status_code == 201, added.json
    assert added.json["id_number_masked"] == "231084********1230"
    other = _add(app, id_number=id_number("23108419900101124"), cert_no="C-NA-2")
    assert other.status_code == 201
    wrong = _add(app, id_number="231084199001011231", cert_no="C-NA-3")
    assert wrong.status_code == 422 and set(wrong.json["errors"]["json"]) == {"id_number"}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('[[issuer]]\nname = "甲"\nprovince = "23"\npattern = \'\\d+\'\nexample = "A1"\nsource = "乙"', "example"),
        ('[[issuer]]\nname = "甲"\npattern = \'\\d+\'\nexample = "1"\nsource = "乙"', "province or agencies"),
        ('[[issuer]]\nname = "甲"\nprovince = "23"\npattern = \'(\'\nexample = "1"\nsource = "乙"', "regular"),
        ('[[issuer]]\nname = "甲"\nprovince = "23"\npattern = \'\\d+\'\nexample = "1"', "source"),
    ],
)
def test_a_formats_file_that_cannot_be_read_says_why_and_stops_the_start(tmp_path, text, why):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(certificates.FormatsFileError, match=why):
        certificates.read_formats(str(path))
    with pytest.raises(ConfigError, match="SPOTCHECK_CERTIFICATE_FORMATS"):
        create_app({"DATABASE_URL": "sqlite://", "SPOTCHECK_CERTIFICATE_FORMATS": str(path)})
