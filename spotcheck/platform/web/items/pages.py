"""The item list pages (一单): list, edit, publish, retire, versions, coverage."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.platform.permissions import Permission, acting_user as _me, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt, perform
from spotcheck.platform.web.items.forms import ItemEditForm, ItemForm, RetireForm
from spotcheck.tenants.common.vocabulary import ITEM_STATUS, sampling
from spotcheck.tenants.items import commands, inputs, queries
from spotcheck.tenants.items.checks import missing_for_publication
from spotcheck.tenants.items.policy import ITEM_ACTIONS
from spotcheck.tenants.items.queries import Item
from spotcheck.tenants.items.vocabulary import ItemStatus

bp = Blueprint("items_pages", __name__, url_prefix="/catalog/items")

#: Where the form shows a refusal the item commands name by the item's field.
FORM_FIELD = {field.name: field.field_name for field in inputs.FIELDS if field.field_name != field.name}

#: The field labels of an item, in the order of seed 003's 附件1 (shared by the detail and version pages);
#: 抽查频次's period is said with its times.
FIELD_LABELS = tuple((field.name, field.shown_as) for field in inputs.FIELDS if field.kind != inputs.PERIOD)


@bp.context_processor
def _item_helpers() -> dict[str, object]:
    return {
        "item_field_labels": FIELD_LABELS,
        "ratio_said": sampling.ratio_text,
        "frequency_said": sampling.frequency_text,
    }


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index() -> ResponseReturnValue:
    status = request.args.get("status", "")
    if status not in ITEM_STATUS:
        status = ""
    return render_template(
        "items/index.html",
        items=queries.list_items(status or None),
        status=status,
        statuses=ITEM_STATUS,
        coverage=queries.coverage(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CATALOG_MANAGE)
def new() -> ResponseReturnValue:
    form = ItemForm()
    if form.validate_on_submit():
        created = attempt(commands.create_item, form.item_data(), actor=_me(), refusals=BAD_INPUT)
        if created.ok:
            item = created.result
            flash(_("Item %(code)s saved as a draft. Publish it when it is ready.", code=item.code), "success")
            return redirect(url_for("items_pages.detail", item_id=item.id))
        created.show_on(form, FORM_FIELD)
    return render_template("items/form.html", form=form, item=None)


@bp.route("/<int:item_id>")
@requires(Permission.CATALOG_VIEW)
def detail(item_id: int) -> ResponseReturnValue:
    return _render_detail(queries.get_item(item_id))


def _render_detail(item: Item, retire_form: RetireForm | None = None) -> str:
    missing = missing_for_publication(item.snapshot()) if item.status == ItemStatus.draft else {}
    return render_template(
        "items/detail.html",
        item=item,
        versions=queries.versions(item),
        missing=[label for name, label in FIELD_LABELS if name in missing],
        actions=ITEM_ACTIONS.allowed(item, _me()),
        action_form=EmptyForm(),
        retire_form=retire_form or RetireForm(),
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.CATALOG_MANAGE)
def edit(item_id: int) -> ResponseReturnValue:
    item = queries.get_item(item_id)
    if "edit" not in ITEM_ACTIONS.allowed(item, _me()):
        flash(_("A retired item cannot be changed."), "error")
        return redirect(url_for("items_pages.detail", item_id=item.id))
    form = ItemEditForm(obj=item)
    if not form.is_submitted():
        form.show(item)
    version_before = item.version
    if form.validate_on_submit():
        outcome = attempt(
            commands.update_item, item.id, {**form.item_data(), "reason": form.reason.data or ""}, actor=_me()
        )
        if outcome.invalid:
            item = queries.get_item(item_id)
            outcome.show_on(form, FORM_FIELD)
        elif not outcome.ok:
            outcome.flash_refusal()
            return redirect(url_for("items_pages.detail", item_id=item_id))
        else:
            if item.status == ItemStatus.published and item.version == version_before:
                flash(_("Nothing was changed, so no new version was recorded."), "info")
            elif item.status == ItemStatus.published:
                flash(
                    _("Item %(code)s saved; it is now version %(version)s.", code=item.code, version=item.version),
                    "success",
                )
            else:
                flash(_("Item %(code)s saved.", code=item.code), "success")
            return redirect(url_for("items_pages.detail", item_id=item.id))
    return render_template("items/form.html", form=form, item=item)


@bp.route("/<int:item_id>/publish", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def publish(item_id: int) -> ResponseReturnValue:
    item = queries.get_item(item_id)
    if EmptyForm().validate_on_submit():
        perform(commands.publish_item, item.id, actor=_me(), done=_published)
    return redirect(url_for("items_pages.detail", item_id=item_id))


def _published(item: Item) -> str:
    return _("Item %(code)s published as version %(version)s.", code=item.code, version=item.version)


@bp.route("/<int:item_id>/retire", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def retire(item_id: int) -> ResponseReturnValue:
    item = queries.get_item(item_id)
    form = RetireForm()
    if form.validate_on_submit():
        outcome = attempt(commands.retire_item, item.id, {"reason": form.reason.data or ""}, actor=_me())
        if outcome.invalid:
            outcome.show_on(form)
            return _render_detail(queries.get_item(item_id), retire_form=form)
        outcome.report(_("Item %(code)s retired.", code=item.code))
    return redirect(url_for("items_pages.detail", item_id=item_id))


@bp.route("/<int:item_id>/versions/<int:number>")
@requires(Permission.CATALOG_VIEW)
def version(item_id: int, number: int) -> ResponseReturnValue:
    item = queries.get_item(item_id)
    return render_template("items/version.html", item=item, version=queries.get_version(item, number))
