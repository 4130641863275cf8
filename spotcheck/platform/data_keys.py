"""The data key (数据密钥) of the protected values — inspectors' ID numbers (身份证号码), businesses' 企业核验码,
complainants' names and phones, every draw's commitment nonce (承诺随机数: losing one breaks its draw's proof), a
blinded draw's key and clear frame (盲化密钥、明文抽取范围: the bureau's check reads them; the clear frame of a draw
frozen since 0083 sealed as raw bytes, :mod:`spotcheck.tenants.campaigns.clear_store`) and
the users' second factors' secrets (两步验证的密钥).

``spotcheck keys adopt`` moves a deployment whose values are under the key derived from ``SECRET_KEY`` to its own
``SPOTCHECK_DATA_KEY``; ``spotcheck keys rotate`` moves them from the key in use to a new one. Either re-encrypts
every protected value and recomputes every digest kept for look-ups (an ID number's, to find duplicates; a business
code's, unique, to verify it), in one transaction: all or nothing, audited on the platform's chain, and the
deployment's record keeps the new key's check value (:mod:`spotcheck.core.deployment`), so that a process still on
the old key refuses to read or write rather than mix two keys. ``SECRET_KEY`` then protects sessions and forms only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import cast

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.fernet import InvalidToken
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, deployment, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import Model, db, table_of
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import SecondFactor
from spotcheck.tenants.campaigns import clear_store
from spotcheck.tenants.campaigns.models import Draw, HolderRow
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.supervision.models import ComplaintContact

#: Rows re-encrypted at a time (their values are read, then written back by id).
CHUNK = 2000


@dataclass(frozen=True)
class Protected:
    """A table's protected columns, and its digests kept for look-ups: digest column → the column it digests."""

    model: type[Model]
    label: str  # what it holds, in Chinese, for the refusal
    encrypted: tuple[str, ...]
    digests: dict[str, str]
    #: Rows re-encrypted at a time.
    chunk: int = CHUNK
    #: Columns of raw bytes sealed with the data key's sealing key (:func:`spotcheck.core.personal_data.seal`), each
    #: with what it is sealed as (its purpose).
    sealed: dict[str, bytes] = field(default_factory=dict)


PROTECTED = (
    Protected(Inspector, "执法检查人员的身份证号码", ("id_encrypted",), {"id_digest": "id_encrypted"}),
    Protected(InspectionCode, "企业核验码", ("business_encrypted",), {"business_digest": "business_encrypted"}),
    Protected(ComplaintContact, "投诉人的姓名和电话", ("name_encrypted", "phone_encrypted"), {}),
    Protected(
        Draw,
        "抽取的承诺随机数、盲化密钥和明文抽取范围",
        ("nonce_encrypted", "blind_key_encrypted", "clear_encrypted"),
        {},
        chunk=20,  # a clear frame of a province's draw holds millions of codes
        sealed={"clear_sealed": clear_store.PURPOSE},
    ),
    Protected(HolderRow, "抽取对象本户核验的盐值", ("salt_encrypted",), {}),
    Protected(SecondFactor, "两步验证的密钥", ("secret_encrypted",), {}),
)


def _keys(raw: str, field: str) -> personal_data.Keys:
    try:
        return personal_data.keys_of(raw.strip())
    except (ValueError, TypeError):
        raise InvalidInputError(
            {
                field: [
                    _l(
                        "This is not a data key: a data key is 44 characters of URL-safe base64, "
                        "as `spotcheck keys generate` prints it."
                    )
                ]
            }
        ) from None


def _rows(protected: Protected) -> Iterator[Sequence[sa.Row]]:
    table = table_of(protected.model)
    columns = [table.c[name] for name in (*protected.encrypted, *protected.sealed)]
    last = 0
    while True:
        rows = db.session.execute(
            sa.select(table.c.id, *columns)
            .where(table.c.id > last, sa.or_(*[column.is_not(None) for column in columns]))
            .order_by(table.c.id)
            .limit(protected.chunk)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _moved(protected: Protected, old: personal_data.Keys, new: personal_data.Keys) -> int:
    """Every value of the table re-encrypted under ``new`` and its digests recomputed; how many rows."""
    table = table_of(protected.model)
    count = 0
    for rows in _rows(protected):
        changes = []
        for row in rows:
            try:
                plain = {
                    name: None if value is None else old.fernet.decrypt(value.encode("ascii")).decode("utf-8")
                    for name in protected.encrypted
                    for value in [getattr(row, name)]
                }  # a column left empty (a draw made before blinding has no key) stays empty
                sealed = {
                    name: None if value is None else personal_data.unseal_with(old, value, purpose)
                    for name, purpose in protected.sealed.items()
                    for value in [getattr(row, name)]
                }
            except (InvalidToken, InvalidTag):
                raise InvalidInputError(
                    {
                        "key": [
                            _l(
                                "A value of %(what)s (row %(id)s) cannot be read with the key in use: "
                                "nothing was changed. Are the values under another key already?",
                                what=protected.label,
                                id=row.id,
                            )
                        ]
                    }
                ) from None
            values: dict[str, object] = {
                name: None if text is None else new.fernet.encrypt(text.encode("utf-8")).decode("ascii")
                for name, text in plain.items()
            }
            values.update(
                {
                    name: None if data is None else personal_data.seal_with(new, data, protected.sealed[name])
                    for name, data in sealed.items()
                }
            )
            values.update(
                {
                    digest: personal_data.digest_with(new, cast(str, plain[source]))
                    for digest, source in protected.digests.items()
                }
            )
            changes.append({"row_id": row.id, **values})
        db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id")), changes)
        count += len(changes)
    return count


@command(Permission.DATA_KEYS_MANAGE)
def change_data_key(data: dict, *, actor: Actor) -> dict[str, int]:
    """Move every protected value from the key ``data["old"]`` (the one they are under, as the deployment's record
    says) to ``data["new"]`` (``data["how"]``: ``adopted`` or ``rotated``, for the audit). All or nothing: a value the
    old key cannot read refuses the whole change. Returns how many rows of each kind were moved."""
    old, new = _keys(str(data.get("old") or ""), "old"), _keys(str(data.get("new") or ""), "new")
    if old.check == new.check:
        raise InvalidInputError({"new": [_l("The new key is the key in use: nothing to move.")]})
    with system_access("move the protected values to a new data key"):
        record = deployment.record()
        if record is None:
            raise InvalidInputError(
                {"key": [_l("The database has no deployment record: run `spotcheck db upgrade` first.")]}
            )
        if record.data_key_check and record.data_key_check != old.check:
            raise InvalidInputError(
                {
                    "old": [
                        _l(
                            "The protected values are not under this key (its check value differs from the one "
                            "the deployment keeps): nothing was changed."
                        )
                    ]
                }
            )
        counts = {protected.model.__tablename__: _moved(protected, old, new) for protected in PROTECTED}
        record.data_key_check = new.check
        deployment.forget_check()
        action = "data_key.adopted" if data.get("how") == "adopted" else "data_key.rotated"
        audit.record(
            action,
            "deployment",
            record.id,
            actor=actor,
            details={**counts, "old_check": old.check[:8], "new_check": new.check[:8]},
        )
    return counts
