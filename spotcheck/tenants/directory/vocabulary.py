"""The directory's words (检查对象名录库的用语): how a department shows its risk classes."""

from flask_babel import lazy_gettext as _l

RISK_LABEL_STYLE_NAMES = {
    "letters": _l("Letters: A, B, C, D"),
    "words": _l("Words: 高, 较高, 一般, 低"),
}
