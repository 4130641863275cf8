"""涉企检查频次 on the pages: the justice bureau opens it from the supervision overview, each figure drills down;
a department's leader is refused it (it reads every department's visits of a business)."""
from __future__ import annotations

from datetime import date

from spotcheck.core.clock import frozen_at
from tests.support.campaign_world import build
from tests.support.helpers import signed_in


def test_the_bureau_reads_how_often_businesses_are_inspected_and_a_department_does_not(app):
    with app.app_context():
        build()
    with frozen_at(date(2026, 4, 1)):
        supervisor = signed_in(app, "sfj_supervisor")
        overview = supervisor.get("/supervision?period=2026").get_data(as_text=True)
        assert 'id="to-burden"' in overview and "特定对象检查" in overview
        page = supervisor.get("/supervision/burden?period=2026")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "涉企检查频次" in text and "超过检查次数上限的企业" in text
        assert "30" in text[text.index('id="burden-repeated"'):]  # the window of the rules in force
        for key in ("over_cap", "repeated", "per_business", "joint_rate", "onsite", "suspicious"):
            drill = supervisor.get(f"/supervision/burden/{key}?period=2026")
            assert drill.status_code == 200 and 'id="drill-rows"' in drill.get_data(as_text=True), key
        assert supervisor.get("/supervision/burden/nothing?period=2026").status_code == 404
        assert signed_in(app, "yjj_leader").get("/supervision/burden?period=2026").status_code == 403
