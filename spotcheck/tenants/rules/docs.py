"""The rules' part of ``docs/rules.md`` (规则参数一览), written from the catalogue and the presets by
``spotcheck rules-docs``: every parameter, what it drives and the code that reads it; then each preset,
parameter by parameter, with where its value comes from. A test keeps the page current."""

from __future__ import annotations

from spotcheck.tenants.rules import presets, rulebook
from spotcheck.tenants.rules.parameters import GROUPS, PARAMETERS, PASSES
from spotcheck.tenants.rules.ruleset import Rules
from spotcheck.tenants.rules.vocabulary import DOCUMENT_KINDS

START, END = "<!-- rulebook:start -->", "<!-- rulebook:end -->"

#: How a department's rules (细则) may differ from what they tighten, by the kind's ``stricter``.
STRICTER = {
    "lower": "只能更短、更早或更少",
    "higher": "只能更多、更高",
    "on": "只能开启",
    "subset": "只能减少",
    "superset": "只能增加",
    "ordered": "只能改选排在后面（更严）的选项",
    "fixed": "由实施方案规定，细则不能设定",
}

#: The code that reads each parameter (``spotcheck/…py:name``; the rules map test checks each exists).
READ_BY = {
    "report_days": "`spotcheck/tenants/results/deadlines.py:counted` (give, recount), "
    "`spotcheck/tenants/results/deadlines.py:rule_of`",
    "publish_days": "`spotcheck/tenants/results/deadlines.py:counted`",
    "record_required": "`spotcheck/tenants/results/checks.py:missing_for_submission`",
    "entry_required": "`spotcheck/tenants/results/checks.py:missing_for_submission`",
    "late_entry_days": "`spotcheck/tenants/results/codes.py:late_entry_until`",
    "business_evaluation_days": "`spotcheck/tenants/results/codes.py:business_refusal` "
    "(`spotcheck/tenants/supervision/commands/evaluations.py:evaluate_visit`), "
    "`spotcheck/tenants/results/queries/codes.py:public_check`",
    "advance_notice_days": "`spotcheck/tenants/business_record/queries.py:record_of` (检查预告)",
    "inspectors_record": "`spotcheck/tenants/results/policy.py:VISIT_ACTIONS` (record: who)",
    "check_dates_in_window": "`spotcheck/tenants/results/check_dates.py:clean_check_dates`",
    "follow_up_required": "`spotcheck/tenants/results/policy.py:follow_up_rule` (a visit's and a campaign's closing)",
    "evaluation_required": "`spotcheck/tenants/results/checks.py:missing_report`",
    "plans_required": "`spotcheck/tenants/campaigns/checking.py:check_plan`, "
    "`spotcheck/tenants/campaigns/schedule.py:differences`, `spotcheck/tenants/plans/commands.py:set_line`",
    "exempt_kinds": "`spotcheck/tenants/campaigns/checking.py:clean_campaign`, "
    "`spotcheck/tenants/campaigns/checking.py:recheck`",
    "exempt_kind_categories": "`spotcheck/tenants/campaigns/checking.py:exempt_mismatches` (clean_campaign, recheck)",
    "plan_filing_deadline": "`spotcheck/tenants/supervision/figures.py:deadline_of`, "
    "`spotcheck/tenants/supervision/figures.py:filing`",
    "filing_authorities": "`spotcheck/tenants/plans/filing.py:authorities_for`",
    "publish_before_filing": "`spotcheck/tenants/plans/policy.py:PLAN_ACTIONS` (submit), "
    "`spotcheck/tenants/plans/commands.py:review`",
    "half_year_plans": "`spotcheck/tenants/supervision/figures.py:deadline_of`",
    "joint_plans_required": "`spotcheck/tenants/plans/filing.py:authorities_for`, "
    "`spotcheck/tenants/plans/commands.py:create_plan`",
    "jurisdiction_by_place": "`spotcheck/tenants/directory/jurisdiction.py:reaches` (add_entry, named checks, "
    "create_entity, update_entity, the directory import)",
    "min_team_size": "`spotcheck/tenants/campaigns/checking.py:clean_campaign`, "
    "`spotcheck/tenants/campaigns/checking.py:recheck`",
    "team_leader_required": "`spotcheck/tenants/campaigns/policy.py:leader_rule` (the hand-out's refusal: "
    "`spotcheck/tenants/results/policy.py:CAMPAIGN_STEPS`, `spotcheck/tenants/joint/policy.py:JOINT_ACTIONS`)",
    "flagged_not_sampled_less": "`spotcheck/tenants/campaigns/risk.py:problems`",
    "risk_classes_ordered": "`spotcheck/tenants/campaigns/risk.py:problems`",
    "higher_risk_sampled_more": "`spotcheck/tenants/campaigns/risk.py:problems`",
    "penalty_window_days": "`spotcheck/tenants/campaigns/frames.py:flagged`, "
    "`spotcheck/tenants/campaigns/frames.py:kept`",
    "flagged_min_ratio": "`spotcheck/tenants/campaigns/risk.py:problems`",
    "kept_when_checked": "`spotcheck/tenants/campaigns/frames.py:kept`",
    "inspection_cap": "`spotcheck/tenants/campaigns/inspection_counts.py:capped`; open while the floor asks for "
    "it: `spotcheck/tenants/rules/queries/in_force.py:open_against_floor`",
    "department_inspection_cap": "`spotcheck/tenants/campaigns/inspection_counts.py:capped`",
    "cap_exempt_kinds": "`spotcheck/tenants/campaigns/inspection_counts.py:counts_toward_cap`, "
    "`spotcheck/tenants/campaigns/named.py:recheck`",
    "named_causes_only": "`spotcheck/tenants/campaigns/named.py:clean_targets`",
    "named_late_days": "`spotcheck/tenants/campaigns/commands/emergency.py:register_emergency`",
    "repeat_window_days": "`spotcheck/tenants/supervision/burden/figures.py:compute`",
    "repeat_draw_alpha": "`spotcheck/tenants/supervision/burden/figures.py:compute`",
    "target_replacement_reasons": "`spotcheck/tenants/campaigns/commands/teams.py:replace_target`",
    "publish_drawn_list": "`spotcheck/tenants/campaigns/drawn_list.py:drawn_list` (the public page's list: "
    "`spotcheck/tenants/campaigns/queries/public.py:public_names`; a target's replacement after the inspector freeze "
    "refused citing it: `spotcheck/tenants/campaigns/policy.py:target_replacement_refusal`)",
    "inspector_replacement_reasons": "`spotcheck/tenants/campaigns/commands/teams.py:replace_inspector`",
    "published_items_only": "`spotcheck/tenants/campaigns/checking.py:clean_campaign` (its refusal cites it)",
    "certified_only": "`spotcheck/tenants/inspectors/eligibility.py:drawable_on` (the floor, always on)",
    "recusal": "`spotcheck/tenants/campaigns/frames.py:inspector_frame` (the floor, always on)",
    "inspector_post_required": "`spotcheck/tenants/inspectors/checks.py:clean_inspector`",
    "expiry_warning_days": "`spotcheck/tenants/inspectors/eligibility.py:certificate_state`",
    "basics_filed": "`spotcheck/tenants/supervision/queries/__init__.py:tasks_for`",
    "non_random_reason_required": "`spotcheck/tenants/items/checks.py:missing_for_publication`",
    "directory_yearly_update": "`spotcheck/tenants/supervision/queries/upkeep.py:stale_directory_task`",
    "coverage_market": "`spotcheck/tenants/items/queries.py:coverage`, "
    "`spotcheck/tenants/supervision/figures.py:compute`",
    "coverage_other": "`spotcheck/tenants/items/queries.py:coverage`, "
    "`spotcheck/tenants/supervision/figures.py:compute`",
    "duties": "`spotcheck/tenants/supervision/duties.py:schedule`, `spotcheck/tenants/supervision/duties.py:find`",
    "tables": "`spotcheck/tenants/supervision/tables.py:offered`, `spotcheck/tenants/supervision/tables.py:title_of`, "
    "`spotcheck/tenants/supervision/tables.py:level_of_table`",
    "market_tables_to_lead": "`spotcheck/tenants/supervision/duties.py:duties_of` (the recipient named)",
    "market_field_lead": "`spotcheck/tenants/joint/leads.py:field_leads` (the floor, always on)",
    "joint_min_departments": "`spotcheck/tenants/joint/policy.py:JOINT_ACTIONS` (approve)",
    "enforcement_supervisor": "`spotcheck/tenants/supervision/commands/complaints.py:complain`, "
    "`spotcheck/tenants/supervision/commands/evaluations.py:evaluate_visit`, "
    "`spotcheck/tenants/results/queries/codes.py:public_check` (the complaint's recipient cited), "
    "`spotcheck/tenants/supervision/criticism.py:title_refusal` (a 通报's title names only departments supervised)",
    "due_soon_days": "`spotcheck/tenants/results/deadlines.py:flag`",
    "assessment": "`spotcheck/tenants/supervision/assessment.py:defaults`, "
    "`spotcheck/tenants/supervision/assessment.py:full_score`",
}
assert set(READ_BY) == {p.key for p in PARAMETERS}


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def _parameters() -> list[str]:
    lines = [
        "### 参数：驱动什么、谁来规定、在哪里读取",
        "",
        "| 参数 | 名称 | 逐级适用 | 细则 | 平台默认 | 驱动 | 读取它的代码 |",
        "|---|---|---|---|---|---|---|",
    ]
    group = None
    for parameter in PARAMETERS:
        if parameter.group != group:
            group = parameter.group
            lines.append(f"| **{GROUPS[group]}** | | | | | | |")
        default = (
            parameter.say(parameter.platform) + f"（{parameter.platform_note}）"
            if parameter.platform is not None
            else "—"
        )
        lines.append(
            f"| `{parameter.key}` | {parameter.label} | {PASSES[parameter.passes]} "
            f"| {STRICTER[parameter.kind.stricter]} | {_cell(default)} "
            f"| {_cell(parameter.drives)} | {READ_BY[parameter.key]} |"
        )
    return [*lines, ""]


def _national() -> list[str]:
    floor = rulebook.national()
    lines = ["### 国家规定（每个实施方案都包含、不得放宽）", ""]
    lines += [f"- 《{s.title}》{'（' + s.number + '）' if s.number else ''}" for s in floor.sources]
    lines += ["", "| 参数 | 取值 | 出处 |", "|---|---|---|"]
    rules = Rules(floor, None, None)
    for parameter in PARAMETERS:
        entry = floor.entries.get(parameter.key)
        if entry is not None:
            lines.append(
                f"| {parameter.label} | {_cell(rules.say(parameter.key))} | {_cell(rules.cited[parameter.key].words)} |"
            )
    return [*lines, ""]


def _preset(preset: presets.Preset) -> list[str]:
    document = preset.document
    lines = [
        f"### 预设：{preset.name}（{DOCUMENT_KINDS[preset.kind]}）",
        "",
        f"《{document.title}》{'（' + document.number + '）' if document.number else ''}，{document.issuer}，"
        f"施行日期 {document.effective_from}。{document.note}",
        "",
        "| 参数 | 本文件 | 出处或说明 |",
        "|---|---|---|",
    ]
    for parameter in PARAMETERS:
        entry = document.entries.get(parameter.key)
        if entry is None:
            said, source = "（未写）", "未规定：适用上级文件、国家规定或平台默认"
        elif entry.is_set:
            said, source = parameter.say(entry.value), f"本文件{entry.article}"
        else:
            said, source = "未规定", entry.open_note
        lines.append(f"| {parameter.label} | {_cell(said)} | {_cell(source)} |")
    return [*lines, ""]


def section() -> str:
    """The generated section, between its markers."""
    lines = [
        START,
        "",
        "## 规则参数与预设（generated）",
        "",
        "Generated from `spotcheck/tenants/rules/parameters.py` and `spotcheck/tenants/rules/presets/` by "
        "`spotcheck rules-docs`; do not edit by hand. A value in force comes from the national floor, the "
        "rulebook (实施方案) of each level from the root down (逐级适用: inherited and only tightened, or local to "
        "the level), the department's rules (细则, only stricter), a platform default, or nowhere (未规定: no rule, "
        "no to-do, no late flag).",
        "",
    ]
    lines += _parameters() + _national()
    for preset in presets.PRESETS:
        lines += _preset(preset)
    return "\n".join([*lines, END])


def replaced(page: str) -> str:
    """``page`` (docs/rules.md) with its generated section written anew (appended when it has none)."""
    if START in page and END in page:
        head, rest = page.split(START, 1)
        return head + section() + rest.split(END, 1)[1]
    return page.rstrip("\n") + "\n\n" + section() + "\n"
