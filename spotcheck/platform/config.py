"""Configuration read from the environment (配置).

Every setting has an environment variable of the same name; ``create_app(config=...)``
overrides them (tests do). With nothing set, Spotcheck runs embedded: SQLite under
``instance/`` and Celery's queue in files under ``instance/queue`` (kombu's filesystem transport),
served by the worker ``spotcheck run`` starts beside the web server — so no request waits on a
job. Under testing, without ``REDIS_URL``, jobs run eagerly in the test's process.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, overload
from urllib.parse import urlsplit

from spotcheck.core import passwords

#: The secret key used when none is configured; refused outside development and tests.
DEFAULT_SECRET_KEY = "spotcheck-development-only-secret"

#: The PostgreSQL role the application works as; it owns no table, so row-level security binds it.
DEFAULT_DB_ROLE = "spotcheck_app"
#: What a role name may be (``SPOTCHECK_DB_ROLE``): it is written into SQL as an identifier.
DB_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

REPO_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


@overload
def _env(name: str, default: str) -> str: ...
@overload
def _env(name: str, default: None = None) -> str | None: ...
def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings dictionary from the environment, then apply ``overrides``."""
    overrides = dict(overrides or {})
    env = overrides.get("SPOTCHECK_ENV") or _env("SPOTCHECK_ENV", "production")
    database_url = overrides.get("DATABASE_URL") or _env(
        "DATABASE_URL", f"sqlite:///{Path(instance_path) / 'spotcheck.db'}"
    )
    redis_url = overrides.get("REDIS_URL", _env("REDIS_URL"))
    cfg: dict[str, Any] = {
        "SPOTCHECK_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": _env("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SPOTCHECK_DATA_KEY": _env("SPOTCHECK_DATA_KEY"),
        "UPLOAD_MAX_BYTES": int(_env("UPLOAD_MAX_MB", "20")) * 1024 * 1024,  # documents
        "IMPORT_MAX_BYTES": int(_env("IMPORT_MAX_MB", "300")) * 1024 * 1024,  # spreadsheets (a million rows)
        "MAX_CONTENT_LENGTH": int(_env("IMPORT_MAX_MB", "300")) * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,  # long rules texts
        # An uploaded workbook is refused before it is unpacked when it would unpack to more than this,
        # or when its table of shared texts (held in memory whole by any reader) is larger.
        "IMPORT_MAX_UNPACKED_MB": int(_env("IMPORT_MAX_UNPACKED_MB", "1024")),
        "IMPORT_MAX_SHARED_STRINGS_MB": int(_env("IMPORT_MAX_SHARED_STRINGS_MB", "64")),
        "DATABASE_URL": database_url,
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(database_url),
        "SPOTCHECK_DB_ROLE": _env("SPOTCHECK_DB_ROLE", DEFAULT_DB_ROLE),
        "REDIS_URL": redis_url,
        "SPOTCHECK_MIGRATIONS": _env("SPOTCHECK_MIGRATIONS", str(REPO_ROOT / "migrations")),
        # Files every process reads (uploads, documents, generated files): shared by web, worker and beat.
        "SPOTCHECK_STORAGE": _env("SPOTCHECK_STORAGE", str(Path(instance_path) / "storage")),
        # Durable jobs: a job queued longer than this is queued again by the periodic check; a running
        # job whose worker has not reported for the lease is taken as lost and queued again; after so
        # many dispatches it is failed.
        "SPOTCHECK_JOB_QUEUED_SECONDS": int(_env("SPOTCHECK_JOB_QUEUED_SECONDS", "300")),
        "SPOTCHECK_JOB_LEASE_SECONDS": int(_env("SPOTCHECK_JOB_LEASE_SECONDS", "900")),
        "SPOTCHECK_JOB_MAX_DISPATCHES": int(_env("SPOTCHECK_JOB_MAX_DISPATCHES", "5")),
        # An export's file (it may hold personal data) is deleted so many hours after the export (hourly beat).
        "SPOTCHECK_EXPORT_FILE_HOURS": int(_env("SPOTCHECK_EXPORT_FILE_HOURS", "72")),
        # Tests only (SPOTCHECK_ENV=testing, refused elsewhere): the modules of tests/support, comma-separated,
        # that a Celery worker imports at start (spotcheck/worker.py) — e.g. a job's pause point, so that a
        # test can kill its worker mid-job at a known point (tests/support/job_pause.py).
        "SPOTCHECK_TEST_MODULES": _env("SPOTCHECK_TEST_MODULES", ""),
        # Notices (通知): e-mail through this SMTP server when set (none: inbox and SMS only); SMS through
        # the adapter named "module:attribute" (default: one that writes to the log, for a gateway to
        # be plugged in); a failed send is tried again after 1, 5, 25… minutes, this many times at most.
        "SPOTCHECK_SMTP_HOST": _env("SPOTCHECK_SMTP_HOST", ""),
        "SPOTCHECK_SMTP_PORT": int(_env("SPOTCHECK_SMTP_PORT", "25")),
        "SPOTCHECK_SMTP_FROM": _env("SPOTCHECK_SMTP_FROM", "spotcheck@localhost"),
        "SPOTCHECK_SMS_ADAPTER": _env("SPOTCHECK_SMS_ADAPTER", "spotcheck.tenants.notices.channels:LoggingSms"),
        "SPOTCHECK_DELIVERY_MAX_ATTEMPTS": int(_env("SPOTCHECK_DELIVERY_MAX_ATTEMPTS", "5")),
        # Credit-system export (信用信息共享): batches are POSTed to this endpoint when it is set, else
        # written into this folder (one sub-folder per department; unset: <SPOTCHECK_STORAGE>/credit-export);
        # at most this many records a batch.
        "SPOTCHECK_EXPORT_URL": _env("SPOTCHECK_EXPORT_URL", ""),
        "SPOTCHECK_EXPORT_TOKEN": _env("SPOTCHECK_EXPORT_TOKEN", ""),
        "SPOTCHECK_EXPORT_DIR": _env("SPOTCHECK_EXPORT_DIR", ""),
        "SPOTCHECK_EXPORT_TIMEOUT": int(_env("SPOTCHECK_EXPORT_TIMEOUT", "30")),
        "SPOTCHECK_EXPORT_BATCH_SIZE": int(_env("SPOTCHECK_EXPORT_BATCH_SIZE", "100000")),
        # Where the public reaches the portal: the inspection code's QR (检查码) on a notice a worker writes
        # carries this address, as no request names the host there. No default in production: a deployment that
        # forgot it would print codes that lead nowhere (its serving processes refuse to start, require_public_address).
        "SPOTCHECK_PUBLIC_BASE_URL": _env(
            "SPOTCHECK_PUBLIC_BASE_URL", "" if env == "production" else "http://127.0.0.1:5000"
        ),
        # Behind a reverse proxy: how many proxies in front of the app set X-Forwarded-For (0: none).
        "SPOTCHECK_PROXY_HOPS": int(_env("SPOTCHECK_PROXY_HOPS", "0")),
        # Rate limits of the inspection codes' public pages (检查码核验): per client, per code, and in all.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # (the suite's walks ask for every page from one address: its own limit test sets a low one)
        "SPOTCHECK_CODE_LIMIT_PER_CLIENT": _env(
            "SPOTCHECK_CODE_LIMIT_PER_CLIENT", "1000/minute" if env == "testing" else "30/minute;300/day"
        ),
        "SPOTCHECK_CODE_LIMIT_PER_CODE": _env("SPOTCHECK_CODE_LIMIT_PER_CODE", "60/minute"),
        # The scans of the codes' pages are written together at most this often (seconds; 0: at once).
        "SPOTCHECK_SCAN_FLUSH_SECONDS": int(_env("SPOTCHECK_SCAN_FLUSH_SECONDS", "0" if env == "testing" else "60")),
        "SPOTCHECK_CODE_LIMIT_ALL": _env("SPOTCHECK_CODE_LIMIT_ALL", "3000/minute"),
        # Sessions: 30 minutes idle at most (等保2.0 三级: 登录超时).
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(_env("SESSION_IDLE_MINUTES", "30"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=int(_env("SESSION_IDLE_MINUTES", "30"))),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env("SESSION_COOKIE_SECURE", "0") == "1",
        # Login lockout (登录失败处理).
        "LOGIN_MAX_FAILURES": int(_env("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(_env("LOGIN_LOCK_MINUTES", "15")),
        # A second factor (两步验证, TOTP) for the administrators (平台管理员、部门管理员): required in production
        # (one without it is sent to set it up at the next sign-in), offered to every user everywhere.
        "SECOND_FACTOR_REQUIRED": env == "production",
        # Argon2id parameters of new password hashes: the cheap ones under testing only (tests sign in
        # hundreds of times), refused anywhere else by check_config.
        "PASSWORD_HASHING": dict(passwords.FAST if env == "testing" else passwords.STRONG),
        # Whether a commit waits for the disk (持久提交): always, except under testing, where a crash
        # loses nothing of value (SQLite ``synchronous=OFF``, PostgreSQL ``synchronous_commit=off``:
        # the same transactions and locks, only the flush to disk is not awaited). Refused elsewhere.
        "DATABASE_DURABLE": env != "testing",
        # A trial's date (演示日期, YYYY-MM-DD): a development instance lives on that day, its clock
        # running on from there (a campaign window still to come walked to its results). Refused elsewhere.
        "SPOTCHECK_TODAY": _env("SPOTCHECK_TODAY", ""),
        # Sign-in through the city's identity platform (统一身份认证, OpenID Connect): the provider's issuer, this
        # deployment's client there, the claim naming the person, and, optionally, a stable unique claim to link by
        # instead of ``sub`` (kept only as its keyed digest: a 身份证号 never stored as it is). The discovery document
        # is read from <issuer>/.well-known/openid-configuration unless another address is given. Unset: no button.
        "SPOTCHECK_OIDC_ISSUER": _env("SPOTCHECK_OIDC_ISSUER", "").rstrip("/"),
        "SPOTCHECK_OIDC_CLIENT_ID": _env("SPOTCHECK_OIDC_CLIENT_ID", ""),
        "SPOTCHECK_OIDC_CLIENT_SECRET": _env("SPOTCHECK_OIDC_CLIENT_SECRET", ""),
        "SPOTCHECK_OIDC_METADATA_URL": _env("SPOTCHECK_OIDC_METADATA_URL", ""),
        "SPOTCHECK_OIDC_SCOPE": _env("SPOTCHECK_OIDC_SCOPE", "openid profile"),
        "SPOTCHECK_OIDC_NAME_CLAIM": _env("SPOTCHECK_OIDC_NAME_CLAIM", "name"),
        "SPOTCHECK_OIDC_LINK_CLAIM": _env("SPOTCHECK_OIDC_LINK_CLAIM", ""),
        # Seconds of clock difference tolerated on an ID token's times (exp, iat).
        "SPOTCHECK_OIDC_LEEWAY": int(_env("SPOTCHECK_OIDC_LEEWAY", "60")),
        # A provider signing in legal persons (法人), for the businesses' sign-in: its issuer and client, and the claim
        # carrying the business's 统一社会信用代码 — read from this issuer's ID tokens only, never the staff one's.
        "SPOTCHECK_OIDC_BUSINESS_ISSUER": _env("SPOTCHECK_OIDC_BUSINESS_ISSUER", "").rstrip("/"),
        "SPOTCHECK_OIDC_BUSINESS_CLIENT_ID": _env("SPOTCHECK_OIDC_BUSINESS_CLIENT_ID", ""),
        "SPOTCHECK_OIDC_BUSINESS_CLIENT_SECRET": _env("SPOTCHECK_OIDC_BUSINESS_CLIENT_SECRET", ""),
        "SPOTCHECK_OIDC_BUSINESS_METADATA_URL": _env("SPOTCHECK_OIDC_BUSINESS_METADATA_URL", ""),
        "SPOTCHECK_OIDC_BUSINESS_SCOPE": _env("SPOTCHECK_OIDC_BUSINESS_SCOPE", "openid profile"),
        "SPOTCHECK_OIDC_CREDIT_CODE_CLAIM": _env("SPOTCHECK_OIDC_CREDIT_CODE_CLAIM", "credit_code"),
        # Password sign-in of staff (密码登录): "off" once everyone signs in through the identity platform; the
        # platform administrator (the break-glass account) still may.
        "SPOTCHECK_PASSWORD_LOGIN": _env("SPOTCHECK_PASSWORD_LOGIN", "on"),
        # The formats of enforcement certificate numbers by issuing body (执法证号格式): a TOML file of the form of
        # spotcheck/tenants/inspectors/certificate_formats.toml (the default, which lists none).
        "SPOTCHECK_CERTIFICATE_FORMATS": _env("SPOTCHECK_CERTIFICATE_FORMATS", ""),
        # How long an account link code (账号关联码: the hand-out sheet of accounts made without a password) is valid.
        "SPOTCHECK_ACCOUNT_LINK_CODE_HOURS": int(_env("SPOTCHECK_ACCOUNT_LINK_CODE_HOURS", "24")),
        # CSRF is checked by the platform itself so bearer-token API calls can skip it.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh_CN", "en"),
        "API_TITLE": "Spotcheck",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "CELERY": _celery_settings(redis_url, env, instance_path),
    }
    cfg.update(overrides)
    cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(cfg["DATABASE_URL"])
    if "CELERY" not in overrides:
        cfg["CELERY"] = _celery_settings(cfg["REDIS_URL"], env, instance_path)
    check_config(cfg)
    return cfg


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: The Celery settings every queue shares: jobs keep their outcome in the database (no result
#: backend round trip), a job is acknowledged once done (a worker that dies leaves it to another),
#: one job at a time per worker process.
_QUEUED = {
    "task_ignore_result": True,
    "task_acks_late": True,
    "worker_prefetch_multiplier": 1,
    "broker_connection_retry_on_startup": True,
    "timezone": "Asia/Shanghai",
}


def embedded_queue(instance_path: str) -> Path:
    """The folder of the embedded queue's messages (嵌入式队列)."""
    return Path(instance_path) / "queue"


def _celery_settings(redis_url: str | None, env: str = "production", instance_path: str = "instance") -> dict:
    publishing = {
        "task_default_queue": _env("SPOTCHECK_CELERY_QUEUE", "spotcheck"),
        "broker_connection_timeout": 3,
        # publishing retries briefly, then the job waits queued for the periodic check
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
    }
    if redis_url:  # own queue per deployment (or test run) so several can share one Redis
        return {**_QUEUED, **publishing, "broker_url": redis_url, "result_backend": redis_url}
    if env != "testing":  # embedded: a queue in files, served by the worker ``spotcheck run`` starts
        folder = embedded_queue(instance_path)
        return {
            **_QUEUED,
            **publishing,
            "broker_url": "filesystem://",
            "broker_transport_options": {
                "data_folder_in": str(folder / "messages"),
                "data_folder_out": str(folder / "messages"),
                "control_folder": str(folder / "control"),
                "store_processed": False,
            },
        }
    return {
        "task_always_eager": True,
        "task_eager_propagates": True,
        "broker_url": "memory://",
        "result_backend": "cache+memory://",
        "timezone": "Asia/Shanghai",
    }


def check_config(cfg: dict) -> None:
    """Refuse unsafe settings: a default secret key outside development and tests, a database role
    name that is not a plain identifier."""
    if not DB_ROLE_NAME.match(cfg["SPOTCHECK_DB_ROLE"] or ""):
        raise ConfigError(
            f"SPOTCHECK_DB_ROLE must be lower-case letters, digits and _ (a PostgreSQL role name), "
            f"not {cfg['SPOTCHECK_DB_ROLE']!r}"
        )
    if cfg["SPOTCHECK_ENV"] not in ("production", "development", "testing"):
        raise ConfigError(f"SPOTCHECK_ENV must be production, development or testing, not {cfg['SPOTCHECK_ENV']!r}")
    if cfg["SPOTCHECK_ENV"] != "testing" and cfg.get("SPOTCHECK_TEST_MODULES"):
        raise ConfigError("SPOTCHECK_TEST_MODULES is for SPOTCHECK_ENV=testing only")
    if cfg["SPOTCHECK_ENV"] != "testing" and cfg["PASSWORD_HASHING"] != passwords.STRONG:
        raise ConfigError("PASSWORD_HASHING other than Argon2id's strong parameters is for SPOTCHECK_ENV=testing only")
    if cfg["SPOTCHECK_TODAY"]:
        if cfg["SPOTCHECK_ENV"] != "development":
            raise ConfigError("SPOTCHECK_TODAY (a trial's date) is for SPOTCHECK_ENV=development only")
        try:
            date.fromisoformat(cfg["SPOTCHECK_TODAY"])
        except ValueError:
            raise ConfigError(f"SPOTCHECK_TODAY must be a date as YYYY-MM-DD, not {cfg['SPOTCHECK_TODAY']!r}") from None
    _check_identity_platform(cfg)
    _check_certificate_formats(cfg)
    if cfg["SPOTCHECK_ENV"] != "testing" and not cfg["DATABASE_DURABLE"]:
        raise ConfigError("DATABASE_DURABLE off (commits not awaited on disk) is for SPOTCHECK_ENV=testing only")
    if cfg["SPOTCHECK_ENV"] == "production" and (
        cfg["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(cfg["SECRET_KEY"]) < 32
    ):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(set SPOTCHECK_ENV=development for a local trial)"
        )


def _check_certificate_formats(cfg: dict) -> None:
    """The file of enforcement certificate formats (``SPOTCHECK_CERTIFICATE_FORMATS``) is read at start: a file that
    cannot be read stops the start, saying why, rather than the first inspector's entry."""
    path = cfg.get("SPOTCHECK_CERTIFICATE_FORMATS")
    if not path:
        return
    from spotcheck.tenants.inspectors.certificates import (  # the platform layer loads the domain only at start
        FormatsFileError,
        read_formats,
    )

    try:
        read_formats(str(path))
    except FormatsFileError as error:
        raise ConfigError(f"SPOTCHECK_CERTIFICATE_FORMATS: {error}") from None


def _check_identity_platform(cfg: dict) -> None:
    """The identity platform's settings (统一身份认证): each provider complete, its issuer an https address in
    production, the legal persons' provider another than the staff's, and passwords turned off only with a provider."""
    if cfg["SPOTCHECK_PASSWORD_LOGIN"] not in ("on", "off"):
        raise ConfigError(f"SPOTCHECK_PASSWORD_LOGIN must be on or off, not {cfg['SPOTCHECK_PASSWORD_LOGIN']!r}")
    for prefix in ("SPOTCHECK_OIDC_", "SPOTCHECK_OIDC_BUSINESS_"):
        issuer = cfg[prefix + "ISSUER"]
        if not issuer:
            continue
        if not cfg[prefix + "CLIENT_ID"] or not cfg[prefix + "CLIENT_SECRET"]:
            raise ConfigError(f"{prefix}ISSUER is set: set {prefix}CLIENT_ID and {prefix}CLIENT_SECRET too")
        scheme = urlsplit(issuer).scheme
        if scheme != "https" and not (scheme == "http" and cfg["SPOTCHECK_ENV"] != "production"):
            raise ConfigError(f"{prefix}ISSUER must be an https address, not {issuer!r}")
    if cfg["SPOTCHECK_OIDC_BUSINESS_ISSUER"] and cfg["SPOTCHECK_OIDC_BUSINESS_ISSUER"] == cfg["SPOTCHECK_OIDC_ISSUER"]:
        raise ConfigError(
            "SPOTCHECK_OIDC_BUSINESS_ISSUER must be another provider than the staff's SPOTCHECK_OIDC_ISSUER"
        )
    if not 1 <= cfg["SPOTCHECK_ACCOUNT_LINK_CODE_HOURS"] <= 24 * 30:
        raise ConfigError("SPOTCHECK_ACCOUNT_LINK_CODE_HOURS must be a number of hours from 1 to 720")
    if cfg["SPOTCHECK_PASSWORD_LOGIN"] == "off" and not cfg["SPOTCHECK_OIDC_ISSUER"]:
        raise ConfigError("SPOTCHECK_PASSWORD_LOGIN=off needs the identity platform: set SPOTCHECK_OIDC_ISSUER")


#: Host names that are this machine whatever the network (a QR code carrying one leads nowhere).
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def numeric_host(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as digits stands for, read as a browser and ``inet_aton`` read it: an IPv6
    literal, or one to four dot-separated numbers each decimal, octal (a leading 0) or hexadecimal (0x), the last
    filling the bytes left (``127.1``, ``0x7f000001``, ``2130706433``, ``017700000001``, ``10.1`` and ``0`` are all
    addresses). None: a name."""
    host = host.rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return address.ipv4_mapped
        return address
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        if part[:2] == "0x":
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        if not digits.isascii() or not digits.isalnum():
            return None
        try:
            numbers.append(int(digits, base))
        except ValueError:
            return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def local_host_problem(url: str) -> str | None:
    """Why the host of ``url`` is no address the public can reach, from its text alone (no name is looked up): this
    machine by name, or an address — however written, :func:`numeric_host` — that is loopback, private, link-local,
    unspecified or otherwise not global. None: a name, or a global address."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return (
            f"SPOTCHECK_PUBLIC_BASE_URL={url!r} names this machine ({host}): no business could open a code's "
            "page from it"
        )
    address = numeric_host(host)
    if address is None:
        return None  # a name: where it leads is `spotcheck check`'s question, not the start's
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or not address.is_global
    ):
        return (
            f"SPOTCHECK_PUBLIC_BASE_URL={url!r} is a loopback, private, link-local or unspecified address "
            f"({address}): no business outside the government's network could open a code's page from it"
        )
    return None


def public_address_problem(cfg: dict) -> str | None:
    """Why ``SPOTCHECK_PUBLIC_BASE_URL`` cannot be the address printed in every QR code, decided from its text alone
    (no name is looked up): unset, not an http(s) address, a host that is this machine or a loopback, private,
    link-local or unspecified address however written (:func:`local_host_problem`: ``127.1``, ``0x7f000001``,
    ``10.1`` and ``0`` included), a path, query or fragment (the application serves no sub-path), and — outside
    development (``SPOTCHECK_ENV``, production when unsaid) — ``http://`` or user information. None: it may."""
    url = str(cfg.get("SPOTCHECK_PUBLIC_BASE_URL") or "").strip()
    if not url:
        return (
            "SPOTCHECK_PUBLIC_BASE_URL is not set: every inspection code's QR carries this address "
            "(https://… where the public reaches the portal) and a printed code cannot be corrected"
        )
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        parts.port  # noqa: B018 - a port that is not a number is no address
    except ValueError:
        host = ""
    if parts.scheme not in ("http", "https") or not host:
        return f"SPOTCHECK_PUBLIC_BASE_URL={url!r} is not an address such as https://jiancha.example.gov.cn"
    if (local := local_host_problem(url)) is not None:
        return local
    development = cfg.get("SPOTCHECK_ENV", "production") == "development"
    if "@" in parts.netloc and not development:
        return (
            f"SPOTCHECK_PUBLIC_BASE_URL={url!r} carries user information (…@): a QR code would print it for "
            "anyone to read, and browsers warn of such addresses; give the address alone, such as "
            "https://jiancha.example.gov.cn"
        )
    if parts.scheme == "http" and not development:
        return (
            f"SPOTCHECK_PUBLIC_BASE_URL={url!r} is not https: a code's page must reach the public over https "
            "(http:// is for development only)"
        )
    if parts.path not in ("", "/") or "?" in url or "#" in url:
        return (
            f"SPOTCHECK_PUBLIC_BASE_URL={url!r} has a path, query or fragment: the application serves no "
            "sub-path, its pages are at the root of its address (give https://host[:port] alone)"
        )
    return None


def require_public_address(cfg: dict) -> None:
    """A serving process (``spotcheck run``, the WSGI app, a Celery worker or beat) refuses to start in production
    while the address every QR code carries is missing or local (:func:`public_address_problem`); the console's
    commands (``spotcheck check``, ``db upgrade``…) still run, so that an operator can find out why."""
    if cfg["SPOTCHECK_ENV"] == "production" and (problem := public_address_problem(cfg)) is not None:
        raise ConfigError(problem + " (set it before starting; see docs/operations.md, “Before going live”)")
