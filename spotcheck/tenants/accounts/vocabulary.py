"""部门与用户的词汇: department kinds (部门类型), roles' names (角色), the shapes of codes, logins
and contacts, and the outcomes of a sign-in (登录) and of a session check (会话)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.policy import ROLE_LABELS, Role


class TenantKind(enum.StrEnum):
    """``lead`` is the market-regulation bureau (牵头部门), ``supervisor`` the justice bureau
    (司法局, 监督部门), every other department ``ordinary``."""

    lead = "lead"
    supervisor = "supervisor"
    ordinary = "ordinary"


TENANT_KIND_LABELS = {
    "lead": _l("Lead department (market regulation)"),
    "supervisor": _l("Supervising department (justice bureau)"),
    "ordinary": _l("Ordinary department"),
}


def role_label(code: str) -> LazyString | str:
    return ROLE_LABELS[Role(code)] if code in Role._value2member_map_ else code


#: A department's code (e.g. SCJ), a user's login.
TENANT_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
LOGIN = re.compile(r"^[a-z][a-z0-9_.-]{2,63}$")
#: One's own contacts (联系方式), where notices and reminders are also sent.
EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,100}\.[A-Za-z]{2,24}$")
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")

#: The words of a department's name as its document numbers shorten them (机关代字: 宁市监 in 宁市监抽〔2026〕1号);
#: any other name's first two characters (应急管理局 → 应急, 商务局 → 商务).
NAME_ABBREVIATIONS = (
    ("市场监督管理", "市监"),
    ("综合行政执法", "综执"),
    ("住房和城乡建设", "住建"),
    ("人力资源和社会保障", "人社"),
    ("卫生健康", "卫健"),
    ("发展和改革", "发改"),
    ("文化广电和旅游", "文旅"),
    ("文化广电旅游", "文旅"),
    ("文化和旅游", "文旅"),
)
#: The short forms a department's full name is also written in (简称): 宁安市市场监管局 for 宁安市市场监督管理局. Each
#: (words of the full name, the words written instead).
NAME_SHORT_FORMS = (
    ("市场监督管理局", "市场监管局"),
    ("综合行政执法办公室", "综合执法办"),
    ("应急管理局", "应急局"),
)
#: The endings a place's name drops when it heads a short name (宁安市 → 宁安, 葛城街道 → 葛城).
PLACE_ENDINGS = ("街道", "自治县", "自治州", "地区", "市", "县", "区", "镇", "乡", "旗", "省")

#: The first administrator's fields as a department's form and API name them.
ADMIN_FIELDS = {"login": "admin_login", "display_name": "admin_name", "password": "admin_password"}

#: What a session awaits after a right password (两步验证, ``UserSession.pending``): the second factor's code, or its
#: enrolment (an administrator without one where it is required).
AWAITS_CODE = "code"
AWAITS_ENROLMENT = "enrol"
#: A link code (关联码) of the identity platform: ten characters that cannot be mistaken for one another when read
#: out (no 0/O, 1/I/L), valid this many hours.
LINK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LINK_CODE_HOURS = 24

#: Every personal API token (个人访问令牌) starts with this.
TOKEN_PREFIX = "sct_"


#: Why a sign-in is refused to a known account, whatever signed the person in (a password, the identity platform).
ACCOUNT_LOCKED = _l("This account is locked after too many failed logins. Try again later or ask your administrator.")
ACCOUNT_DEACTIVATED = _l("This account is deactivated. Ask your administrator.")


class LoginRefusedError(Exception):
    """The login failed; ``message`` is safe to show (it never says whether the login exists)."""

    def __init__(self, message: LazyString | str, locked_until: datetime | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.locked_until = locked_until


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt's outcome: the user, or why not (recorded either way)."""

    user: object | None
    refused: LoginRefusedError | None = None
    #: The new session's secret, kept in the signed session cookie (its SHA-256 on the server).
    session_key: str | None = None
    #: What the new session still awaits before it grants anything (两步验证): ``code``, ``enrol``, or nothing.
    pending: str = ""


@dataclass(frozen=True)
class SessionCheck:
    """Who a session cookie belongs to, or why it no longer counts (``idle``, ``ended``)."""

    user: object | None
    why: str = ""
