"""The words of notices (文书与通知): the kinds of document, the channels a message goes by and a
sending's status, with the words of a document's number (文号) and its titles."""

from __future__ import annotations

import enum


class NoticeKind(enum.StrEnum):
    inspection = "inspection"  # 检查通知书: to the entity, one per visit
    assignment = "assignment"  # 检查任务派遣通知: to an inspector, one per campaign and inspector
    announcement = "announcement"  # 检查结果公告: a campaign's published results
    transfer = "transfer"  # 移送函: to the department a problem is transferred to
    criticism = "criticism"  # 通报: the justice bureau's notice of criticism, to a department named in it


class Channel(enum.StrEnum):
    inbox = "inbox"  # 站内消息
    email = "email"  # 电子邮件
    sms = "sms"  # 短信


class DeliveryStatus(enum.StrEnum):
    pending = "pending"  # 待发送 (or waiting for its next try)
    sent = "sent"  # 已发送
    failed = "failed"  # 发送失败 (tried too often)


#: The word of a document number (文号) per kind: 市监检通〔2026〕3号.
NUMBER_WORDS = {
    NoticeKind.inspection: "检通",
    NoticeKind.assignment: "派",
    NoticeKind.announcement: "检公",
    NoticeKind.transfer: "移",
    NoticeKind.criticism: "通",
}
TITLES = {
    NoticeKind.inspection: "检查通知书",
    NoticeKind.assignment: "检查任务派遣通知",
    NoticeKind.announcement: "检查结果公告",
    NoticeKind.transfer: "移送函",
    NoticeKind.criticism: "通报",
}


#: The Celery tasks (后台作业) of notices: the documents of a campaign or a joint campaign, the result
#: announcement, a transfer's letter, the sender and the reminders (queued jobs and the beat name
#: them: never renamed).
CAMPAIGN_NOTICES_TASK, JOINT_NOTICES_TASK = "spotcheck.notices.campaign", "spotcheck.notices.joint"
ANNOUNCEMENT_TASK, TRANSFER_LETTER_TASK = "spotcheck.notices.announcement", "spotcheck.notices.transfer_letter"
SEND_DUE_TASK, REMINDERS_TASK = "spotcheck.notices.send_due", "spotcheck.notices.reminders"
