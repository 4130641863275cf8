"""``/api/v1/regions``: the tree for anyone signed in, loading a tree file for the platform administrator (422 naming
each bad line, nothing changed)."""

from __future__ import annotations

from tests.support.helpers import bearer


def test_the_tree_for_anyone_signed_in(app):
    client = app.test_client()
    assert client.get("/api/v1/regions").status_code == 401
    listed = client.get("/api/v1/regions", headers=bearer(app, "yjj_inspector"))
    assert listed.status_code == 200
    assert listed.json[0] == {  # the demo's root, 牡丹江市, then its counties and 宁安市's town
        "id": listed.json[0]["id"],
        "code": "231000",
        "name": "牡丹江市",
        "level": "city",
        "level_name": "市",
        "parent_id": None,
        "parent_code": "",
        "path": "/231000/",
        "depth": 0,
    }
    assert [(r["code"], r["parent_code"], r["depth"]) for r in listed.json[1:]] == [
        ("231083", "231000", 1),
        ("231084", "231000", 1),
        ("231084100", "231084", 2),
    ]


def test_the_administrator_loads_a_file_and_a_bad_one_is_refused_by_line(app):
    client, headers = app.test_client(), bearer(app, "admin")
    bad = client.post(
        "/api/v1/regions", headers=headers, json={"text": "code,name,level,parent\n231085,穆棱市,市,231000\n"}
    )
    assert bad.status_code == 422
    assert bad.json["errors"]["json"]["line.2"][0].startswith("第2行：区划代码“231085”不是市级区划的代码")
    loaded = client.post(
        "/api/v1/regions", headers=headers, json={"text": "code,name,level,parent\n231085,穆棱市,县,231000\n"}
    )
    assert loaded.status_code == 200 and loaded.json["added"] == ["231085"]
    codes = [r["code"] for r in client.get("/api/v1/regions", headers=headers).json]
    assert codes == ["231000", "231083", "231084", "231084100", "231085"]
    forbidden = client.post(
        "/api/v1/regions", headers=bearer(app, "sfj_supervisor"), json={"text": "code,name,level,parent\n"}
    )
    assert forbidden.status_code == 403
