"""Forms of the registry and target directory pages (检查对象名录库).

Like every form here they only collect input: the directory commands check it. The entry and
entity forms ask for the commands' declared fields (:mod:`spotcheck.tenants.directory.inputs`),
with their labels and lists, and hand the command exactly those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from spotcheck.platform.web.forms import MultiCheckboxField
from spotcheck.tenants.accounts.queries import Tenant
from spotcheck.tenants.common.vocabulary import ENTITY_FLAG, ENTITY_FLAG_SHORT, reference
from spotcheck.tenants.directory import inputs
from spotcheck.tenants.directory.vocabulary import RISK_LABEL_STYLE_NAMES

#: The flags that change sampling (the names are in spotcheck.tenants.common.vocabulary).
FLAG_LABELS, FLAG_BADGES = ENTITY_FLAG, ENTITY_FLAG_SHORT


def risk_labels_of(tenant: Tenant) -> dict[str, str]:
    """Risk class code → label, in the style the department chose."""
    style = getattr(tenant, "risk_labels", None) or "letters"
    return reference.RISK_LABEL_STYLES.get(style, reference.RISK_LABEL_STYLES["letters"])


def _any(label: object = None) -> list[SelectChoice]:
    return [SelectChoice("", label or _l("Any"))]


def _coded(table: Mapping[str, str]) -> list[SelectChoice]:
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
    flags = MultiCheckboxField(
        _l("Flags (all must hold)"), choices=[SelectChoice(k, v) for k, v in FLAG_LABELS.items()]
    )


class DirectorySearchForm(RegistrySearchForm):
    category = SelectField(_l("Supervision category"))
    risk = SelectField(_l("Risk class"))
    tag = StringField(_l("Tag"))

    def set_choices(self, categories: Sequence[str], risk_labels: Mapping[str, str]) -> None:
        self.category.choices = _any() + [SelectChoice(c, c) for c in categories]
        if self.category.data and self.category.data not in categories:
            self.category.choices.append(SelectChoice(self.category.data, self.category.data))
        self.risk.choices = _any() + _coded(risk_labels)


def _asked(field: inputs.DirectoryField) -> UnboundField:
    """A declared field as a page asks for it: a check box, a drop-down of its list (the command checks
    the choice), or a text box."""
    if field.kind == inputs.FLAG:
        return BooleanField(field.label)
    if field.kind == inputs.CHOICE:
        return SelectField(
            field.label,
            choices=(_any(field.unset) if field.unset else []) + _coded(field.choices),
            validate_choice=False,
        )
    return StringField(field.label)


class _DeclaredForm(FlaskForm):
    """A form asking for the ``DECLARED`` fields, in their order, and handing the command exactly them."""

    DECLARED: tuple[inputs.DirectoryField, ...] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for field in cls.DECLARED:
            setattr(cls, field.name, _asked(field))

    def data_for_command(self) -> dict[str, object]:
        """The declared fields, as typed: what the command takes (and checks)."""
        return {field.name: getattr(self, field.name).data for field in self.DECLARED}


class EntryForm(_DeclaredForm):
    DECLARED = inputs.ENTRY_FIELDS

    def set_choices(self, risk_labels: Mapping[str, str]) -> None:
        self.risk.choices = _coded(risk_labels)

    def entry_data(self) -> dict[str, object]:
        return self.data_for_command()


class EntityForm(_DeclaredForm):
    DECLARED = inputs.ENTITY_FIELDS
    places: TextAreaField  # asked after the declared fields (below)

    def entity_data(self) -> dict[str, object]:
        """The declared fields, and the operating places when the form was sent with them (left as they are
        otherwise)."""
        sent = self.places.raw_data
        return {**self.data_for_command(), **({"places": sent[0]} if sent else {})}

    def show_places(self, text: str) -> None:
        """The business's operating places, one a line, in the form as it is first shown."""
        self.places.data = text


#: 一照多址: one operating place a line, its region code then its address (the command checks each line); not a column
#: of the registry's (not declared with its fields), asked after them.
EntityForm.places = TextAreaField(_l("Operating places (one licence, several addresses)"))


class RiskLabelsForm(FlaskForm):
    risk_labels = SelectField(
        _l("Show risk classes as"),
        choices=[SelectChoice(k, v) for k, v in RISK_LABEL_STYLE_NAMES.items()],
        validate_choice=False,
    )
