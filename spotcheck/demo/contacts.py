"""The demo departments' 负责人 and 联络员 (seed 003 附件5), recorded by each department's
administrator through the command — fictional people and numbers. 商务局 has not recorded its
liaison's office phone, so its exports give the exporter's own mobile (none in the demo)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.contacts import commands, queries, vocabulary

#: Per department: (负责人: name, post, office phone, mobile), (联络员: …).
CONTACTS = {
    "SCJ": (
        ("周建国", "副局长", "0571-87001001", "13800001001"),
        ("陈静", "法规科科长", "0571-87001002", "13800001002"),
    ),
    "YJJ": (("孙立平", "副局长", "0571-87002001", ""), ("李晓东", "执法监督科副科长", "0571-87002002", "13800002002")),
    "SWJ": (("郑海燕", "局长", "0571-87003001", ""), ("吴磊", "办公室科员", "", "13800003002")),
    "SFJ": (
        ("冯伟", "副局长", "0571-87004001", ""),
        ("褚红", "行政执法协调监督科科长", "0571-87004002", "13800004002"),
    ),
}


def record(
    tenants: dict[str, Tenant],
    admin_of: Callable[[Tenant], User],
    scope: Callable[[int], AbstractContextManager[object]],
) -> None:
    """Each department's contacts, unless it has recorded them already (idempotent)."""
    for code, (responsible, liaison) in CONTACTS.items():
        tenant = tenants.get(code)
        if tenant is None:
            continue
        with scope(tenant.id):
            if all(queries.own().values()):
                continue
            data = {
                role: dict(zip(vocabulary.FIELDS, values, strict=True))
                for role, values in (("responsible", responsible), ("liaison", liaison))
            }
            commands.save(data, actor=admin_of(tenant))
