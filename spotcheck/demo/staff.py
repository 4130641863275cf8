"""The demo city's inspectors (演示城市的执法检查人员): each department's people, with valid ID numbers
(GB 11643 check digit, ``stdnum.cn.ric``), and the conflicts of interest some declare (回避).
Deterministic, like the registry (:mod:`spotcheck.demo.registry`)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric

from spotcheck.demo.place import DEFAULT, Place
from spotcheck.demo.registry import DEMO_SEED
from spotcheck.demo.registry_tables import GIVEN_FEMALE, GIVEN_MALE, SURNAMES

#: Per department: (certificate number prefix, how many, agencies, expert agencies,
#: categories with the chance of each, expertise). Agencies are written in 杭州市's words and made the place's
#: (:func:`spotcheck.demo.rules.placed`: 宁安市, 牡丹江市 for the upper level's); ``{town0}`` … ``{town2}``: the
#: registry's first towns (宁安, 东京城, 渤海). A certificate number begins with its region's code
#: (``{county}``: 231084, ``{upper}``: 231000).
INSPECTOR_PLAN = {
    "SCJ": (
        "{county}21",
        110,
        (
            "杭州市市场监督管理局",
            "杭州市市场监督管理局综合行政执法大队",
            "杭州市市场监督管理局{town0}市场监督管理所",
            "杭州市市场监督管理局{town1}市场监督管理所",
            "杭州市市场监督管理局{town2}市场监督管理所",
        ),
        ("浙江省特种设备检验研究院", "{upper}食品药品检验检测中心", "浙江省质量技术监督检验检测院"),
        (("market", 0.8), ("food", 0.45), ("quality", 0.3), ("price", 0.25), ("drug", 0.15), ("ip", 0.1)),
        (
            "食品安全监管",
            "特种设备安全",
            "价格监督检查",
            "广告监管",
            "网络交易监管",
            "产品质量监督",
            "药品经营监管",
            "商标执法",
            "计量监督",
            "企业信用监管",
        ),
    ),
    "YJJ": (
        "{county}31",
        45,
        ("杭州市应急管理局", "杭州市应急管理综合行政执法大队"),
        ("浙江省安全生产科学研究院", "{upper}安全生产技术服务中心"),
        (("safety", 0.9), ("hazchem", 0.45), ("mining", 0.25), ("fire", 0.15)),
        ("危险化学品安全", "非煤矿山安全", "工贸行业安全", "粉尘防爆", "有限空间作业", "应急预案管理"),
    ),
    "SWJ": (
        "{county}41",
        35,
        ("杭州市商务局", "杭州市商务局市场运行和秩序股"),
        ("杭州市商业联合会",),
        (("commerce", 1.0), ("price", 0.1)),
        ("商贸流通管理", "单用途预付卡管理", "成品油流通管理", "再生资源回收管理", "报废机动车回收管理"),
    ),
    "SFJ": (
        "{county}11",
        10,
        ("杭州市司法局",),
        ("浙江省律师协会",),
        (("justice", 1.0),),
        ("律师管理", "司法鉴定管理", "公证管理", "基层法律服务管理"),
    ),
    "MDJSCJ": (
        "{upper}21",
        40,
        ("杭州市市场监督管理局", "杭州市市场监督管理局食品安全监督管理科", "杭州市市场监管综合行政执法支队"),
        ("{upper}食品药品检验检测中心",),
        (("market", 0.7), ("food", 0.8), ("drug", 0.2)),
        ("食品生产监管", "食品安全监管", "餐饮服务监管", "药品经营监管"),
    ),
}
POSTS = (
    "一级主任科员",
    "二级主任科员",
    "三级主任科员",
    "四级主任科员",
    "一级科员",
    "二级科员",
    "科长",
    "副科长",
    "执法队员",
    "副队长",
)
BIRTH_REGIONS = (  # 黑龙江 mostly (牡丹江市's districts and counties, 哈尔滨), a few from elsewhere; codes stdnum knows
    "231081",
    "231025",
    "231002",
    "231003",
    "231004",
    "231005",
    "230102",
    "230103",
    "220202",
    "210102",
    "370102",
)


def id_number(rnd: random.Random, sex: str) -> str:
    """A 公民身份号码 that passes GB 11643 (region and birth date real, check digit computed)."""
    while True:
        birth = date(1968, 1, 1) + timedelta(days=rnd.randint(0, 30 * 365))
        seq = rnd.randint(0, 99) * 10 + rnd.choice((1, 3, 5, 7, 9) if sex == "M" else (0, 2, 4, 6, 8))
        base = f"{rnd.choice(BIRTH_REGIONS)}{birth:%Y%m%d}{seq:03d}"
        number = base + ric.calc_check_digit(base + "0")
        if ric.is_valid(number):
            return number


def person_name(rnd: random.Random, sex: str) -> str:
    given = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
    name = rnd.choice(SURNAMES) + rnd.choice(given)
    return name + rnd.choice(given) if rnd.random() < 0.6 else name


def inspectors(
    department: str, *, seed: int = DEMO_SEED, today: date, scale: int = 1, place: Place = DEFAULT
) -> list[dict]:
    """The department's inspectors (by :func:`~spotcheck.demo.people.role_key`; none for a department the plan
    has not) as ``create_inspector`` takes them (~8 % with an expired certificate, ~5 % experts), at ``place``;
    ``scale`` times as many for an enlarged demo (the first ones are always the same people)."""
    if department not in INSPECTOR_PLAN:
        return []
    upper = department.startswith(DEFAULT.prefix)
    prefix, count, agencies, expert_agencies, categories, expertise = INSPECTOR_PLAN[department]
    prefix = prefix.format(county=place.county[0], upper=place.upper[0])
    names = {f"town{n}": town[1].removesuffix("镇").removesuffix("街道") for n, town in enumerate(place.towns[:3])}
    agencies = tuple(agency.format(upper=place.upper[1], **names) for agency in agencies)
    expert_agencies = tuple(agency.format(upper=place.upper[1], **names) for agency in expert_agencies)
    home = place.upper[1] if upper else place.county[1]
    count *= scale
    rnd = random.Random(f"{seed}:inspectors:{department}")
    people, experts, taken = [], 0, set()
    for n in range(1, count + 1):
        sex = "M" if rnd.random() < 0.62 else "F"
        is_expert = n % 20 == 7  # one in twenty
        chosen = [code for code, chance in categories if rnd.random() < chance] or [categories[0][0]]
        expired = n % 12 == 4  # one in twelve (never an expert: n is even)
        expires = (
            today - timedelta(days=rnd.randint(1, 400)) if expired else today + timedelta(days=rnd.randint(30, 5 * 365))
        )
        if is_expert:
            experts += 1
        name = person_name(rnd, sex)
        while name in taken:  # namesakes exist, but in a demo they look like a duplicated row
            name = person_name(rnd, sex)
        taken.add(name)
        people.append(
            {
                "name": name,
                "sex": sex,
                "id_number": id_number(rnd, sex),
                "agency": rnd.choice(expert_agencies if is_expert else agencies),
                "post": "特聘专家" if is_expert else rnd.choice(POSTS),
                "cert_no": f"{prefix}-Z{experts:03d}" if is_expert else f"{prefix}-{n:04d}",
                "cert_expires_on": expires,
                "categories": chosen,
                "region": home if rnd.random() < 0.4 or upper else f"{home}{rnd.choice(place.towns)[1]}",
                "expertise": "、".join(rnd.sample(expertise, k=min(2, len(expertise)))),
                "is_expert": is_expert,
            }
        )
    return people


RECUSAL_REASONS = (
    "近亲属在该单位担任负责人",
    "本人曾在该单位任职，离职未满三年",
    "配偶持有该单位股份",
    "与该单位法定代表人存在利害关系",
    "近亲属在该单位从事财务工作",
)
RECUSALS_PER_DEPARTMENT = {"SCJ": 6, "YJJ": 3, "SWJ": 3}
