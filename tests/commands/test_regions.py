"""The regions (区划): a tree file loaded all or nothing (each bad line named in Chinese), the branch and the chain
read from the path, departments attached to a region by its code or id, and the two-county world."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.regions import commands, queries
from spotcheck.tenants.regions.models import Region
from tests.support.campaign_world import credit_code
from tests.support.helpers import tenant_id, user_named
from tests.support.two_counties import two_counties  # noqa: F401  # the fixture

CHONGQING = """code,name,level,parent
500000,重庆市,省,
500200,县,市,500000
500229,城口县,县,500200
500229100,葛城街道,乡,500229
500101,万州区,县,500000
"""


TOWN = "231085100,穆棱镇,乡,231085\n"
#: The demo's tree (spotcheck.demo.place): 牡丹江市, its counties 海林市 and 宁安市, and 宁安市's town 宁安镇.
DEMO = [
    ("231000", "牡丹江市", "市", ""),
    ("231083", "海林市", "县", "231000"),
    ("231084", "宁安市", "县", "231000"),
    ("231084100", "宁安镇", "乡", "231084"),
]
DEMO_FILE = "".join(f"{code},{name},{level},{parent}\n" for code, name, level, parent in DEMO)


def _tree() -> list[tuple[str, str, str, str]]:
    return [(r.region.code, r.region.name, r.level_name, r.parent_code) for r in queries.tree()]


def _regions() -> list[tuple]:
    return [
        (r.code, r.name, r.level.value, r.parent_id, r.path)
        for r in db.session.scalars(sa.select(Region).order_by(Region.path))
    ]


def test_a_tree_file_adds_regions_under_the_root_and_renames_them(app):
    with app.app_context():
        admin = user_named("admin")
        assert _tree() == DEMO  # the demo's regions
        loaded = commands.load_tree(
            {"text": "区划代码,名称,层级,上级区划代码\n231000,牡丹江市,市级,\n231085,穆棱市,县,231000\n" + TOWN},
            actor=admin,
        )
        assert loaded.added == ["231085", "231085100"] and not loaded.renamed
        assert _tree() == [*DEMO, ("231085", "穆棱市", "县", "231000"), ("231085100", "穆棱镇", "乡", "231085")]
        town = queries.by_code("231085100")
        assert town.path == "/231000/231085/231085100/" and town.depth == 2
        again = commands.load_tree({"text": "code,name,level,parent\n231085,穆棱市（新）,county,231000\n"}, actor=admin)
        assert again.renamed == {"231085": ("穆棱市", "穆棱市（新）")} and not again.added
        assert queries.by_code("231085").name == "穆棱市（新）"
        with system_access("test: the platform's chain"):
            entries = db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == "regions.loaded").order_by(AuditEntry.id)
            ).all()
        assert [e.details["added_codes"] for e in entries][-2:] == [["231085", "231085100"], []]
        assert entries[-1].details["renamed"] == {"231085": ["穆棱市", "穆棱市（新）"]}
        assert entries[-1].tenant_id is None


def test_a_new_root_above_the_old_one_moves_the_whole_tree_under_it(app):
    with app.app_context():
        admin = user_named("admin")
        commands.load_tree({"text": "code,name,level,parent\n231085,穆棱市,县,231000\n"}, actor=admin)
        loaded = commands.load_tree(
            {"text": "code,name,level,parent\n230000,黑龙江省,省,\n231000,牡丹江市,市,230000\n"}, actor=admin
        )
        assert loaded.added == ["230000"] and loaded.moved == {"231000": ("", "230000")}
        assert queries.by_code("231085").path == "/230000/231000/231085/"
        assert [r.code for r in queries.chain(queries.by_code("231085").id)] == ["231085", "231000", "230000"]
        assert queries.root().code == "230000"


def test_a_bad_file_is_refused_whole_each_bad_line_named_in_chinese(app):
    with app.app_context():
        admin = user_named("admin")
        before = _regions()
        bad = (
            "code,name,level,parent\n"
            "231085,穆棱市,县,231000\n"  # 2: fine on its own
            "231086,,县,231000\n"  # 3: no name
            "23108,东宁市,县,231000\n"  # 4: a county's code of five digits
            "230200,齐齐哈尔市,乡,231000\n"  # 5: a town's level with a city's code
            "231025,林口县,县,239900\n"  # 6: a parent neither in the file nor in the tree
            "231085,穆棱市,县,231000\n"  # 7: the same code again
            "231002001,某街道,乡,231085\n"  # 8: not under its parent's code
            "231002,东安区,县,231002001\n"  # 9: a town as a county's parent
            "230000,黑龙江省,区,\n"  # 10: no such level
        )
        with pytest.raises(InvalidInputError) as refused:
            commands.load_tree({"text": bad}, actor=admin)
        errors = refused.value.errors
        assert set(errors) == {f"line.{n}" for n in (3, 4, 5, 6, 7, 8, 9, 10)}
        assert errors["line.3"] == ["第3行：请填写区划名称。"]
        assert errors["line.4"][0].startswith("第4行：区划代码“23108”不是县级区划的代码")
        assert errors["line.5"][0].startswith("第5行：区划代码“230200”不是乡级区划的代码")
        assert errors["line.6"] == ["第6行：上级区划代码“239900”既不在文件中，也不在区划树中。"]
        assert errors["line.7"] == ["第7行：区划代码“231085”与第2行重复。"]
        assert errors["line.8"] == ["第8行：区划代码“231002001”不在上级“231085 穆棱市”之下：应以“231085”开头。"]
        assert "第9行：" in errors["line.9"][0] and "乡级区划" in errors["line.9"][0]
        assert errors["line.10"] == ["第10行：层级“区”不是省、市、县、乡之一。"]
        assert _regions() == before


def test_a_second_root_a_loop_and_a_bad_header_are_refused(app):
    with app.app_context():
        admin = user_named("admin")
        before = _regions()
        with pytest.raises(InvalidInputError) as two_roots:
            commands.load_tree({"text": "code,name,level,parent\n500000,重庆市,省,\n"}, actor=admin)
        assert two_roots.value.errors == {
            "line.2": ["第2行：区划树只能有一个根，“500000”之外还有“231000”：请填写上级区划代码。"]
        }
        with pytest.raises(InvalidInputError) as header:
            commands.load_tree({"text": "代码,名称\n231085,穆棱市\n"}, actor=admin)
        assert list(header.value.errors) == ["line.1"] and header.value.errors["line.1"][0].startswith(
            "第1行：表头应为"
        )
        with pytest.raises(InvalidInputError) as loop:
            commands.load_tree(
                {"text": "code,name,level,parent\n231085,穆棱市,县,231081\n231081,绥芬河市,县,231085\n"}, actor=admin
            )
        assert any("上级关系成环：" in message for message in loop.value.errors["line.2"])
        with pytest.raises(InvalidInputError) as empty:
            commands.load_tree({"text": ""}, actor=admin)
        assert list(empty.value.errors) == ["file"]
        assert _regions() == before


def test_only_the_platform_administrator_and_the_console_load_a_tree(app):
    with app.app_context():
        with pytest.raises(ForbiddenError):
            commands.load_tree({"text": CHONGQING}, actor=user_named("sfj_supervisor"))
        assert commands.load_tree({"text": "code,name,level,parent\n231085,穆棱市,县,231000\n"}, actor=CONSOLE).added


def test_the_branch_is_the_region_and_everything_below_it(app, two_counties):  # noqa: F811  # the fixture
    with app.app_context():
        ids = two_counties["regions"]
        assert queries.branch_ids(ids["county1"]) == {ids["county1"], ids["town"]}
        assert queries.branch_ids(ids["county2"]) == {ids["county2"]}
        assert queries.branch_ids(ids["city"]) == set(db.session.scalars(sa.select(Region.id)))  # the root: all
        assert [r.code for r in queries.chain(ids["town"])] == ["231083100", "231083", "231000"]
        tenants = two_counties["tenants"]
        assert account_queries.departments_in_branch(ids["county1"]) == {
            tenants["SCSFJ"],
            tenants["SCYJJ"],
            tenants["QBJD"],
        }
        assert account_queries.departments_in_branch(ids["county2"]) == {tenants["XHSFJ"], tenants["XHYJJ"]}
        assert account_queries.departments_in_branch(ids["town"]) == {tenants["QBJD"]}
        with system_access("test: every department"):
            everyone = set(db.session.scalars(sa.select(Tenant.id)))
        assert account_queries.departments_in_branch(ids["city"]) == everyone > set(tenants.values())
        town_department = account_queries.get_tenant(tenants["QBJD"])
        assert (town_department.region.code, town_department.region.name) == ("231083100", "海林镇")


def test_a_department_is_attached_to_a_region_given_by_name_code_or_id_and_refused_without_one(app):
    """The platform administrator names the new department's region by its name (穆棱市), its code or its id; a
    region the tree lacks is refused in the page's words, naming no console command."""
    with app.app_context():
        admin = user_named("admin")
        commands.load_tree({"text": "code,name,level,parent\n231085,穆棱市,县,231000\n"}, actor=admin)
        county = queries.by_code("231085")
        by_code = accounts.create_department(
            {"code": "XHJ", "name": "穆棱市局", "kind": "ordinary", "region": "231085"}, actor=admin
        )
        by_id = accounts.create_department(
            {"code": "XHK", "name": "穆棱市另一局", "kind": "ordinary", "region": county.id}, actor=admin
        )
        by_name = accounts.create_department(
            {"code": "XHM", "name": "穆棱市第三局", "kind": "ordinary", "region": "穆棱市"}, actor=admin
        )
        assert by_code.region_id == by_id.region_id == by_name.region_id == county.id
        for region, message in (
            ("", "请选择部门所属的区划（填写区划名称或代码）。"),
            (
                "231099",
                "所属区划：区划树中没有名称或代码为“231099”的区划，请从列表中选择；区划树中还没有的地方，先在“区划”页面加入。",
            ),
            (
                "穆棱镇",
                "所属区划：区划树中没有名称或代码为“穆棱镇”的区划，请从列表中选择；区划树中还没有的地方，先在“区划”页面加入。",
            ),
        ):
            with pytest.raises(InvalidInputError) as refused:
                accounts.create_department(
                    {"code": "XHL", "name": "某局", "kind": "ordinary", "region": region}, actor=admin
                )
            assert refused.value.errors == {"region": [message]}
        assert tenant_id("XHL") is None


def test_a_county_has_its_own_justice_bureau_and_a_second_in_the_same_region_is_refused(app, two_counties):  # noqa: F811
    with app.app_context():
        with pytest.raises(InvalidInputError) as refused:
            accounts.create_department(
                {"code": "SCSFJ2", "name": "海林市第二司法局", "kind": "supervisor", "region": "231083"},
                actor=user_named("admin"),
            )
        assert set(refused.value.errors) == {"kind"}
        assert account_queries.get_tenant(two_counties["tenants"]["SCSFJ"]).region.code == "231083"


def test_the_cli_loads_and_shows_the_tree(app, tmp_path):
    good = tmp_path / "regions.csv"
    good.write_text("code,name,level,parent\n231085,穆棱市,县,231000\n", encoding="utf-8")
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["regions", "load", str(good)])
    assert loaded.exit_code == 0, loaded.output
    assert "新增1个区划" in loaded.output
    shown = runner.invoke(args=["regions", "show"])
    assert shown.exit_code == 0
    assert shown.output == "区划代码,名称,层级,上级区划代码\n" + DEMO_FILE + "231085,穆棱市,县,231000\n"
    again = runner.invoke(args=["regions", "load", "-"], input=shown.output)
    assert again.exit_code == 0 and "没有改变" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent\n231086,东宁市,县,231000\n2310,x,县,231000\n", encoding="utf-8")
    refused = runner.invoke(args=["regions", "load", str(bad)])
    assert refused.exit_code == 2
    assert "第3行：区划代码“2310”不是县级区划的代码" in refused.output and "未载入" in refused.output
    with app.app_context():
        assert queries.by_code("231086") is None


def test_a_registry_location_may_be_a_towns_code(app):
    """``Entity.region_code`` takes a town's 统计用区划代码 (9 or 12 digits) as well as GB/T 2260's six; anything else
    is refused naming the field in Chinese."""
    with app.app_context(), force_locale("zh_CN"):
        keeper = user_named("mdjscj_admin")  # the root's lead: 海林市 is in its branch (管辖)
        with tenant_scope(keeper.tenant_id):
            for n, code in enumerate(("231083100", "231083100001", "231083")):
                entity = directory.create_entity(
                    {
                        "code": credit_code(7100 + n),
                        "name": f"街道企业{n}",
                        "industry_code": "C2611",
                        "region_code": code,
                    },
                    actor=keeper,
                )
                assert entity.region_code == code
            with pytest.raises(InvalidInputError) as refused:
                directory.create_entity(
                    {"code": credit_code(7199), "name": "错码企业", "industry_code": "C2611", "region_code": "2310830"},
                    actor=keeper,
                )
        assert refused.value.errors == {
            "region_code": [
                "行政区划代码应为 6 位数字（GB/T 2260），乡级（乡、镇、街道）为 9 位或 12 位统计用区划代码。"
            ]
        }
