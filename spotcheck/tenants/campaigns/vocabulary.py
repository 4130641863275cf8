"""The vocabulary of campaigns (抽查任务词汇): their states, the draws' kinds, the codes a campaign
is written in (exempt kinds, strata, replacement reasons) and the limits of its fields. Its input
fields (抽查任务的录入项) are declared in :mod:`spotcheck.tenants.campaigns.inputs`. Nothing here reads
the database.
"""

from __future__ import annotations

import enum

from flask_babel import gettext

from spotcheck.tenants.common import vocabulary as labels_vocabulary
from spotcheck.tenants.rules.parameters import BY_KEY as RULE_PARAMETERS
from spotcheck.tenants.rules.vocabulary import EXEMPT_KIND_NAMES


class CampaignStatus(enum.StrEnum):
    """The life cycle; each step only from the one before it (enforced by the commands, :mod:`.policy`)."""

    draft = "draft"
    approved = "approved"  # by a leader; the target draw is committed
    targets_drawn = "targets_drawn"
    inspectors_drawn = "inspectors_drawn"
    notified = "notified"  # the visits are handed to their teams (检查任务下达)
    in_progress = "in_progress"  # a result has been recorded
    results_in = "results_in"  # every visit's result approved
    published = "published"  # every visit's result published (公示)
    closed = "closed"  # 办结: no follow-up left open
    withdrawn = "withdrawn"  # 已撤销: cancelled by a leader with the reason, before any draw; nothing follows


#: Campaigns not carried out: in preparation, or withdrawn (已撤销) before any draw; left out of the statistics.
NOT_CARRIED_OUT = (CampaignStatus.draft, CampaignStatus.withdrawn)


class CampaignKind(enum.StrEnum):
    """How a campaign's targets are chosen: drawn at random (随机抽查), or named one by one with the cause of
    each (特定对象检查 · 非随机: after a complaint, an accident, a failed test, a referral or an order)."""

    random = "random"
    named = "named"


#: The kinds' names, as every page and document says them.
CAMPAIGN_KIND_NAMES = {"random": "随机抽查", "named": "特定对象检查（非随机）"}

#: Why a named business is checked (检查原因), and what each cause is referred to by.
NAMED_CAUSES = {
    "complaint": "投诉举报",
    "accident": "发生事故",
    "failed_test": "依法检验检查不合格",
    "referral": "有关部门转办移送",
    "order": "上级交办",
}
CAUSE_REFERENCES = {
    "complaint": "投诉举报编号",
    "accident": "事故发生时间及编号",
    "failed_test": "检验检测报告编号",
    "referral": "移送函文号",
    "order": "交办文件文号",
}
#: The causes whose reference is never published nor printed for the business (the complaint's number
#: stays inside the department: it protects the complainant, 保护投诉举报人).
PRIVATE_REFERENCES = ("complaint",)


def cause_line(cause: str, reference: str, *, outside: bool = False) -> str:
    """Why a named business is checked, in words: 投诉举报（投诉举报编号：TS-2026-0012）; ``outside``: as the
    business and the public read it (a complaint's number left out)."""
    name = NAMED_CAUSES.get(cause, cause)
    if not reference or (outside and cause in PRIVATE_REFERENCES):
        return name
    return f"{name}（{CAUSE_REFERENCES.get(cause, '编号')}：{reference}）"


#: The stratum (and group of the list) of a named check's targets: they are not drawn by risk class.
NAMED_STRATUM = labels_vocabulary.NAMED
#: A named check's targets: at most this many in one registration (more is a random campaign's work).
MAX_NAMED_TARGETS = 500
#: A cause's reference: its length.
REFERENCE_MIN, REFERENCE_MAX = 2, 100


class DrawKind(enum.StrEnum):
    targets = "targets"
    inspectors = "inspectors"


class TargetStatus(enum.StrEnum):
    selected = "selected"
    reserve = "reserve"
    replaced = "replaced"  # selected, then replaced (reason recorded)


class ExpertKind(enum.StrEnum):
    """Who joins a team as an expert (专家), seed 001: 吸收检测机构、科研院所和专家学者等参与."""

    directory = "directory"  # an expert of the department's inspector directory (名录库专家)
    testing_body = "testing_body"  # 检测机构
    research_institute = "research_institute"  # 科研院所
    scholar = "scholar"  # 专家学者


#: Campaign states shown to the public: approved and later, and withdrawn (已撤销) once approved
#: (its commitment stays published, with the reason; a withdrawn joint campaign in preparation never was).
PUBLIC_STATUSES = tuple(status for status in CampaignStatus if status != CampaignStatus.draft)

#: The campaign status in which each draw is made.
DRAW_STATUS = {"targets": CampaignStatus.approved, "inspectors": CampaignStatus.targets_drawn}
#: Once the inspectors are drawn, teams can still change (replacements, team leaders).
TEAMS_OPEN = (CampaignStatus.inspectors_drawn, CampaignStatus.notified, CampaignStatus.in_progress)
#: The draws of a campaign, in order.
DRAW_KINDS = ("targets", "inspectors")

#: The names of the kinds of check that need no annual plan (which ones a department may claim are its
#: rules', :attr:`spotcheck.tenants.rules.rulebook.Rules.exempt_kinds`), each needing a stated reason.
EXEMPT_KINDS = EXEMPT_KIND_NAMES

#: Strata a campaign samples: the risk classes, and flagged entities when a rule is given for them.
RISK_STRATA = ("A", "B", "C", "D")
FLAGGED = "flagged"
#: The flags that are public facts (公示信息): the legal lists anyone reads in the 国家企业信用信息公示系统 —
#: 经营异常名录 and 严重违法失信名单 (the keys of :data:`~spotcheck.tenants.campaigns.frames.FLAG_FILTERS`). A
#: complaint (投诉举报) and a penalty are not. The one list the rule of which old proofs stay whole reads
#: (:func:`spotcheck.tenants.campaigns.redaction.public_fact`): a flagged stratum is a public fact where the frame
#: holds only businesses on one of these lists.
PUBLIC_FACT_FLAGS = ("abnormal", "blacklisted")

#: The observers' public inputs of a draw: how many, how long each.
MAX_INPUTS, MAX_INPUT_LENGTH = 20, 200

#: The key the demo and some clients write before an observer's input (``observer:区人大代表 赵某 0917``):
#: it enters the seed as typed, and a page never shows it.
OBSERVER_KEY = "observer:"


def observer_input(text: str) -> tuple[str, str]:
    """An observer's input as a reader sees it: (who gave it, what they gave).
    ``observer:区人大代表 赵某 0917`` → (``区人大代表 赵某``, ``0917``): the key dropped, the last word the
    input and the words before it the observer. A line without the key, or one word after it, is the
    input alone (who: "")."""
    if not text.startswith(OBSERVER_KEY):
        return "", text
    who, _, given = text[len(OBSERVER_KEY) :].strip().rpartition(" ")
    return (who.strip(), given) if who.strip() else ("", given)


def observer_words(text: str) -> str:
    """An observer's input in words, as the audit trail shows it: ``区人大代表 赵某 输入：0917``."""
    who, given = observer_input(text)
    return f"{gettext('%(who)s entered:', who=who)} {given}" if who else given


#: Why a drawn target may be replaced ("cannot be found" is not one: it is a finding), and why a drawn
#: inspector may be: the platform's reasons, by which a page names a reason recorded; which ones a
#: campaign allows are its rules' (:attr:`spotcheck.tenants.rules.rulebook.Rules.target_replacement_reasons`).
TARGET_REPLACEMENT_REASONS: dict[str, str] = RULE_PARAMETERS["target_replacement_reasons"].platform
INSPECTOR_REPLACEMENT_REASONS: dict[str, str] = RULE_PARAMETERS["inspector_replacement_reasons"].platform

#: How the team leaders (组长) of a whole campaign are named in one step (批量指定组长): the rule,
#: chosen on the campaign page and recorded with each designation; any visit stays changeable by hand.
LEADER_RULES = {
    "first_drawn": "抽中顺序第一位的检查人员",
    "balanced": "任组长次数最少的检查人员（同等时按抽中顺序）",
    "first_with_account": "抽中顺序中第一位已开通账号的检查人员（只有组长能记录入企、离企）",
}
#: The rule that names a visit's new 组长 when the platform replaces a recused one and the campaign's leaders were
#: named by hand (no rule of its own): one who can record 入企 and 离企.
DEFAULT_LEADER_RULE = "first_with_account"

#: The reason of a return or a withdrawal (撤销): its shortest and longest length.
REASON_MIN, REASON_MAX = 4, 500

#: Targets per page, on the campaign page and the public draw page alike.
PER_PAGE = 50
ALL_STATUSES = tuple(TargetStatus)
#: What the public sees of the target list: the selected targets, and those replaced with the reason.
PUBLIC_TARGET_STATUSES = (TargetStatus.selected, TargetStatus.replaced)


#: The Celery tasks (后台作业) that make a campaign's draws, by kind (queued jobs name them: never renamed).
DRAW_TASKS = {"targets": "spotcheck.draw.targets", "inspectors": "spotcheck.draw.inspectors"}

#: The audit action of a move of a campaign's status (抽查任务状态变更), written by ``transitions.move``.
MOVED = "campaign.moved"

#: The step that moved a campaign's status (引起状态变更的操作), by the command's name in
#: :data:`~spotcheck.tenants.campaigns.transitions.TRANSITIONS` (``package.function``): how the audit trail names it.
MOVED_BY = {
    "campaigns.approve": "批准抽查任务",
    "campaigns.cancel": "撤销抽查任务",
    "campaigns.draw_targets": "抽取检查对象",
    "campaigns.draw_inspectors": "抽取执法检查人员",
    "campaigns.register_emergency": "登记紧急检查",
    "joint.approve_joint": "批准联合抽查任务",
    "joint.approve_part": "批准本部门参与联合抽查",
    "joint.withdraw": "撤回筹备中的联合抽查任务",
    "joint.cancel": "撤销联合抽查任务",
    "joint.draw_targets": "联合抽查抽取检查对象",
    "joint.draw_inspectors": "联合抽查抽取执法检查人员",
    "joint.hand_out": "下达联合检查任务",
    "results.hand_out": "下达检查任务",
    "results.record_result": "录入检查结果",
    "results.import_result": "导入检查结果",
    "results.import_results": "批量导入检查结果",
    "results.approve_result": "审核通过检查结果",
    "results.approve_results": "批量审核通过检查结果",
    "results.publish_results": "公示检查结果",
    "results.start_correction": "更正已公示的检查结果",
    "results.close_campaign": "办结抽查任务",
}
