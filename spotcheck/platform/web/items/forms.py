"""Forms of the item list pages (一单). They only collect input; the item commands validate it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from spotcheck.core.text import whole_number
from spotcheck.platform.web.forms import MultiCheckboxField, choices_of
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.items.vocabulary import ITEM_FIELDS, SAMPLING_FIELDS


class ItemForm(FlaskForm):
    """The editable fields of an item, in the order of seed 003's 附件1."""

    name = StringField(_l("Item name"))
    sub_item = StringField(_l("Sub-item"))
    legal_basis = TextAreaField(_l("Legal basis"))
    checking_body = StringField(_l("Checking body"))
    target_type = StringField(_l("Inspection targets"))
    content = TextAreaField(_l("Inspection content"))
    methods = MultiCheckboxField(_l("Check methods"), choices=choices_of(reference.CHECK_METHODS), validate_choice=False)
    ratio = StringField(_l("Ratio, at least (%)"))
    frequency_period = SelectField(_l("Frequency: per"), choices=[SelectChoice("", "—"), *choices_of(sampling.PERIODS)],
                                   validate_choice=False)
    frequency_times = StringField(_l("Frequency: times"))
    inspector_categories = MultiCheckboxField(_l("Enforcement categories required"),
                                              choices=choices_of(reference.ENFORCEMENT_CATEGORIES),
                                              validate_choice=False)
    inspector_requirements = TextAreaField(_l("Inspector requirements"))
    result_use = TextAreaField(_l("Use of the results"))
    remarks = TextAreaField(_l("Remarks"))
    field = RadioField(_l("Regulatory field"), choices=choices_of(reference.ITEM_FIELDS), default="market", validate_choice=False)
    kind = RadioField(_l("Item kind"), choices=choices_of(reference.ITEM_KINDS), default="general", validate_choice=False)
    random_check = BooleanField(_l("Under random checking"), default=True)
    non_random_reason = TextAreaField(_l("Written reason for keeping it out of random checking (书面说明理由)"))

    def item_data(self) -> dict:
        """The submitted values, keyed like the item's fields, for the service: the ratio typed in per cent
        (不低于5% or 5) in basis points, the frequency's times as a number (text that is not one is passed on
        for the service to refuse, naming the field)."""
        data = {name: getattr(self, name).data for name in ITEM_FIELDS if name not in SAMPLING_FIELDS}
        try:
            data["ratio_bp"] = sampling.parse_ratio(self.ratio.data)
        except sampling.Invalid:
            data["ratio_bp"] = self.ratio.data
        times = str(self.frequency_times.data or "").strip()
        number = whole_number(times)
        data["frequency_times"] = times if number is None else number  # the service names the field
        data["frequency_period"] = self.frequency_period.data or ""
        return data

    def show(self, item) -> None:
        """Fill the sampling fields from a saved item (the others come from the item's attributes)."""
        self.ratio.data = sampling.ratio_number(item.ratio_bp)
        self.frequency_times.data = "" if item.frequency_times is None else str(item.frequency_times)
        self.frequency_period.data = item.frequency_period or ""


class ItemEditForm(ItemForm):
    """Editing an item; a published item also needs the reason for the change (动态调整)."""

    reason = TextAreaField(_l("Reason for the change"))


class RetireForm(FlaskForm):
    reason = TextAreaField(_l("Reason for retiring"))
