"""Forms of the inspector directory and the rules document pages (they only collect input; the
commands validate it)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from spotcheck.platform.web.forms import MultiCheckboxField
from spotcheck.tenants.common.vocabulary import reference


def _sex_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("— choose —"))] + [SelectChoice(code, name) for code, name in reference.SEXES.items()]


def _category_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in reference.ENFORCEMENT_CATEGORIES.items()]


class InspectorForm(FlaskForm):
    name = StringField(_l("Full name"))
    sex = SelectField(_l("Sex"), choices=_sex_choices())
    id_number = StringField(_l("Resident ID number"))
    agency = StringField(_l("Enforcement agency (full name)"))
    post = StringField(_l("Post"))
    cert_no = StringField(_l("Enforcement certificate number"))
    cert_expires_on = StringField(_l("Certificate valid until"))
    categories = MultiCheckboxField(_l("Enforcement categories"), choices=_category_choices())
    region = StringField(_l("Enforcement region"))
    expertise = StringField(_l("Expertise"))
    is_expert = BooleanField(_l("Expert (专家): joins a team in addition to the required inspectors"))
    active = BooleanField(_l("Active"), default=True)

    def service_data(self) -> dict[str, object]:
        """What the service expects; an empty ID number leaves a stored one unchanged."""
        return {
            "name": self.name.data,
            "sex": self.sex.data,
            "id_number": (self.id_number.data or "").strip(),
            "agency": self.agency.data,
            "post": self.post.data,
            "cert_no": self.cert_no.data,
            "cert_expires_on": self.cert_expires_on.data,
            "categories": self.categories.data or [],
            "region": self.region.data,
            "expertise": self.expertise.data,
            "is_expert": self.is_expert.data,
            "active": self.active.data,
        }


class RecusalForm(FlaskForm):
    entity_code = StringField(_l("Unified social credit code of the entity"))
    reason = StringField(_l("Reason"))
