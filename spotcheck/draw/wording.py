"""What each check of the verifier means, in Chinese (核验项目的中文说明), for the one-file verifier and
``python3 -m spotcheck.draw verify``: the same words as the browser's and Node's verifier
(``spotcheck/platform/static/verifier-src/verify-draw.mjs``). Standard library only.

A check keeps its own English name (:class:`spotcheck.draw.verify.Check`): programs and the platform's
pages read it; a person reads the label, with the name beside it in brackets.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spotcheck.draw.verify import Check

FLAGGED = "有特殊标记的对象（投诉举报、经营异常名录、严重违法失信、近期行政处罚）"

#: (pattern of a check's name, its label); ``{cell}`` is a frame's cell, named by :func:`cell_name`.
LABELS = [
    (re.compile(r"algorithm is (?P<algorithm>spotcheck-draw/[123])$"), "算法为 {algorithm}"),
    (re.compile(r"kind is targets or inspectors$"), "抽取类型为检查对象抽取或执法检查人员抽取"),
    (re.compile(r"the proof has exactly the fields of its kind$"), "证明文件的字段完整且无多余字段"),
    (re.compile(r"H\(nonce\) = commitment$"), "公开的秘密随机数与事先公布的承诺值一致"),
    (re.compile(r"frame rows are distinct$"), "候选对象没有重复"),
    (re.compile(r"frame lines are sorted and distinct$"), "抽取范围各行已排序且没有重复"),
    (re.compile(r"frame digest$"), "候选名单与抽取前公布的抽取范围摘要一致"),
    (re.compile(r"seed = HMAC"), "随机种子由秘密随机数、抽取范围和现场监督人输入得出"),
    (re.compile(r"selection lists exactly the frame's cells$"), "抽取范围的每一层都已抽取，且没有多余的层"),
    (
        re.compile(r"selected (?P<cell>\S+): (?P<n>\d+) of (?P<m>\d+)$"),
        "{cell} 抽中：{m} 个候选对象中排序最前的 {n} 个",
    ),
    (re.compile(r"reserve (?P<cell>\S+): \d+$"), "{cell} 备选：排序中紧随其后的对象"),
    (
        re.compile(r"replacement (?P<n>\d+) in (?P<cell>\S+): "),
        "{cell} 第 {n} 次替补：下一个未使用的备选对象，并注明原因",
    ),
    (re.compile(r"teams can be formed from the frame$"), "每个检查组都能从抽取范围中组成"),
    (re.compile(r"a team for every visit, no other$"), "每户检查都有一个检查组，且没有多余的检查组"),
    (re.compile(r"visits in draw order$"), "检查户次按抽取顺序排列"),
    (re.compile(r"team (?P<visit>[^:]+): "), "{visit} 的检查组：该户排序中最前的符合条件人员"),
    (
        re.compile(r"replacement (?P<n>\d+) at (?P<visit>[^:]+)"),
        "{visit} 第 {n} 次替换：下一名符合条件的执法检查人员，并注明原因",
    ),
    (
        re.compile(r"blind_commitment is 64 hex characters and differs from commitment$"),
        "盲化密钥的承诺值格式正确，且不同于随机数的承诺值",
    ),
    (re.compile(r"every entity id is a token$"), "证明中的对象均以盲化标识出现（不公开统一社会信用代码）"),
    (re.compile(r"public inputs are not empty$"), "有现场监督人输入（盲化抽取必须有外部输入）"),
    (re.compile(r"the proof has exactly the fields of a redacted proof$"), "隐去明细的证明字段完整且无多余字段"),
    (re.compile(r"redacted: the original proof's SHA-256 is (?P<sha>\S+)$"), "明细已隐去（原证明 SHA-256 {sha}）"),
    (re.compile(r"the proof is a blinded draw"), "证明为盲化抽取（spotcheck-draw/3）"),
    (re.compile(r"the holder's salt and id can be read$"), "本对象的代码和盐值格式正确"),
    (re.compile(r"the holder's token (?P<token>\S+) is in the draw$"), "本对象的盲化标识 {token} 在本次抽取中"),
    (
        re.compile(r"own (?P<cell>\S+): rank (?P<rank>\d+) of (?P<of>\d+): (?P<status>.+)$"),
        "本对象在 {cell}：排第 {rank} 位（共 {of} 个），{status}",
    ),
    (re.compile(r"own line: (?P<line>.+)$"), "本户抽取范围：{line}"),
    (re.compile(r"own team as drawn: (?P<team>.*)$"), "本户抽中的检查组：{team}"),
    (re.compile(r"own replacement: (?P<what>.+)$"), "本户的人员替换：{what}"),
    (re.compile(r"H\(key\) = blind_commitment$"), "披露的盲化密钥与事先公布的承诺值一致"),
    (
        re.compile(r"the clear frame blinded with the key gives the frame digest$"),
        "明文抽取范围经密钥盲化后与公布的摘要一致",
    ),
    (re.compile(r"excluded before the freeze: (?P<reason>.+): (?P<n>\d+)$"), "冻结前排除（{reason}）：{n} 户"),
    (re.compile(r"the key and the clear file can be read$"), "盲化密钥和明文文件格式正确"),
    (re.compile(r"proof is complete and well-formed$"), "证明文件完整且格式正确"),
    (re.compile(r"read the proof$"), "读取证明文件"),
]


def cell_name(cell: str) -> str:
    """A frame's cell as people name it: ``YJJ/A`` → ``YJJ 风险等级 A`` (the department by its code)."""
    group, _, stratum = cell.partition("/")
    if not stratum:
        return cell
    return f"{group} {FLAGGED if stratum == 'flagged' else '风险等级 ' + stratum}"


#: A holder's status (DRAW-SPEC "The holder's check") in Chinese.
STATUSES = [
    (re.compile(r"selected$"), "抽中"),
    (re.compile(r"reserve (?P<n>\d+)$"), "备选第 {n} 位"),
    (re.compile(r"not drawn$"), "未抽中"),
    (re.compile(r"replaced out: (?P<reason>.*)$"), "被替换（{reason}）"),
    (re.compile(r"brought in, replacing (?P<token>\S+)$"), "作为替补抽中，替换 {token}"),
]


def status_name(status: str) -> str:
    for pattern, text in STATUSES:
        match = pattern.match(status)
        if match:
            return text.format(**match.groupdict())
    return status


def label(name: str) -> str:
    """What the check named ``name`` means, in Chinese; its own name when it has no label."""
    for pattern, text in LABELS:
        match = pattern.match(name)
        if match:
            found = match.groupdict()
            if "cell" in found:
                found["cell"] = cell_name(found["cell"])
            if "status" in found:
                found["status"] = status_name(found["status"])
            return text.format(**found)
    return name


def line(check: Check) -> str:
    """One check as the verifier prints it: ``ok`` or ``FAIL``, the label, the name in brackets, the detail."""
    shown = label(check.name)
    english = "" if shown == check.name else f"  [{check.name}]"
    return f"{'ok  ' if check.ok else 'FAIL'}  {shown}{english}" + (f" — {check.detail}" if check.detail else "")


USAGE = """用法 usage: python3 -m spotcheck.draw verify PROOF.json [--own ID SALT | --key KEY --clear FILE]
             逐项核验抽取证明 (check a published draw proof, spotcheck-draw/1, /2 and /3)
             --own：本对象以自己的盐值核验自己的一行 (the holder's check of its own row)
             --key --clear：监督机关以盲化密钥和明文文件核验每一行 (the bureau's check of every row)
           python3 -m spotcheck.draw bundle OUT.pyz
             生成单文件验证程序 (write this verifier as one file)
  退出码 exit: 0 全部通过 all checks hold, 1 有不通过 a check fails, 2 无法读取 unreadable or usage"""
BUNDLE_USAGE = """用法 usage: python3 spotcheck-verify.pyz PROOF.json [--own ID SALT | --key KEY --clear FILE]
  逐项核验抽取证明 (check a published draw proof, spotcheck-draw/1, /2 and /3)
  退出码 exit: 0 全部通过 all checks hold, 1 有不通过 a check fails, 2 无法读取 unreadable or usage"""


def unreadable(path: str, detail: str) -> str:
    return f"无法读取证明文件 cannot read the proof {path}: {detail}"


def refused(failed: int, checks: int) -> str:
    return (
        f"证明未通过验证：{checks} 项核验中有 {failed} 项不通过 "
        f"(proof NOT verified: {failed} of {checks} checks failed)"
    )


def verified(checks: int) -> str:
    return f"证明已验证：全部 {checks} 项核验通过 (proof verified: all {checks} checks hold)"
