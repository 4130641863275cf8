"""演示城市的名录与事项: the demo city's registry entities and directory entries (written in bulk),
and each department's item list (一单), rules document (细则), inspectors and recusals (回避),
written through the commands so that the audit trail records them."""

from __future__ import annotations

import random
from datetime import date
from itertools import islice

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import (
    city as demo_city,
    city_items as demo_items,
    registry as demo_registry,
    rules as demo_rules,
    staff as demo_staff,
)
from spotcheck.demo.people import admin_of, is_upper, role_key
from spotcheck.demo.place import DEFAULT, Place
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.rules import commands as rules, queries as rules_document

BATCH = 100_000  # entities generated and written at a time (bounded memory for big cities)


def build_city(
    tenants: dict[str, Tenant], start: int, stop: int, *, seed: int, today: date, place: Place = DEFAULT
) -> None:
    """Entities ``start`` … ``stop - 1`` (in ``place``'s towns) with their directory entries; on the first build,
    also the departments' item lists, inspectors, rules documents and recusals."""
    first = start == 0 and stop > 0
    if first:
        for code, tenant in tenants.items():
            with tenant_scope(tenant.id):
                actor = admin_of(tenant)
                _items(code, actor)
                _rules(code, tenant, actor)
                _inspectors(code, actor, seed=seed, today=today, place=place)
    generated = demo_registry.city(start, stop, seed=seed, today=today, place=place)
    while batch := list(islice(generated, BATCH)):
        bulk.upsert_entities(row for row, _ in batch)
        for code, tenant in tenants.items():
            key = role_key(code)
            entries = [{"code": row["code"], **entry[key]} for row, entry in batch if key in entry]
            if entries:
                bulk.upsert_directory_entries(tenant.id, entries)
    for code, tenant in tenants.items():
        with tenant_scope(tenant.id):
            if stop > start and role_key(code) in ("SCJ", "YJJ", "SWJ", "MDJSCJ"):
                audit.record(
                    "directory.imported",
                    "directory_entry",
                    None,
                    actor=admin_of(tenant),
                    details={"source": "demo", "entities": [start, stop]},
                )
            if first:
                _recusals(role_key(code), tenant, seed=seed)
    audit.record("demo.city", "demo", None, tenant_id=None, details={"entities": stop, "seed": seed})


def _items(code: str, actor: User) -> None:

    existing = set(db.session.scalars(sa.select(Item.name)))
    upper = is_upper(code)
    for data in demo_items.items(role_key(code)):
        if data["name"] in existing:
            continue
        data = {
            key: demo_rules.placed(value, upper=upper) if isinstance(value, str) else value
            for key, value in data.items()
        }
        publish = data.pop("_publish")
        item = items.create_item(data, actor=actor)
        if publish:
            items.publish_item(item.id, actor=actor)


def _rules(code: str, tenant: Tenant, actor: User) -> None:

    if rules_document.current_document() is not None or role_key(code) not in demo_city.RULES_TARGETS:
        return
    title, body = demo_rules.rules_text(code, tenant.name)
    rules.save_text({"title": title, "body": body}, actor=actor)
    rules.publish(actor=actor)


def grow_inspectors(tenants: dict[str, Tenant], *, scale: int, seed: int, today: date, place: Place = DEFAULT) -> None:
    """``scale`` times the demo's inspectors in every department (an enlarged demo); those there stay."""
    for code, tenant in tenants.items():
        with tenant_scope(tenant.id):
            _inspectors(code, admin_of(tenant), seed=seed, today=today, scale=scale, place=place)


def _inspectors(code: str, actor: User, *, seed: int, today: date, scale: int = 1, place: Place = DEFAULT) -> None:

    existing = set(db.session.scalars(sa.select(Inspector.cert_no)))
    upper = is_upper(code)
    for data in demo_staff.inspectors(role_key(code), seed=seed, today=today, scale=scale, place=place):
        if data["cert_no"] not in existing:
            inspectors.create_inspector(
                {**data, "agency": demo_rules.placed(data["agency"], upper=upper), "region": data["region"]},
                actor=actor,
            )


def _recusals(code: str, tenant: Tenant, *, seed: int) -> None:
    """A few declared conflicts (回避) between the department's inspectors and its entities."""
    wanted = demo_staff.RECUSALS_PER_DEPARTMENT.get(code, 0)
    if not wanted or db.session.scalar(sa.select(sa.func.count()).select_from(Recusal)):
        return
    people = list(
        db.session.scalars(sa.select(Inspector).where(Inspector.is_expert.is_(False)).order_by(Inspector.cert_no))
    )
    entries = list(db.session.scalars(sa.select(DirectoryEntry).order_by(DirectoryEntry.id).limit(400)))
    if not people or not entries:
        return

    rnd = random.Random(f"{seed}:recusals:{code}")
    actor = admin_of(tenant)
    for person, entry in zip(
        rnd.sample(people, k=min(wanted, len(people))),
        rnd.sample(entries, k=min(wanted, len(entries))),
        strict=False,
    ):
        inspectors.declare_recusal(
            person.id, {"entity_id": entry.entity_id, "reason": rnd.choice(demo_staff.RECUSAL_REASONS)}, actor=actor
        )
