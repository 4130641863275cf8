"""Result categories per department (检查结果类别): the standard market-regulation list unless the
department's administrator chooses its own — the standard ones that apply and its field's own —
and then results, the form, imports and the published register all use that list."""

from __future__ import annotations

from datetime import date

import pytest

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import categories, commands as results, queries as results_queries
from tests.support.helpers import bearer, post_form, signed_in, user_named
from tests.support.results_world import handed_out, visit

TODAY = date(2026, 10, 12)
OWN = "发现安全隐患责令限期整改"


def test_a_department_of_another_field_uses_its_own_categories(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        admin, chief = user_named("yjj_admin"), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            assert list(categories.offered()) == list(reference.RESULT_CATEGORIES) and not categories.configured()
            with pytest.raises(ForbiddenError):
                results.use_standard(["no_problem"], actor=user_named("yjj_planner"))
            results.use_standard(["pending_own_rules", "rectified"], actor=admin)
            own = results.add_own({"name": OWN, "pending": True}, actor=admin)
            with pytest.raises(InvalidInputError) as refused:
                results.add_own({"name": OWN}, actor=admin)
            assert set(refused.value.errors) == {"name"}
            db.session.commit()
            assert list(categories.offered()) == ["no_problem", "pending_own_rules", "rectified", own.code]
            assert own.code in categories.problem_codes()

            item = str(ids["item"])
            with pytest.raises(InvalidInputError) as refused:  # a standard category the department does not use
                results.record_result(
                    visit(ids).id, {"items": {item: {"categories": ["pending_unpublished_info"]}}}, actor=chief
                )
            assert "items." + item + ".categories" in refused.value.errors
            results.record_result(
                visit(ids).id,
                {
                    "checked_on": "2026-04-30",
                    "method": "onsite",
                    "record": "现场检查液氨储罐。",
                    "evaluation": "液氨储罐管理基本规范。",
                    "opinions": "责令增设泄漏报警。",
                    "items": {item: {"categories": [own.code]}},
                },
                actor=chief,
            )
            with pytest.raises(InvalidInputError) as refused:  # its own problem category needs the findings too
                results.submit_result(visit(ids).id, actor=chief)
            assert f"items.{item}.findings" in refused.value.errors
            results.record_result(
                visit(ids).id,
                {"items": {item: {"categories": [own.code], "findings": "液氨储罐未设泄漏报警。"}}},
                actor=chief,
            )
            results.submit_result(visit(ids).id, actor=chief)
            results.approve_result(visit(ids).id, actor=user_named("yjj_leader"))
            results.publish_results([ids["visit"]], actor=user_named("yjj_planner"))
            db.session.commit()
            assert visit(ids).published_at is not None
            published = results_queries.register.public_content(visit(ids))
            assert published["items"][0]["categories"] == [f"发现问题待后续处理：{OWN}"]

            results.set_own_active(own.code, False, actor=admin)  # out of use: old results keep their name
            db.session.commit()
            assert own.code not in categories.offered() and categories.published_name(own.code).endswith(OWN)
        with tenant_scope(user_named("scj_admin").tenant_id):  # another department keeps the standard list
            assert list(categories.offered()) == list(reference.RESULT_CATEGORIES)


def test_the_administrator_configures_the_list_on_its_page(app):
    with frozen_at(TODAY):
        with app.app_context():
            ids = handed_out()
        admin = signed_in(app, "yjj_admin")
        page = "/catalog/result-categories"
        assert "标准" in admin.get(page).get_data(as_text=True)
        short = post_form(admin, f"{page}/own", {"name": "x"}, token_from=page)
        assert short.status_code == 422 and "2" in short.get_data(as_text=True)
        assert post_form(admin, f"{page}/own", {"name": OWN, "pending": "1"}, token_from=page).status_code == 302
        assert (
            post_form(admin, f"{page}/standard", {"codes": ["pending_own_rules"]}, token_from=page).status_code == 302
        )
        shown = admin.get(page).get_data(as_text=True)
        assert OWN in shown
        chief = signed_in(app, "yjj_inspector")
        form = chief.get(f"/visits/{ids['visit']}").get_data(as_text=True)
        assert OWN in form and "未按规定公示应当公示的信息" not in form and "违反本部门其他规定" in form
        assert signed_in(app, "yjj_planner").post(f"{page}/own", data={"name": "y"}).status_code in (400, 403)
        api = app.test_client()
        listed = api.get("/api/v1/visits/categories", headers=bearer(app, "yjj_inspector")).get_json()
        assert [c["code"] for c in listed][:2] == ["no_problem", "pending_own_rules"] and listed[-1]["problem"]
