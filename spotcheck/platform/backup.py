"""Backup and restore (备份与恢复) of a deployment: its database, the roles it needs and its stored files.

A backup is a folder: ``database.dump`` (PostgreSQL, ``pg_dump`` custom format) or ``database.sqlite3``
(SQLite's online backup API), ``roles.sql`` (PostgreSQL: the application role, created if missing,
and the login roles that were its members), ``files/`` (everything under ``SPOTCHECK_STORAGE``) and
``manifest.json`` with the SHA-256 of each, the Alembic revision, the time and the source kind,
written last. The database is taken first: stored files are written before their row commits and
never change, so every file the dump names is copied after it (one deleted meanwhile is reported).

A restore checks every file against the manifest before it changes anything, refuses a non-empty
database or storage folder unless forced, copies the files, creates the roles, then restores the
database (``pg_restore`` in one transaction, owned by the restoring user, the grants to the
application role kept).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from spotcheck.platform.operations_check import file_problems, sha256_of, stored_files

FORMAT = "spotcheck-backup/1"
MANIFEST = "manifest.json"
FILES = "files"


class BackupRefusedError(RuntimeError):
    """The backup or restore cannot go on; nothing was changed (the message says why)."""


def _kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupRefusedError(f"cannot back up a {name} database")
    return name


def _libpq(url: str) -> str:
    """The URL as ``pg_dump``/``pg_restore`` read it (no SQLAlchemy driver name, and no password: that goes
    in the environment, never on a command line another user of the server can read)."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _password_env(url: str) -> dict | None:
    """The environment of a client tool: the URL's password as ``PGPASSWORD`` (``None``: inherit as is)."""
    password = make_url(url).password
    return None if password is None else {**os.environ, "PGPASSWORD": str(password)}


def _owner_engine(url: str, database: str | None = None) -> sa.Engine:
    """A connection as the login role itself (never the app's engine, which switches to the app role)."""
    target = make_url(url)
    if database:
        target = target.set(database=database)
    return sa.create_engine(target, poolclass=sa.pool.NullPool)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_role_sql(name: str) -> str:
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(name)}) THEN "
        f"CREATE ROLE {_quoted(name)} NOLOGIN; END IF; END $$;\n"
    )


def roles_sql(url: str, app_role: str) -> str:
    """The roles the database needs, as SQL a restore runs: the application role (no login, owns
    nothing) and the roles that were its members (created without login when missing: give one a
    password with ALTER ROLE … LOGIN PASSWORD), with their membership."""
    with _owner_engine(url).connect() as connection:
        members = (
            connection.execute(
                sa.text(
                    "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
                    "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = :role ORDER BY m.rolname"
                ),
                {"role": app_role},
            )
            .scalars()
            .all()
        )
    lines = [
        "-- Spotcheck: the roles this database needs (spotcheck restore runs this before pg_restore).\n",
        _create_role_sql(app_role),
    ]
    for member in members:
        lines.append(f"-- {member}: a member of {app_role} on the source (its password is not kept)\n")
        lines.append(_create_role_sql(member))
        lines.append(f"GRANT {_quoted(app_role)} TO {_quoted(member)};\n")
    return "".join(lines)


def _grants_sql(app_role: str) -> list[str]:
    """What the migrations grant on the schema and by default (left out of the dump, which names the
    source's owner): granted again by the restoring user, who owns the restored tables."""
    role = _quoted(app_role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


def _revision(connection: sa.Connection) -> str | None:
    try:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DatabaseError:
        return None


def _run(arguments: list[str], what: str, url: str | None = None) -> None:
    try:
        done = subprocess.run(
            arguments, capture_output=True, text=True, check=False, env=_password_env(url) if url else None
        )
    except FileNotFoundError:
        raise BackupRefusedError(f"{arguments[0]} is not installed (the PostgreSQL client tools are needed)") from None
    if done.returncode != 0:
        raise BackupRefusedError(f"{what} failed: {done.stderr.strip()[-2000:]}")


def _storage_files(root: Path) -> list[Path]:
    """The stored files: everything under the folder except work in progress (``tmp/``, ``.name.partial``)."""
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and path.relative_to(root).parts[0] != "tmp"
    )


def backup(target: Path, *, url: str, storage_root: Path, app_role: str) -> dict:
    """Write a backup into ``target`` (new or empty). Returns the manifest, with ``missing``: stored
    files the database names that are not in the backup (none when all is well)."""
    kind = _kind(url)
    if target.exists() and any(target.iterdir()):
        raise BackupRefusedError(f"{target} is not empty: back up into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    named = stored_files()
    hashes: dict[str, str] = {}
    if kind == "postgresql":
        with _owner_engine(url).connect() as connection:
            revision = _revision(connection)
        (target / "roles.sql").write_text(roles_sql(url, app_role), encoding="utf-8")
        _run(
            ["pg_dump", "--format=custom", "--file", str(target / "database.dump"), "--dbname", _libpq(url)],
            "pg_dump",
            url,
        )
        hashes["roles.sql"], hashes["database.dump"] = (
            sha256_of(target / "roles.sql"),
            sha256_of(target / "database.dump"),
        )
    else:
        source = make_url(url).database
        if not source or not Path(source).is_file():
            raise BackupRefusedError(f"no SQLite database at {source}")
        reading, written = (
            sqlite3.connect(f"file:{source}?mode=ro", uri=True),
            sqlite3.connect(target / "database.sqlite3"),
        )
        try:
            reading.backup(written)  # the online backup API: a consistent copy while the platform runs
            revision = (written.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
        finally:
            reading.close()
            written.close()
        hashes["database.sqlite3"] = sha256_of(target / "database.sqlite3")
    for path in _storage_files(storage_root):
        relative = path.relative_to(storage_root).as_posix()
        copy = target / FILES / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        hashes[f"{FILES}/{relative}"] = sha256_of(copy)
    missing = file_problems(named, target / FILES)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": kind,
        "alembic_revision": revision,
        "app_role": app_role,
        "files": hashes,
        "missing": missing,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict:
    """The manifest, after checking every file of the backup against it (a file missing, altered or
    not listed refuses, naming it)."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        files = dict(manifest["files"])
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format {manifest.get('format')!r}, not {FORMAT}")
    except (OSError, ValueError, KeyError, TypeError) as failed:
        raise BackupRefusedError(
            f"{source / MANIFEST} cannot be read ({failed}): not a complete Spotcheck backup"
        ) from None
    for name, expected in files.items():
        path = source / name
        if ".." in Path(name).parts or not path.is_file():
            raise BackupRefusedError(f"the backup is not intact: {name} is missing")
        if sha256_of(path) != expected:
            raise BackupRefusedError(f"the backup is not intact: {name} does not match its SHA-256 in the manifest")
    listed = {source / name for name in files}
    extra = [path for path in _storage_files(source / FILES) if path not in listed]
    if extra:
        raise BackupRefusedError(
            f"the backup is not intact: {extra[0].relative_to(source).as_posix()} is not in the manifest"
        )
    return manifest


def _pg_has_tables(url: str) -> bool:
    database = make_url(url).database
    try:
        with _owner_engine(url).connect() as connection:
            return bool(
                connection.execute(sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
            )
    except sa.exc.OperationalError as failed:
        if "does not exist" not in str(failed.orig):
            raise
    with _owner_engine(url, "postgres").connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f"CREATE DATABASE {_quoted(str(database))}"))  # a new cluster: the database too
    return False


def restore(source: Path, *, url: str, storage_root: Path, app_role: str, force: bool = False) -> dict:
    """Restore the backup in ``source`` onto the database of ``url`` and the folder ``storage_root``."""
    kind = _kind(url)
    manifest = read_manifest(source)
    if manifest["source"] != kind:
        raise BackupRefusedError(f"this is a backup of a {manifest['source']} database; DATABASE_URL is {kind}")
    if manifest.get("app_role", app_role) != app_role:
        raise BackupRefusedError(
            f"the backup's application role is {manifest['app_role']}, SPOTCHECK_DB_ROLE is "
            f"{app_role}: set SPOTCHECK_DB_ROLE={manifest['app_role']}"
        )
    if kind == "postgresql":
        occupied = _pg_has_tables(url)
    else:
        target = Path(make_url(url).database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(target)
        try:
            occupied = bool(connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
        finally:
            connection.close()
    if occupied and not force:
        raise BackupRefusedError("the database is not empty: restore onto an empty one, or give --force to replace it")
    if _storage_files(storage_root) and not force:
        raise BackupRefusedError(
            f"the storage folder {storage_root} is not empty: restore into an empty one, or give --force"
        )
    copied = _copy_files(source, manifest, storage_root)
    try:
        if kind == "postgresql":
            _restore_postgresql(source, url, app_role, clean=occupied)
        else:
            backup_copy, restored = sqlite3.connect(source / "database.sqlite3"), sqlite3.connect(target)
            try:
                backup_copy.backup(restored)
            finally:
                backup_copy.close()
                restored.close()
    except BaseException:
        if not force:  # the folder was empty: leave it so, for the next try
            for path in copied:
                path.unlink(missing_ok=True)
        raise
    return manifest


def _copy_files(source: Path, manifest: dict, storage_root: Path) -> list[Path]:
    """Copy the stored files in place (under a temporary name, then renamed), each checked again."""
    copied = []
    for name, expected in manifest["files"].items():
        if not name.startswith(f"{FILES}/"):
            continue
        target = storage_root / name[len(FILES) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.copy2(source / name, partial)
        if sha256_of(partial) != expected:
            partial.unlink(missing_ok=True)
            raise BackupRefusedError(f"{name} changed while it was copied: its SHA-256 differs from the manifest")
        partial.replace(target)
        copied.append(target)
    return copied


def _restore_postgresql(source: Path, url: str, app_role: str, *, clean: bool) -> None:
    engine = _owner_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql((source / "roles.sql").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        listing = subprocess.run(
            ["pg_restore", "--list", str(source / "database.dump")], capture_output=True, text=True, check=False
        )
        if listing.returncode != 0:
            raise BackupRefusedError(f"pg_restore --list failed: {listing.stderr.strip()[-2000:]}")
        kept = Path(work) / "list"  # the default privileges name the source's owner: granted again below
        kept.write_text(
            "\n".join(line for line in listing.stdout.splitlines() if " DEFAULT ACL " not in line), encoding="utf-8"
        )
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *(["--clean", "--if-exists"] if clean else []),
                "--use-list",
                str(kept),
                "--dbname",
                _libpq(url),
                str(source / "database.dump"),
            ],
            "pg_restore",
            url,
        )
    with engine.begin() as connection:
        for statement in _grants_sql(app_role):
            connection.exec_driver_sql(statement)
    engine.dispose()
