"""Forms of the registry and target directory pages (检查对象名录库).

Like every form here they only collect input: the directory commands check it.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from spotcheck.platform.web.forms import MultiCheckboxField
from spotcheck.tenants.common.vocabulary import ENTITY_FLAG, ENTITY_FLAG_SHORT, reference
from spotcheck.tenants.directory.vocabulary import RISK_LABEL_STYLE_NAMES

#: The flags that change sampling (the names are in spotcheck.tenants.common.vocabulary).
FLAG_LABELS, FLAG_BADGES = ENTITY_FLAG, ENTITY_FLAG_SHORT


def risk_labels_of(tenant) -> dict[str, str]:
    """Risk class code → label, in the style the department chose."""
    style = getattr(tenant, "risk_labels", None) or "letters"
    return reference.RISK_LABEL_STYLES.get(style, reference.RISK_LABEL_STYLES["letters"])


def _any(label=None):
    return [SelectChoice("", label or _l("Any"))]


def _coded(table: dict[str, str]):
    return [SelectChoice(code, name) for code, name in table.items()]


class _GetForm(FlaskForm):
    """A search form sent by GET: no CSRF token, no prefix, reads the query string."""

    class Meta:
        csrf = False


class RegistrySearchForm(_GetForm):
    q = StringField(_l("Name or code"))
    industry = StringField(_l("Industry code (GB/T 4754) starts with"))
    region = StringField(_l("Region code (GB/T 2260) starts with"))
    entity_type = SelectField(_l("Target type"), choices=_any() + _coded(reference.ENTITY_TYPES))
    status = SelectField(_l("Registration status"), choices=_any() + _coded(reference.ENTITY_STATUSES))
    flags = MultiCheckboxField(_l("Flags (all must hold)"), choices=[SelectChoice(k, v) for k, v in FLAG_LABELS.items()])


class DirectorySearchForm(RegistrySearchForm):
    category = SelectField(_l("Supervision category"))
    risk = SelectField(_l("Risk class"))
    tag = StringField(_l("Tag"))

    def set_choices(self, categories, risk_labels):
        self.category.choices = _any() + [SelectChoice(c, c) for c in categories]
        if self.category.data and self.category.data not in categories:
            self.category.choices.append(SelectChoice(self.category.data, self.category.data))
        self.risk.choices = _any() + _coded(risk_labels)


class EntryForm(FlaskForm):
    category = StringField(_l("Supervision category"))
    risk = SelectField(_l("Risk class"), validate_choice=False)
    tags = StringField(_l("Tags (separated by commas)"))
    last_inspected_on = StringField(_l("Last inspected on"))

    def set_choices(self, risk_labels):
        self.risk.choices = _coded(risk_labels)

    def entry_data(self) -> dict:
        return {"category": self.category.data, "risk": self.risk.data, "tags": self.tags.data,
                "last_inspected_on": self.last_inspected_on.data}


class EntityForm(FlaskForm):
    code = StringField(_l("Unified social credit code (or code of a product, project or behaviour)"))
    name = StringField(_l("Name"))
    entity_type = SelectField(_l("Target type"), choices=_coded(reference.ENTITY_TYPES), validate_choice=False)
    industry_code = StringField(_l("Industry code (GB/T 4754, e.g. C1311)"))
    region_code = StringField(_l("Region code (GB/T 2260, 6 digits)"))
    address = StringField(_l("Address"))
    status = SelectField(_l("Registration status"), choices=_coded(reference.ENTITY_STATUSES), validate_choice=False)
    abnormal = BooleanField(FLAG_LABELS["abnormal"])
    blacklisted = BooleanField(FLAG_LABELS["blacklisted"])
    penalized_on = StringField(_l("Most recent administrative penalty on"))
    complaints = StringField(_l("Complaints and reports in the last 12 months"))
    credit_rating = SelectField(_l("Credit rating"), choices=_any(_l("Not rated")) + _coded(reference.CREDIT_RATINGS),
                                validate_choice=False)

    FIELDS = ("code", "name", "entity_type", "industry_code", "region_code", "address", "status", "abnormal",
              "blacklisted", "penalized_on", "complaints", "credit_rating")

    def entity_data(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class RiskLabelsForm(FlaskForm):
    risk_labels = SelectField(_l("Show risk classes as"), choices=[SelectChoice(k, v) for k, v in RISK_LABEL_STYLE_NAMES.items()],
                              validate_choice=False)
