"""Forms of the item list pages (一单), derived from the item's declared fields
(:mod:`spotcheck.tenants.items.inputs`). They only collect input; the item commands validate it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from spotcheck.core.text import whole_number
from spotcheck.platform.web.forms import MultiCheckboxField, choices_of
from spotcheck.tenants.common.vocabulary import sampling
from spotcheck.tenants.items import inputs
from spotcheck.tenants.items.queries import Item


def _form_field(field: inputs.ItemField) -> UnboundField:
    """The form's field of a declared item field: its label, its list, its limit. The sampling
    values are typed as text and read by :meth:`ItemForm.item_data`."""
    limit = {"render_kw": {"maxlength": field.longest}} if field.longest else {}
    default = field.default if field.offered is None else field.offered
    if field.kind == inputs.CODES:
        return MultiCheckboxField(field.label, choices=choices_of(field.choices or {}), validate_choice=False)
    if field.kind == inputs.CHOICE:
        return RadioField(field.label, choices=choices_of(field.choices or {}), default=default, validate_choice=False)
    if field.kind == inputs.PERIOD:
        return SelectField(
            field.label, choices=[SelectChoice("", "—"), *choices_of(field.choices or {})], validate_choice=False
        )
    if field.kind == inputs.FLAG:
        return BooleanField(field.label, default=default)
    if field.kind == inputs.LONG_TEXT:
        return TextAreaField(field.label, **limit)
    return StringField(field.label, **limit)


def _typed(field: inputs.ItemField, value: object) -> object:
    """What the form hands the command of a field: the ratio typed in per cent (不低于5% or 5) in
    basis points, the frequency's times as a number; text that is not one is passed on for the
    command to refuse, naming the field."""
    if field.kind == inputs.RATIO:
        try:
            return sampling.parse_ratio(value)
        except sampling.InvalidValueError:
            return value
    if field.kind == inputs.TIMES:
        times = str(value or "").strip()
        number = whole_number(times)
        return times if number is None else number
    if field.kind == inputs.PERIOD:
        return value or ""
    return value


def _shown(field: inputs.ItemField, value: object) -> str:
    """A saved sampling value as its form field shows it (5 for 不低于5%)."""
    if field.kind == inputs.RATIO:
        return sampling.ratio_number(value if isinstance(value, int | str) else None)
    return "" if value is None else str(value)


class ItemForm(FlaskForm):
    """The editable fields of an item, as :mod:`spotcheck.tenants.items.inputs` declares them (added below)."""

    def item_data(self) -> dict[str, object]:
        """The submitted values, keyed like the item's fields, for the command."""
        return {field.name: _typed(field, getattr(self, field.field_name).data) for field in inputs.FIELDS}

    def show(self, item: Item) -> None:
        """Fill the sampling fields from a saved item (the others come from the item's attributes)."""
        for field in inputs.FIELDS:
            if field.kind in inputs.SAMPLING_KINDS:
                getattr(self, field.field_name).data = _shown(field, getattr(item, field.name))


for _field in inputs.FIELDS:
    setattr(ItemForm, _field.field_name, _form_field(_field))
del _field


class ItemEditForm(ItemForm):
    """Editing an item; a published item also needs the reason for the change (动态调整)."""

    reason = TextAreaField(inputs.CHANGE_REASON.label)


class RetireForm(FlaskForm):
    reason = TextAreaField(_l("Reason for retiring"))
