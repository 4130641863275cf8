"""The credit-system export's words (信用信息导出词汇): a batch's states and the kinds of its files."""

from __future__ import annotations

import enum

#: The storage area of the batches' files.
AREA = "credit_export"

#: A batch's files: kind → (media type, suffix).
FILE_KINDS = {
    "jsonl": ("application/x-ndjson; charset=utf-8", ".jsonl"),
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "manifest": ("application/json; charset=utf-8", ".manifest.json"),
}


class BatchStatus(enum.StrEnum):
    """A batch's delivery state (投递状态)."""

    pending = "pending"  # built, waiting for its first delivery
    delivered = "delivered"  # delivered (its records with it)
    failed = "failed"  # the last delivery failed: tried again (same files, same number)


#: The Celery tasks (后台作业) of the export: the beat's run, an export and a delivery on request
#: (queued jobs and the beat name them: never renamed).
RUN_TASK, EXPORT_TASK, DELIVER_TASK = "spotcheck.exports.run", "spotcheck.exports.export", "spotcheck.exports.deliver"
