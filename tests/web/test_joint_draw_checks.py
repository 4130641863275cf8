"""A joint campaign across levels checked by two bureaus (跨层级联合抽查的核验, issue 92): the city's
市场监督管理局 leads the city's 商务局, a county's 应急管理局 and a town of that county. The lead's bureau (the
city's) checks every row of both draws with the key; the county's bureau checks the rows of its own two departments
with their salts, never the key, and says it cannot check the frame digest. Each verdict is on the public page, each
reading in the trails of the bureau and of the departments whose rows were read; a changed town row fails both
checks; the sibling county's bureau and 宁安市's are refused. With the city's bureau out of service, the root's
bureau (the one nearest the root) checks the draws of the departments no bureau supervises."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from spotcheck.core import personal_data
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import draws as draw_steps
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.supervision import bureau, draw_checks
from tests.support import joint_levels, two_counties
from tests.support.helpers import bearer, signed_in

API = "/api/v1/supervision/draw-checks"
NAMES = {code: name for code, name, *_ in two_counties.DEPARTMENTS}
COUNTY = ("QBJD", "SCYJJ")  # the county's bureau's departments in the campaign: the town's, the county's 应急管理局


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def joint(app):
    with app.app_context():
        ids = joint_levels.handed_out()
    return ids


def _check(app, login: str, campaign_id: int, kind: str) -> dict:
    """Run the check as ``login`` (the job runs at once in the tests) and return the draw with its verdicts."""
    api, headers = app.test_client(), bearer(app, login)
    queued = api.post(f"{API}/{campaign_id}/{kind}", headers=headers)
    assert queued.status_code == 202, queued.get_data(as_text=True)
    assert api.get(f"/api/v1/jobs/{queued.json['id']}", headers=headers).json["status"] == "succeeded"
    return api.get(f"{API}/{campaign_id}/{kind}", headers=headers).json


def _actions(app, code: str, campaign_id: int) -> list[tuple[str, str]]:
    """(action, who read) of the checks' entries about the campaign in department ``code``'s trail."""
    with app.app_context(), system_access("test: a trail"):
        tenant = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code))
        rows = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.details)
            .where(
                AuditEntry.chain == tenant,
                AuditEntry.object_id == str(campaign_id),
                AuditEntry.action.in_(["draw.key_read", "draw.clear_read", "draw.checked"]),
            )
            .order_by(AuditEntry.seq)
        ).all()
    return [(action, details["reader"]) for action, details in rows]


def test_the_leads_bureau_checks_every_row_and_a_county_bureau_its_departments_rows(app, joint):
    campaign_id = joint["campaign"]
    county, city = "scsfj_supervisor", "mdjsfj_supervisor"
    listed = {
        login: {
            d["kind"]: d
            for d in app.test_client().get(API, headers=bearer(app, login)).json
            if d["campaign_id"] == campaign_id
        }
        for login in (county, city)
    }
    assert set(listed[city]) == set(listed[county]) == {"targets", "inspectors"}
    assert all(d["whole"] and not d["group_names"] for d in listed[city].values())
    assert all(not d["whole"] and d["group_names"] == [NAMES[c] for c in COUNTY] for d in listed[county].values())
    home = _text(signed_in(app, county).get("/").get_data(as_text=True))
    assert (
        home.count(f"核验抽取：{listed[county]['targets']['code']}") == 2
        and f"{NAMES['QBJD']}、{NAMES['SCYJJ']}的明文行" in home
    )
    page = _text(signed_in(app, county).get(f"/supervision/draw-checks/{campaign_id}/targets").get_data(as_text=True))
    assert "本局无法核验抽取范围摘要" in page

    for kind in ("targets", "inspectors"):
        whole, part = _check(app, city, campaign_id, kind), _check(app, county, campaign_id, kind)
        assert whole["verdicts"][0]["passed"] and part["verdicts"][0]["passed"], (kind, part["verdicts"][0]["checks"])
        names = [check["name"] for check in part["verdicts"][0]["checks"]]
        assert not any(name.startswith("H(key)") or ("frame digest" in name and "clear" in name) for name in names)
        own = [name for name in names if name.startswith(("clear rows of", "clear lines of"))]
        assert own and all(any(code in name for code in COUNTY) for name in own), own
        assert part["verdicts"][0]["groups"] == list(COUNTY)
        assert "H(key) = blind_commitment" in [check["name"] for check in whole["verdicts"][0]["checks"]]

    public = _text(app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True))
    assert len(re.findall(r"盲化密钥已向牡丹江市司法局披露，核验通过（\d{4}-\d\d-\d\d）", public)) == 2
    rows = f"{NAMES['QBJD']}、{NAMES['SCYJJ']}的明文行及其盐值"
    county_sentence = rf"{rows}已向海林市司法局披露，对这些行的核验通过（\d{{4}}-\d\d-\d\d）"
    assert len(re.findall(county_sentence, public)) == 2

    both = {
        ("draw.key_read", "牡丹江市司法局"),
        ("draw.clear_read", "牡丹江市司法局"),
        ("draw.clear_read", "海林市司法局"),
    }
    for code in ("MDJSCJ", *COUNTY):  # the lead keeps the draw; the county's departments' rows were read by both
        assert both <= set(_actions(app, code, campaign_id)), code
    city_only = set(_actions(app, "MDJSWJ", campaign_id))  # the city's 商务局: read by the lead's bureau alone
    assert ("draw.key_read", "牡丹江市司法局") in city_only and not any(who == "海林市司法局" for _, who in city_only)
    assert {action for action, _ in _actions(app, "SCSFJ", campaign_id)} == {"draw.clear_read", "draw.checked"}
    assert {action for action, _ in _actions(app, "MDJSFJ", campaign_id)} == {
        "draw.key_read",
        "draw.clear_read",
        "draw.checked",
    }

    for other in ("xhsfj_supervisor", "sfj_supervisor"):  # the sibling county's bureau, 宁安市's
        api, headers = app.test_client(), bearer(app, other)
        assert api.get(f"{API}/{campaign_id}/targets", headers=headers).status_code == 404
        assert api.post(f"{API}/{campaign_id}/targets", headers=headers).status_code == 404
        assert campaign_id not in {d["campaign_id"] for d in api.get(API, headers=headers).json}


def test_a_changed_row_of_the_town_fails_both_bureaus_checks(app, joint):
    campaign_id = joint["campaign"]
    with app.app_context():
        lead = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == "MDJSCJ"))
        with tenant_scope(lead):
            record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == campaign_id, Draw.kind == "targets"))
            clear = dict(draw_steps.read_clear(record))  # the one reader, whichever form the file is kept in
            lines = clear["frame_file"].splitlines()
            index = next(i for i, line in enumerate(lines) if line.startswith("QBJD\t"))
            lines[index] = lines[index][:-1] + ("X" if lines[index][-1] != "X" else "Y")
            clear["frame_file"] = "".join(line + "\n" for line in lines)
            record.clear_encrypted = personal_data.encrypt(json.dumps(clear, ensure_ascii=False))
            record.clear_sealed = None  # kept as a draw frozen before 0083 kept it: still read
            db.session.commit()
    part = _check(app, "scsfj_supervisor", campaign_id, "targets")["verdicts"][0]
    whole = _check(app, "mdjsfj_supervisor", campaign_id, "targets")["verdicts"][0]
    assert not part["passed"] and not whole["passed"]
    assert all(c["name"].startswith("clear rows of QBJD/") for c in part["checks"] if not c["ok"])
    public = _text(app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True))
    assert (
        "盲化密钥已向牡丹江市司法局披露，核验未通过" in public
        and "已向海林市司法局披露，对这些行的核验未通过" in public
    )


def test_which_bureau_checks_is_its_supervising_bureau_else_the_roots(app, joint):
    """The look-up over the regions' paths agrees with the nearest-bureau rule for every department; with the city's
    bureau out of service, the departments at the root have none, and the root's bureau — the one nearest the root,
    the first county's — checks their draws: the joint campaign's, whole."""
    with app.app_context():
        tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.id)).all()
        city = next(t for t in tenants if t.code == "MDJSFJ")

        def agree() -> None:
            for checker in [t for t in tenants if t.kind.value == "supervisor" and t.active]:
                checked = set(db.session.scalars(sa.select(Tenant.id).where(bureau.checked_by(checker.id))))
                expected = {t.id for t in tenants if getattr(bureau.checking_bureau(t.id), "id", None) == checker.id}
                assert checked == expected, checker.code

        agree()
        assert bureau.checking_bureau(next(t.id for t in tenants if t.code == "QBJD")).code == "SCSFJ"
        city.active = False
        db.session.commit()
        agree()
        lead = next(t for t in tenants if t.code == "MDJSCJ")
        assert bureau.supervising_bureau(lead.id) is None and bureau.root_bureau().code == "SCSFJ"
        assert bureau.checking_bureau(lead.id).code == "SCSFJ"
        found = draw_checks.one(bureau.root_bureau().id, joint["campaign"], "targets")
        assert found.whole and found.department == lead.name
    verdict = _check(app, "scsfj_supervisor", joint["campaign"], "inspectors")["verdicts"][0]
    assert verdict["passed"] and not verdict["groups"] and verdict["bureau_name"] == "海林市司法局"
