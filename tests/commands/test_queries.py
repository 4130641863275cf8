"""The read side (查询): ``@query`` checks the reader's permission before anything is read, and a
read beyond the reader's department (every department, or a joint campaign's shared rows) is
opened only through the policy's path and recorded in the reader's audit chain."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import sqlalchemy as sa

import spotcheck.tenants
from spotcheck.core import audit
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import REGISTRY, Across, query
from spotcheck.core.scoping import TenantViolationError, cross_tenant, tenant_scope
from spotcheck.tenants.accounts.models import User
from tests.support.helpers import user_named


@query(Permission.TENANTS_READ_ALL, scope=lambda reader: Across("count every user"))
def _every_user_count(*, reader) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def _entries(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(audit.AuditEntry).where(audit.AuditEntry.action == action)
    )


def test_a_read_across_departments_is_opened_by_the_policy_and_recorded(app):
    with app.app_context():
        supervisor, admin = user_named("sfj_supervisor"), user_named("scj_admin")
        with tenant_scope(supervisor.tenant_id):
            own = db.session.scalar(sa.select(sa.func.count()).select_from(User))
            before = _entries("read.across")
            assert _every_user_count(reader=supervisor) > own
            assert _entries("read.across") == before + 1
        with tenant_scope(admin.tenant_id), pytest.raises(ForbiddenError):
            _every_user_count(reader=admin)


def test_only_a_permission_that_opens_the_path_reads_across(app):
    with app.app_context():
        coordinator, admin = user_named("scj_coord"), user_named("scj_admin")
        with pytest.raises(TenantViolationError), cross_tenant(admin, "test"):
            pass
        with cross_tenant(coordinator, "test", permission=Permission.JOINT_MANAGE):
            pass
        # a permission that opens no path
        with pytest.raises(TenantViolationError), cross_tenant(coordinator, "test", permission=Permission.CATALOG_VIEW):
            pass


def _every_query_module():
    for info in pkgutil.walk_packages(spotcheck.tenants.__path__, "spotcheck.tenants."):
        if info.name.endswith(".queries") or ".queries." in info.name:
            importlib.import_module(info.name)


def test_every_query_refuses_a_reader_without_its_permission(app):
    _every_query_module()
    nobody = type("Anonymous", (), {"is_authenticated": False, "roles": (), "tenant_id": None, "id": None})()
    with app.app_context():
        for registered in REGISTRY.values():
            if registered.permission is None:
                continue
            function = registered.function
            module = importlib.import_module(function.__module__)
            run = getattr(module, function.__name__, None)
            if run is None or getattr(run, "query", None) is not registered:
                continue
            arguments = {
                name: None
                for name, parameter in inspect.signature(function).parameters.items()
                if parameter.default is inspect.Parameter.empty
                and name != "reader"
                and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            }
            with pytest.raises(ForbiddenError):
                run(**arguments, reader=nobody)
