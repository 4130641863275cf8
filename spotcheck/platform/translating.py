"""The templates' gettext (模板翻译): Flask-Babel's own, with the request's translations looked up once per
request instead of once per string. A page calls ``_()`` sixty times or more; Flask-Babel resolves the
locale, its name and the catalog again each time (80 µs a string on a slow machine, under a profiler: 5 ms of a
public search's 16 ms of Python). The translations are kept on the request's context with the locale they were
read for, so ``flask_babel.refresh()`` or ``force_locale`` reads them afresh."""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import get_translations


def _chosen_locale() -> Locale | None:
    """The locale Flask-Babel has chosen for this request, once it has (version 4 keeps it in ``g._flask_babel``,
    which ``refresh`` and ``force_locale`` change); None before."""
    return getattr(g.get("_flask_babel"), "babel_locale", None)


def _translations() -> NullTranslations:
    locale = _chosen_locale()
    kept = g.get("spotcheck_translations")
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    g.spotcheck_translations = (_chosen_locale(), translations)
    return translations


def install(app: Flask) -> None:
    """The Jinja environment's gettext callables, as Flask-Babel installs them (newstyle), on the cached
    translations. Call after ``babel.init_app``."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
