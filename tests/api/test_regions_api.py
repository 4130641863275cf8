"""``/api/v1/regions``: the tree for anyone signed in, loading a tree file for the platform administrator (422 naming
each bad line, nothing changed)."""

from __future__ import annotations

from tests.support.helpers import bearer


def test_the_tree_for_anyone_signed_in(app):
    client = app.test_client()
    assert client.get("/api/v1/regions").status_code == 401
    listed = client.get("/api/v1/regions", headers=bearer(app, "yjj_inspector"))
    assert listed.status_code == 200
    assert listed.json == [
        {
            "id": listed.json[0]["id"],
            "code": "330100",
            "name": "杭州市",
            "level": "city",
            "level_name": "市",
            "parent_id": None,
            "parent_code": "",
            "path": "/330100/",
            "depth": 0,
        }
    ]


def test_the_administrator_loads_a_file_and_a_bad_one_is_refused_by_line(app):
    client, headers = app.test_client(), bearer(app, "admin")
    bad = client.post(
        "/api/v1/regions", headers=headers, json={"text": "code,name,level,parent\n330106,西湖区,市,330100\n"}
    )
    assert bad.status_code == 422
    assert bad.json["errors"]["json"]["line.2"][0].startswith("第2行：区划代码“330106”不是市级区划的代码")
    loaded = client.post(
        "/api/v1/regions", headers=headers, json={"text": "code,name,level,parent\n330106,西湖区,县,330100\n"}
    )
    assert loaded.status_code == 200 and loaded.json["added"] == ["330106"]
    codes = [r["code"] for r in client.get("/api/v1/regions", headers=headers).json]
    assert codes == ["330100", "330106"]
    forbidden = client.post(
        "/api/v1/regions", headers=bearer(app, "sfj_supervisor"), json={"text": "code,name,level,parent\n"}
    )
    assert forbidden.status_code == 403
