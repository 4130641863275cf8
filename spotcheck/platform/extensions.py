"""Flask extensions, created unbound here and bound to the app in the factory (the database
object itself is :data:`spotcheck.core.database.db`)."""
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
limiter = Limiter(key_func=client_key, default_limits=[], headers_enabled=True)
