"""Flask extensions, created unbound here and bound to the app in the factory (the database
object itself is :data:`spotcheck.core.database.db`)."""

from flask import Flask, current_app, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from spotcheck.platform.api_document import ChangesNameAField
from spotcheck.platform.client_address import client_key

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = Api(spec_kwargs={"extra_plugins": [ChangesNameAField()]})
talisman = Talisman()


#: Rate limits (访问频率限制) of the public forms a code unlocks: per client (a truncated keyed hash of
#: its address, never the address itself), per code and in all; in Redis when ``REDIS_URL`` is set,
#: else in the process's memory (the embedded default). A refusal is a 429 in Chinese.
class AppLimiter(Limiter):
    """Flask-Limiter keeps one storage on the limiter object, and the last app bound wins; the factory
    makes many apps in one process (the tests, the command line), each with its own storage (Redis or
    memory). So the storage and its strategy are kept on each app and read through the app being served
    (outside one, the last app bound)."""

    _KEY = "spotcheck.rate_limits"

    def init_app(self, app: Flask) -> None:
        self._binding = app.extensions.setdefault(self._KEY, {})
        try:
            super().init_app(app)
        finally:
            self._binding = None

    def _kept(self) -> dict[str, object]:
        if getattr(self, "_binding", None) is not None:
            return self._binding
        if has_app_context() and self._KEY in current_app.extensions:
            return current_app.extensions[self._KEY]
        return self.__dict__.setdefault("_last", {})

    def _keep(self, name: str, value: object) -> None:
        self._kept()[name] = value
        self.__dict__.setdefault("_last", {})[name] = value

    _storage = property(lambda self: self._kept().get("storage"), lambda self, value: self._keep("storage", value))
    _limiter = property(lambda self: self._kept().get("limiter"), lambda self, value: self._keep("limiter", value))


limiter = AppLimiter(key_func=client_key, default_limits=[], headers_enabled=True)
