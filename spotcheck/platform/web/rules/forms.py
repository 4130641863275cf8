"""Forms of the rules document pages (一细则). They only collect input; the rules commands check it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField


class RulesTextForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text"))


class RulesFileForm(FlaskForm):
    file = FileField(_l("File (PDF, Word, WPS or OFD)"))
