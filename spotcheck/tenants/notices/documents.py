"""The documents (文书) and what each one says: the inspection notice (检查通知书), the assignment
notice (派遣通知), the results announcement (结果公告), the transfer letter (移送函) and the notice
of criticism (通报), each as the blocks of :mod:`spotcheck.tenants.notices.layout`.

No web request is needed (a Celery worker writes them). Documents are in Chinese whatever the
reader's interface language: they are official papers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from spotcheck.core.text import sentence
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices.layout import Grid, Paper, Para, render
from spotcheck.tenants.notices.qr_block import Qr

Body = list[Para | Grid | Qr]
#: A line of a document's table as its writer gives it (an item, a member of the team, a visit, a result, a
#: transferred problem, a department criticised): names to the JSON-like values printed.
Line = Mapping[str, Any]
#: An inspection notice's code (``url`` of its QR, the ``typed`` code, the business's own ``business`` code).
Check = Mapping[str, str]


def chinese_date(day: date) -> str:
    """2026年11月23日 (GB/T 9704: the date of issue in Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


def window(start: date, end: date) -> str:
    """2026年11月2日至2026年11月6日; one date for a window of one day."""
    return chinese_date(start) if start == end else f"{chinese_date(start)}至{chinese_date(end)}"


def _addressee(entity: Entity) -> Para:
    """The notice's first line: the business and its 统一社会信用代码."""
    return Para(f"{entity.name}（统一社会信用代码：{entity.code}）：", plain=True)


def _place(entity: Entity) -> str:
    """Where the check takes place: the business's address, or its premises when none is registered."""
    return entity.address or "你单位住所（经营场所）"


def _inspectors(team: Sequence[Line]) -> list[Line]:
    """The team's enforcement inspectors (执法检查人员): the experts who advise it are listed apart."""
    return [m for m in team if not m.get("expert")]


def inspection(
    *,
    entity: Entity,
    campaign: Campaign,
    window: str,
    items: Sequence[Line],
    team: Sequence[Line],
    contact: str,
    departments: Sequence[str] | None = None,
    check: Check | None = None,
    cause: str | None = None,
    replaces: str | None = None,
) -> Body:
    """检查通知书: to the business drawn, its items, the team (and experts) and its rights; with its
    inspection code (``check``: the QR's ``url``, the ``typed`` code and the business's own ``business``
    code), where the inspection has one (国办发〔2024〕54号: 扫码入企). ``cause``: a named check's (特定对象检查)
    cause in words — the business is told why it is checked, never that it was drawn. ``replaces``: the
    number of the notice this one replaces after a member of the team was replaced (检查组变更)."""
    if getattr(campaign, "registered_late", False):  # 紧急检查事后登记: the check was made before this notice
        return made(
            entity=entity,
            campaign=campaign,
            window=window,
            items=items,
            team=team,
            contact=contact,
            check=check,
            cause=cause,
        )
    joint = bool(departments)
    when = (
        f"本次检查为跨部门联合检查（进一次门、查多项事），由本部门牵头，{'、'.join(departments or ())}共同参加，"
        f"各部门的检查事项一次完成。各部门定于"
        if joint
        else "本部门定于"
    )
    columns = (
        [("序号", 0.08)]
        + ([("检查部门", 0.16)] if joint else [])
        + [("检查事项", 0.30), ("检查内容（请准备相关材料）", None)]
    )
    inspectors = _inspectors(team)
    experts = [m for m in team if m.get("expert")]
    body: Body = [
        _addressee(entity),
        Para(
            (
                f"因{cause}，本部门依法对你单位开展检查（检查任务：{campaign.code}《{campaign.title}》）。"
                if cause
                else "根据“双随机、一公开”监管工作要求，你单位经随机抽取被确定为本次抽查对象"
                f"（抽查任务：{campaign.code}"
                f"《{campaign.title}》）。"
            )
            + f"{when} {window}{' 期间' if '至' in window else ''}，派员对你单位开展检查，检查地点："
            f"{_place(entity)}。"
        ),
        *(
            [
                Para(
                    f"因检查组成员依法回避或因故不能参加，已按抽取规则替换，本通知书替代{replaces}检查通知书，"
                    "执行检查的人员以本通知书为准。"
                )
            ]
            if replaces
            else []
        ),
        Para("本次检查的事项及请你单位准备的材料如下："),
        Grid(
            columns,
            [
                [str(n)]
                + ([item["department"]] if joint else [])
                + [item["name"], item["content"] or "按检查人员要求提供相关材料"]
                for n, item in enumerate(items, 1)
            ],
        ),
        Para("执行本次检查的人员如下，检查时将出示执法证件："),
        Grid(
            [("姓名", 0.18), ("分工", 0.14 if not joint else 0.30), ("执法证号", None)],
            [
                [
                    m["name"],
                    ("组长" if m["leader"] else "组员") + (f"（{m['department']}）" if m.get("department") else ""),
                    m["cert_no"],
                ]
                for m in inspectors
            ],
        ),
    ]
    if experts:
        body += [
            Para("另有以下专家参与本次检查，提供专业咨询意见（不计入执法检查人员人数，不担任组长，不作出检查结论）："),
            Grid(
                [("姓名", 0.18), ("分工", 0.24), ("所在单位", None)],
                [[m["name"], f"专家（{m['kind']}）", m["organisation"]] for m in experts],
            ),
        ]
    if check:
        body += [
            Qr(
                check["url"],
                [
                    f"检查码：{check['typed']}",
                    "检查前请扫描左侧二维码，或在“双随机、一公开”公示平台的“核验检查码”处输入检查码，核验本次检查是否真实、"
                    "检查人员及其执法证号、检查事项。平台显示的检查人员以平台为准；没有检查码的检查，你单位有权拒绝。",
                    f"企业核验码：{check['business']}（仅供你单位使用，请妥善保管：在检查码页面确认检查、申请回避、评价检查、投诉和"
                    "查询办理结果时需要；登录企业账户后在企业检查档案中办理，无需输入。特定对象检查在检查组离企前"
                    "不显示在企业检查档案中，申请回避须在检查码页面凭本码提出）",
                ],
            )
        ]
    return [
        *body,
        Para(
            "请你单位予以配合，如实提供有关情况和材料。无正当理由拒绝、阻挠检查的，将依法处理。检查人员少于两人、"
            "未出示执法证件或与你单位有利害关系的，你单位有权拒绝检查或申请回避。"
        ),
        Para(f"联系人：{contact}", plain=True),
    ]


def made(
    *,
    entity: Entity,
    campaign: Campaign,
    window: str,
    items: Sequence[Line],
    team: Sequence[Line],
    contact: str,
    check: Check | None = None,
    cause: str | None = None,
) -> Body:
    """检查通知书 of a check registered after it was made (紧急检查事后登记): what was done, in the past tense — on
    which day, by whom, why, and that it was registered afterwards; nothing to prepare for a visit to come."""
    inspectors = _inspectors(team)
    names = "、".join(m["name"] for m in inspectors)
    body: Body = [
        _addressee(entity),
        Para(
            f"{'因' + cause + '，' if cause else ''}本部门执法检查人员{names}已于{window}对你单位实施了现场检查"
            f"（检查任务：{campaign.code}《{campaign.title}》），检查地点：{_place(entity)}。"
        ),
        Para(
            f"因情况紧急，本次检查实施前未能登记，本部门已于检查后补办登记（事后登记）。"
            f"{'事后登记的理由：' + sentence(campaign.late_reason) if campaign.late_reason else ''}"
            "实施检查的执法检查人员为实际到场人员，未经随机抽取。"
        ),
        Para("本次检查的事项如下："),
        Grid(
            [("序号", 0.08), ("检查事项", 0.30), ("检查内容", None)],
            [[str(n), item["name"], item["content"] or "—"] for n, item in enumerate(items, 1)],
        ),
        Para("实施本次检查的执法检查人员如下："),
        Grid(
            [("姓名", 0.18), ("分工", 0.14), ("执法证号", None)],
            [[m["name"], "组长" if m["leader"] else "组员", m["cert_no"]] for m in inspectors],
        ),
    ]
    if check:
        body += [
            Qr(
                check["url"],
                [
                    f"检查码：{check['typed']}",
                    "扫描左侧二维码，或在“双随机、一公开”公示平台的“核验检查码”处输入检查码，可核验本次检查的登记情况、"
                    "检查人员及其执法证号和检查事项。",
                    f"企业核验码：{check['business']}（仅供你单位使用，请妥善保管：在检查码页面确认检查、评价检查、投诉和查询办理结果时"
                    "需要；登录企业账户后在企业检查档案中办理，无需输入）",
                ],
            )
        ]
    return [
        *body,
        Para(
            "本通知书于检查后送达，告知你单位本次检查及其登记情况。你单位对本次检查有异议的，可向本部门提出，"
            "也可凭企业核验码在公示平台评价本次检查。"
        ),
        Para(f"联系人：{contact}", plain=True),
    ]


def assignment(
    *, inspector: Inspector, campaign: Campaign, window: str, visits: Sequence[Line], items: str, contact: str
) -> Body:
    """派遣通知: to an inspector, every visit of the campaign with his part and teammates (of a named check,
    特定对象检查, each visit's cause, and that it is not to be announced ahead)."""
    named, done = getattr(campaign, "named", False), getattr(campaign, "registered_late", False)
    return [
        Para(f"{inspector.name}同志（执法证号：{inspector.cert_no}）：", plain=True),
        Para(
            f"你于 {window} 作为实际到场人员参加的紧急检查 {campaign.code}《{campaign.title}》"
            "已事后补办登记（检查人员未经随机抽取）。请在检查结束后 5 个工作日内录入检查结果。"
            if done
            else f"经随机抽取，你被选派参加{'特定对象检查' if named else '抽查任务'} "
            f"{campaign.code}《{campaign.title}》，检查时间为 {window}。"
            "请按下列分工开展检查，出示执法证件，在检查结束后 5 个工作日内录入检查结果；"
            "与检查对象有利害关系的，应当主动申请回避。"
        ),
        *(
            [
                Para(
                    "本次检查为特定对象检查（非随机抽取检查对象），各检查对象的检查原因见下表；检查前不得向检查对象透露检查安排。"
                )
            ]
            if named and not done
            else []
        ),
        Grid(
            [("序号", 0.08), ("检查对象", 0.28), ("地址", 0.26), ("分工", 0.10), ("同组人员", None)],
            [
                [
                    str(n),
                    [visit["entity_name"], visit["entity_code"], *([visit["cause"]] if visit.get("cause") else [])],
                    visit["address"] or "",
                    "组长" if visit["leader"] else "组员",
                    visit["teammates"],
                ]
                for n, visit in enumerate(visits, 1)
            ],
        ),
        Para(f"检查事项：{items}。"),
        Para(f"联系人：{contact}", plain=True),
    ]


def announcement(*, campaign: Campaign, window: str, drawn: int, results: Sequence[Line], dated: str) -> Body:
    """结果公告: the published results of a campaign."""
    return [
        Para(
            f"本部门于 {window} 开展了特定对象检查 {campaign.code}《{campaign.title}》（非随机抽查），依法对 {drawn} 户"
            f"检查对象开展检查，现将已公示的检查结果公告如下（截至 {dated}，共 {len(results)} 户）："
            if getattr(campaign, "named", False)
            else f"根据“双随机、一公开”监管工作要求，本部门于 {window} 开展了抽查任务 "
            f"{campaign.code}《{campaign.title}》，"
            f"随机抽取检查对象 {drawn} 户，现将已公示的检查结果公告如下（截至 {dated}，共 {len(results)} 户）："
        ),
        Grid(
            [("序号", 0.08), ("检查对象", 0.26), ("统一社会信用代码", 0.20), ("检查日期", 0.12), ("检查结果", None)],
            [
                [
                    str(n),
                    row["name"] + ("（已更正）" if row.get("corrected") else ""),
                    row["code"],
                    str(row["checked_on"]),
                    row["categories"],
                ]
                for n, row in enumerate(results, 1)
            ],
        ),
        Para(
            "检查结果已在“双随机、一公开”公示平台公示，可按名称或统一社会信用代码查询。对检查结果有异议的，可自公示之日起向本部门提出。"
        ),
    ]


def transfer(*, receiver: str, transferred: Line, contact: str) -> Body:
    """移送函 (抄告): problems found that belong to another authority."""
    t = transferred
    return [
        Para(f"{receiver}：", plain=True),
        Para(
            f"本部门在抽查任务 {t['campaign_code']}《{t['campaign_title']}》中检查 {t['entity_name']}"
            "（统一社会信用代码："
            f"{t['entity_code']}）时，发现以下问题，属于你单位职责范围，现依法移送（抄告）你单位处理："
        ),
        Grid(
            [("检查事项", 0.30), ("检查结果", 0.30), ("检查情况", None)],
            [[row["item"], "、".join(row["categories"]), row["findings"]] for row in t["problems"]],
        ),
        Para(f"移送事项：{t['details']}"),
        Para("请你单位依法处理，并在平台“移送接收”中签收。"),
        Para(f"联系人：{contact}", plain=True),
    ]


def criticism(*, opening: Sequence[str], findings: Sequence[Line], closing: Sequence[str], contact: str) -> Body:
    """通报: the departments criticised and why, between the drafted paragraphs."""
    opened: Body = [Para("各有关部门：", plain=True)]
    return (
        opened
        + [Para(p) for p in opening]
        + [
            Grid(
                [("序号", 0.08), ("部门", 0.22), ("存在的问题", None)],
                [[str(n), f["name"], "；".join(r["text"] for r in f["reasons"])] for n, f in enumerate(findings, 1)],
            )
        ]
        + [Para(p) for p in closing]
        + [Para(f"联系人：{contact}", plain=True)]
    )


KINDS: dict[str, Callable[..., Body]] = {
    "inspection": inspection,
    "assignment": assignment,
    "announcement": announcement,
    "transfer": transfer,
    "criticism": criticism,
}


def pdf(kind: str, *, issuer: str, number: str, title: str, dated: str, **context: object) -> bytes:
    """The document ``kind`` as PDF bytes."""
    if kind == "announcement":
        context["dated"] = dated
    return render(Paper(issuer=issuer, number=number, title=title, dated=dated, body=KINDS[kind](**context)))
