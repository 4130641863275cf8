"""The upload form of the spreadsheet pages. It only collects the file; the import service checks it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class SheetUploadForm(FlaskForm):
    file = FileField(_l("Filled-in file (.xlsx or .csv)"))
