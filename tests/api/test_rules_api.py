"""The rules in force and their versions through the API (现行规则 · 规则版本): the deployment's and a
department's rules in force, each parameter with its value and citation; the history; one version with
its text; the differences of two; loading a version (the platform administrator the rulebook, a
department's administrator its own rules), refused key by key in Chinese with nothing changed."""

from __future__ import annotations

import re

from tests.support.helpers import bearer, tenant_id
from tests.support.rules_files import changed_department_rules, changed_rulebook, in_force_text

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _by_key(rules: dict) -> dict:
    return {row["key"]: row for row in rules["parameters"]}


def test_anyone_signed_in_reads_the_rules_in_force_and_where_each_comes_from(app, client):
    headers = bearer(app, "yjj_planner")
    rulebook = client.get("/api/v1/rules/rulebook?region=231084", headers=headers)
    assert rulebook.status_code == 200 and rulebook.json["department"] is None and rulebook.json["place"] == "宁安市"
    rows = _by_key(rulebook.json)
    assert rows["publish_days"]["source"] == "national" and rows["publish_days"]["raw"] == 20
    assert "企业信息公示暂行条例" in rows["publish_days"]["cited"] and rows["publish_days"]["value"] == "20个工作日"
    assert rows["report_days"]["source"] == "open" and rows["report_days"]["raw"] is None
    own = client.get("/api/v1/rules/department", headers=headers)
    assert own.status_code == 200 and own.json["department"] == {"code": "YJJ", "name": "宁安市应急管理局"}
    assert own.json["department_rules"]["title"].startswith("宁安市应急管理局细则")
    assert _by_key(own.json)["report_days"]["source"] == "department" and _by_key(own.json)["report_days"]["raw"] == 5
    other = client.get("/api/v1/rules/department?department=scj", headers=headers)
    assert other.status_code == 200 and other.json["department_rules"] is None
    assert all(row["source"] != "department" for row in other.json["parameters"])
    assert client.get("/api/v1/rules/department?department=NOPE", headers=headers).status_code == 404

    admin = bearer(app, "admin")  # no department of their own: must name one
    unnamed = client.get("/api/v1/rules/department", headers=admin)
    assert unnamed.status_code == 422 and "department" in unnamed.json["errors"]["json"]
    assert client.get("/api/v1/rules/rulebook").status_code == 401


def test_the_history_a_version_with_its_text_and_the_differences(app, client):
    headers = bearer(app, "scj_planner")
    [version] = client.get("/api/v1/rules/rulebook/versions?region=231084", headers=headers).json
    assert version["scope"] == "rulebook" and version["state"] == "in_force"
    assert version["preset"] == "" and version["origin"]  # the platform's preset is its keepers' (as on the portal)
    one = client.get(f"/api/v1/rules/versions/{version['id']}", headers=headers)
    with app.app_context():
        assert one.json["text"] == in_force_text(None)
    entries = {entry["key"]: entry for entry in one.json["entries"]}
    assert entries["plans_required"] == {
        "key": "plans_required",
        "label": "检查须列入年度检查计划",
        "says": "set",
        "value": "是",
        "article": "第3条",
    }
    assert entries["report_days"]["says"] == "open" and any(a["number"] == "第3条" for a in one.json["articles"])
    [yjj] = client.get("/api/v1/rules/department/versions?department=YJJ", headers=headers).json
    assert yjj["department"]["code"] == "YJJ"
    assert client.get("/api/v1/rules/department/versions", headers=headers).json == []  # SCJ has none
    mixed = client.get(f"/api/v1/rules/differences?from={version['id']}&to={yjj['id']}", headers=headers)
    assert mixed.status_code == 422 and "to" in mixed.json["errors"]["json"]
    assert client.get("/api/v1/rules/versions/999999", headers=headers).status_code == 404


def test_the_platform_administrator_loads_a_rulebook_version_refused_key_by_key_or_whole(app, client):
    admin = bearer(app, "admin")
    with app.app_context():
        wrong = changed_rulebook(report_days=(0, "第9条"))
        good = changed_rulebook(report_days=(10, "第9条"))
        first = client.get("/api/v1/rules/rulebook/versions?region=231084", headers=admin).json[0]["id"]
    refused = client.post(
        "/api/v1/rules/rulebook/versions?region=231084", headers=admin, json={"text": wrong, "region": "231084"}
    )
    assert refused.status_code == 422
    [message] = refused.json["errors"]["json"]["report_days.value"]
    assert message.startswith("检查结果报送期限") and "1至60" in message
    for body, field in (({}, "text"), ({"text": "kind = 1"}, "document"), ({"preset": "乌审旗应急管理局"}, "preset")):
        answer = client.post("/api/v1/rules/rulebook/versions?region=231084", headers=admin, json=body)
        assert answer.status_code == 422 and field in answer.json["errors"]["json"], body
    heading = client.post("/api/v1/rules/rulebook/versions?region=231084", headers=admin, json={"text": "kind = 1"})
    assert CHINESE.search(heading.json["errors"]["json"]["document"][0])
    assert "宁安市、城口县" in answer.json["errors"]["json"]["preset"][0]  # the presets it may choose, named
    assert len(client.get("/api/v1/rules/rulebook/versions?region=231084", headers=admin).json) == 1  # nothing changed

    loaded = client.post(
        "/api/v1/rules/rulebook/versions?region=231084", headers=admin, json={"text": good, "region": "231084"}
    )
    assert loaded.status_code == 201 and loaded.json["state"] == "in_force" and loaded.json["text"] == good
    rows = _by_key(client.get("/api/v1/rules/rulebook?region=231084", headers=admin).json)
    assert rows["report_days"]["raw"] == 10 and rows["report_days"]["source"] == "rulebook"
    changes = client.get(f"/api/v1/rules/differences?from={first}&to={loaded.json['id']}", headers=admin).json
    assert changes["from"]["state"] == "past" and changes["to"]["id"] == loaded.json["id"]
    [change] = [c for c in changes["differences"] if c["key"] == "report_days"]
    assert change["label"] == "检查结果报送期限" and change["after"] == "10个工作日（第9条）"

    department_admin = bearer(app, "scj_admin")
    assert (
        client.post(
            "/api/v1/rules/rulebook/versions?region=231084",
            headers=department_admin,
            json={"text": good, "region": "231084"},
        ).status_code
        == 403
    )


def test_a_department_administrator_loads_its_own_rules(app, client):
    headers = bearer(app, "yjj_admin")
    with app.app_context():
        yjj = tenant_id("YJJ")
        looser = changed_department_rules(yjj, publish_days=(30, "四（三）"))
        stricter = changed_department_rules(yjj, report_days=(3, "四（三）"))
    refused = client.post("/api/v1/rules/department/versions", headers=headers, json={"text": looser})
    assert refused.status_code == 422 and "检查结果公示期限" in refused.json["errors"]["json"]["publish_days"][0]
    loaded = client.post("/api/v1/rules/department/versions", headers=headers, json={"text": stricter})
    assert loaded.status_code == 201 and loaded.json["department"]["code"] == "YJJ"
    assert _by_key(client.get("/api/v1/rules/department", headers=headers).json)["report_days"]["raw"] == 3
    assert len(client.get("/api/v1/rules/department/versions", headers=headers).json) == 2
    for login in ("yjj_planner", "admin"):
        answer = client.post("/api/v1/rules/department/versions", headers=bearer(app, login), json={"text": stricter})
        assert answer.status_code == 403, login


def test_who_loaded_a_version_is_read_by_the_rules_owners_and_the_platform_administrator_alone(app, client):
    """载入人: a staff member's name (and the platform's preset) goes to the department whose rules it is and to the
    platform administrator; any other department reads what the public version page shows — when it came to the
    platform and where its text comes from — in the lists and in the version alike."""
    with app.app_context():
        stricter = changed_department_rules(tenant_id("YJJ"), report_days=(3, "四（三）"))
    loaded = client.post("/api/v1/rules/department/versions", headers=bearer(app, "yjj_admin"), json={"text": stricter})
    assert loaded.status_code == 201
    name, version_id = loaded.json["loaded_by_name"], loaded.json["id"]
    assert name and loaded.json["origin"]
    [rulebook] = client.get("/api/v1/rules/rulebook/versions?region=231084", headers=bearer(app, "admin")).json
    assert rulebook["preset"] == "宁安市" and rulebook["loaded_by_name"]
    for login in ("scj_planner", "sfj_leader", "swj_admin"):  # other departments, a justice bureau among them
        headers = bearer(app, login)
        listed = client.get("/api/v1/rules/department/versions?department=YJJ", headers=headers).json
        one = client.get(f"/api/v1/rules/versions/{version_id}", headers=headers).json
        [book] = client.get("/api/v1/rules/rulebook/versions?region=231084", headers=headers).json
        for shown in (*listed, one, book):
            assert shown["loaded_by_name"] == "" and shown["preset"] == "" and shown["origin"], (login, shown)
            assert shown["loaded_at"]
        assert name not in str(listed) + str(one), login
    for login in ("yjj_planner", "admin"):  # the owners' colleague, the platform administrator
        one = client.get(f"/api/v1/rules/versions/{version_id}", headers=bearer(app, login)).json
        assert one["loaded_by_name"] == name, login


def test_the_api_document_states_the_rules_operations(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path, methods in (
        ("/api/v1/rules/rulebook", {"get"}),
        ("/api/v1/rules/rulebook/versions", {"get", "post"}),
        ("/api/v1/rules/department", {"get"}),
        ("/api/v1/rules/department/versions", {"get", "post"}),
        ("/api/v1/rules/versions/{version_id}", {"get"}),
        ("/api/v1/rules/differences", {"get"}),
    ):
        assert methods <= set(paths[path]), path
    body = paths["/api/v1/rules/rulebook/versions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("RuleLoad")
