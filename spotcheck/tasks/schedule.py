"""The beat (定时任务): every periodic job of the platform, in one place. Times are Beijing time
(the Celery app's timezone is Asia/Shanghai).

| entry | when | what |
|---|---|---|
| ``restart-stalled-jobs`` | every minute | queue again jobs the broker lost or whose worker died |
| ``send-due-deliveries`` | every minute | send the e-mails and SMS that are due, and retry failed ones |
| ``working-day-reminders`` | 08:30 every day (1) | due-soon and overdue reminders (2) |
| ``verify-audit-chains-nightly`` | 02:15 | verify every department's audit chain |
| ``publish-audit-heads`` | 02:30 | publish the head of every audit chain on the public portal (/public/audit-heads) |
| ``export-to-credit-system`` | every 5 minutes | the credit-system export (3) |
| ``count-supervision-figures`` | every hour | every department's supervision figures of the current year (4) |
| ``forget-export-files`` | hourly at :05 | delete the exports' files kept past their hours (5) |

(1) works on working days only (official calendar). (2) to inspectors, leaders and planners; publication overdue
escalated to the leaders. (3) build each department's export batch of newly published results and deliver every
batch waiting (信用信息共享). (4) the figures the dashboard and the bureaus' homes read (数据截至), and this year's
periods a bureau asked for (:mod:`spotcheck.tenants.supervision.stored`); a bureau counts its own again at once on the
dashboard (立即重新统计). (5) ``SPOTCHECK_EXPORT_FILE_HOURS``, 72 by default: a file may hold personal data
(:func:`spotcheck.tasks.job_sweep.forget_files`).

``SPOTCHECK_SWEEP_SECONDS`` and ``SPOTCHECK_SEND_SECONDS`` shorten the two minute-long periods
(tests run a real beat for a few seconds); ``SPOTCHECK_EXPORT_SECONDS`` sets the export's, ``SPOTCHECK_FIGURES_SECONDS``
the figures'.
"""

from __future__ import annotations

import os

from celery.schedules import crontab


def _seconds(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


BEAT_SCHEDULE = {
    "restart-stalled-jobs": {"task": "spotcheck.jobs.sweep", "schedule": _seconds("SPOTCHECK_SWEEP_SECONDS", 60)},
    "send-due-deliveries": {"task": "spotcheck.notices.send_due", "schedule": _seconds("SPOTCHECK_SEND_SECONDS", 60)},
    "working-day-reminders": {"task": "spotcheck.notices.reminders", "schedule": crontab(hour=8, minute=30)},
    "verify-audit-chains-nightly": {"task": "spotcheck.audit.verify_all", "schedule": crontab(hour=2, minute=15)},
    "publish-audit-heads": {"task": "spotcheck.audit.publish_heads", "schedule": crontab(hour=2, minute=30)},
    "export-to-credit-system": {"task": "spotcheck.exports.run", "schedule": _seconds("SPOTCHECK_EXPORT_SECONDS", 300)},
    "forget-export-files": {"task": "spotcheck.jobs.forget_files", "schedule": crontab(minute=5)},
    "count-supervision-figures": {
        "task": "spotcheck.supervision.count_due",
        "schedule": _seconds("SPOTCHECK_FIGURES_SECONDS", 3600),
    },
}
