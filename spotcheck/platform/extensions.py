"""Flask extensions, created unbound here and bound to the app in the factory (the database
object itself is :data:`spotcheck.core.database.db`)."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from spotcheck.platform.api_document import ChangesNameAField

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = Api(spec_kwargs={"extra_plugins": [ChangesNameAField()]})
talisman = Talisman()
