"""The registry and target directory pages (检查对象名录库): search, entries, entities.

``/catalog/directory``: my department's target directory (search, entry, add, remove, how risk
classes are shown). ``/catalog/directory/registry``: the market-entity registry shared by the
deployment, kept by the lead department (the service refuses the others).
Lists are keyset-paged (``?after=<id>``), never by page number.
"""

from collections.abc import Mapping
from typing import TypedDict, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.directory.forms import (
    FLAG_BADGES,
    FLAG_LABELS,
    RISK_LABEL_STYLE_NAMES,
    DirectorySearchForm,
    EntityForm,
    EntryForm,
    RegistrySearchForm,
    RiskLabelsForm,
    risk_labels_of,
)
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory import commands, inputs, queries
from spotcheck.tenants.directory.policy import is_registry_keeper, require_registry_keeper
from spotcheck.tenants.directory.queries import DirectoryEntry

bp = Blueprint("directory_pages", __name__, url_prefix="/catalog/directory")


# --- helpers ---------------------------------------------------------------------------------


class Labels(TypedDict):
    """What the directory's templates use to name codes, and the declared fields (by name)."""

    fields: Mapping[str, inputs.DirectoryField]
    entity_types: Mapping[str, str]
    entity_statuses: Mapping[str, str]
    credit_ratings: Mapping[str, str]
    industry_sections: Mapping[str, str]
    flag_labels: Mapping[str, object]
    flag_badges: Mapping[str, object]
    risk_labels: dict[str, str]
    keeps_registry: bool


_Search = TypeVar("_Search", bound=RegistrySearchForm)


def _labels() -> Labels:
    """What the templates need to name codes (types, statuses, flags, risk classes, industries) and the
    declared fields' limits."""
    return {
        "fields": inputs.BY_NAME,
        "entity_types": reference.ENTITY_TYPES,
        "entity_statuses": reference.ENTITY_STATUSES,
        "credit_ratings": reference.CREDIT_RATINGS,
        "industry_sections": reference.INDUSTRY_SECTIONS,
        "flag_labels": FLAG_LABELS,
        "flag_badges": FLAG_BADGES,
        "risk_labels": risk_labels_of(current_user.tenant),
        "keeps_registry": _keeps_registry(),
    }


def _keeps_registry() -> bool:
    return is_registry_keeper(current_user) and has_permission(current_user, Permission.REGISTRY_MANAGE)


def _after() -> int:
    return max(request.args.get("after", 0, type=int) or 0, 0)


def _filters(form: RegistrySearchForm) -> queries.Filters:
    values = {
        name: (getattr(form, name).data or "")
        for name in ("q", "industry", "region", "entity_type", "status", "category", "risk", "tag")
        if hasattr(form, name)
    }
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    return queries.Filters(flags=list(form.flags.data or []), **values)


def _query_args() -> dict[str, str | list[str]]:
    """The current search (without ``after``), to carry into the next-page link."""
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in request.args.lists()
        if key != "after" and any(values)
    }


def _search_form(cls: type[_Search], **extra: object) -> _Search:
    return cls(formdata=request.args, **extra)


# --- my department's directory -----------------------------------------------------------------


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index() -> ResponseReturnValue:
    labels = _labels()
    form = _search_form(DirectorySearchForm)
    form.set_choices(queries.directory_categories(), labels["risk_labels"])
    after = _after()
    page = queries.search_directory(_filters(form), after=after)
    settings_form = None
    if has_permission(current_user, Permission.CATALOG_MANAGE):
        settings_form = RiskLabelsForm(risk_labels=current_user.tenant.risk_labels or "letters")
    return render_template(
        "directory/index.html",
        form=form,
        page=page,
        after=after,
        query_args=_query_args(),
        settings_form=settings_form,
        **labels,
    )


@bp.route("/settings", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def settings() -> ResponseReturnValue:
    form = RiskLabelsForm()
    if form.validate_on_submit():
        outcome = attempt(
            commands.set_risk_labels,
            {"risk_labels": form.risk_labels.data},
            actor=current_user._get_current_object(),
            refusals=BAD_INPUT,
        )
        if outcome.invalid:
            for messages in outcome.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            flash(
                _(
                    "Risk classes are now shown as %(style)s.",
                    style=RISK_LABEL_STYLE_NAMES.get(form.risk_labels.data, form.risk_labels.data),
                ),
                "success",
            )
    return redirect(url_for("directory_pages.index"))


@bp.route("/<int:entry_id>")
@requires(Permission.CATALOG_VIEW)
def entry(entry_id: int) -> ResponseReturnValue:
    item = queries.get_entry(entry_id)
    form = None
    if has_permission(current_user, Permission.CATALOG_MANAGE):
        form = _entry_form(item)
    return render_template(
        "directory/entry.html",
        entry=item,
        entity=item.entity,
        form=form,
        categories=queries.directory_categories(),
        **_labels(),
    )


def _entry_form(item: DirectoryEntry) -> EntryForm:
    form = EntryForm(
        data={
            "category": item.category,
            "risk": item.risk,
            "tags": ", ".join(item.tag_list),
            "last_inspected_on": item.last_inspected_on.isoformat() if item.last_inspected_on else "",
        }
    )
    form.set_choices(risk_labels_of(current_user.tenant))
    return form


@bp.route("/<int:entry_id>", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def update_entry(entry_id: int) -> ResponseReturnValue:
    item = queries.get_entry(entry_id)
    form = EntryForm()
    form.set_choices(risk_labels_of(current_user.tenant))
    if form.validate_on_submit():
        saved = attempt(commands.update_entry, item.id, form.entry_data(), actor=current_user, refusals=BAD_INPUT)
        if saved.ok:
            flash(_("Changes to %(name)s saved.", name=item.entity.name), "success")
            return redirect(url_for("directory_pages.entry", entry_id=entry_id))
        item = queries.get_entry(entry_id)
        saved.show_on(form)
    return render_template(
        "directory/entry.html",
        entry=item,
        entity=item.entity,
        form=form,
        categories=queries.directory_categories(),
        **_labels(),
    )


@bp.route("/<int:entry_id>/remove")
@requires(Permission.CATALOG_MANAGE)
def confirm_remove(entry_id: int) -> ResponseReturnValue:
    item = queries.get_entry(entry_id)
    return render_template("directory/remove.html", entry=item, entity=item.entity, form=EmptyForm(), **_labels())


@bp.route("/<int:entry_id>/remove", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def remove_entry(entry_id: int) -> ResponseReturnValue:
    item = queries.get_entry(entry_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("directory_pages.confirm_remove", entry_id=entry_id))
    name = item.entity.name
    commands.remove_entry(item.id, actor=current_user)
    flash(_("%(name)s was removed from the directory. It stays in the registry.", name=name), "success")
    return redirect(url_for("directory_pages.index"))


# --- adding registry entities to my directory ----------------------------------------------------


@bp.route("/add")
@requires(Permission.CATALOG_MANAGE)
def add() -> ResponseReturnValue:
    """Search the registry for the entity to add."""
    form = _search_form(RegistrySearchForm)
    searched = any(v for k, v in request.args.items() if k != "after")
    page, in_directory, after = None, {}, _after()
    if searched:
        page = queries.search_registry(_filters(form), after=after)
        in_directory = queries.entry_ids_by_entity(e.id for e in page.rows)
    return render_template(
        "directory/add.html",
        form=form,
        page=page,
        after=after,
        in_directory=in_directory,
        query_args=_query_args(),
        **_labels(),
    )


@bp.route("/add/<int:entity_id>", methods=["GET", "POST"])
@requires(Permission.CATALOG_MANAGE)
def add_entity(entity_id: int) -> ResponseReturnValue:
    entity = queries.get_entity(entity_id)
    existing = queries.entry_ids_by_entity([entity.id]).get(entity.id)
    if existing and request.method == "GET":
        flash(_("%(name)s is already in the directory.", name=entity.name), "info")
        return redirect(url_for("directory_pages.entry", entry_id=existing))
    form = EntryForm()
    form.set_choices(risk_labels_of(current_user.tenant))
    if request.method == "GET":
        form.risk.data = "C"
    if form.validate_on_submit():
        added = attempt(
            commands.add_entry, {**form.entry_data(), "entity_id": entity.id}, actor=current_user, refusals=BAD_INPUT
        )
        if added.ok:
            flash(_("%(name)s added to the directory.", name=entity.name), "success")
            return redirect(url_for("directory_pages.entry", entry_id=added.result.id))
        entity = queries.get_entity(entity_id)
        added.show_on(form)
    return render_template(
        "directory/add_entity.html", entity=entity, form=form, categories=queries.directory_categories(), **_labels()
    )


# --- the registry (lead department) ----------------------------------------------------------------


@bp.route("/registry")
@requires(Permission.REGISTRY_MANAGE)
def registry() -> ResponseReturnValue:
    require_registry_keeper(current_user)
    form = _search_form(RegistrySearchForm)
    after = _after()
    page = queries.search_registry(_filters(form), after=after)
    return render_template(
        "directory/registry.html", form=form, page=page, after=after, query_args=_query_args(), **_labels()
    )


@bp.route("/registry/new", methods=["GET", "POST"])
@requires(Permission.REGISTRY_MANAGE)
def new_entity() -> ResponseReturnValue:
    require_registry_keeper(current_user)
    form = EntityForm()
    if form.validate_on_submit():
        created = attempt(commands.create_entity, form.entity_data(), actor=current_user, refusals=BAD_INPUT)
        if created.ok:
            entity = created.result
            flash(_("%(name)s added to the registry.", name=entity.name), "success")
            return redirect(url_for("directory_pages.edit_entity", entity_id=entity.id))
        created.show_on(form)
    return render_template("directory/entity_form.html", form=form, entity=None, **_labels())


@bp.route("/registry/<int:entity_id>", methods=["GET", "POST"])
@requires(Permission.REGISTRY_MANAGE)
def edit_entity(entity_id: int) -> ResponseReturnValue:
    require_registry_keeper(current_user)
    entity = queries.get_entity(entity_id)
    form = EntityForm(obj=entity)
    if not form.is_submitted():
        form.show_places(entity.places_text)
    if form.validate_on_submit():
        saved = attempt(commands.update_entity, entity.id, form.entity_data(), actor=current_user, refusals=BAD_INPUT)
        if saved.ok:
            flash(_("Changes to %(name)s saved.", name=entity.name), "success")
            return redirect(url_for("directory_pages.edit_entity", entity_id=entity_id))
        entity = queries.get_entity(entity_id)
        saved.show_on(form)
    in_directory = queries.entry_ids_by_entity([entity.id]).get(entity.id)
    return render_template(
        "directory/entity_form.html", form=form, entity=entity, in_directory=in_directory, **_labels()
    )
