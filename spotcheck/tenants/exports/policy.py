"""The credit-system export's rules (信用信息导出规则): a batch is delivered again only while its files
are still in the storage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.errors import ConflictError
from spotcheck.tenants.exports.models import ExportBatch


def ensure_deliverable(batch: ExportBatch) -> None:
    """A batch's files must still be there to deliver it again."""
    for key in (batch.manifest_key, batch.jsonl_key, batch.csv_key):
        if not storage.exists(key):
            raise ConflictError(
                _l("The files of this batch are no longer in the storage; it cannot be delivered again.")
            )
