"""Reading the deployment files (部署文件) for their tests: the compose file parsed with PyYAML, each
command a service runs split into programs, the Dockerfile's instructions, gunicorn's arguments."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import yaml
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "spotcheck"

SERVICES = ("postgres", "redis", "web", "worker", "beat")
SHELLS = ("sh", "bash", "/bin/sh", "/bin/bash")
SHELL_OPERATORS = ("&&", "||", ";", "|", "&")
#: Variables read by Python, pip or the base image rather than by Spotcheck.
NOT_APP_VARIABLES = re.compile(r"^(PYTHON|PIP_|PATH$|LANG$|LC_)")


# ---------------------------------------------------------------------------- parsing


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def load_scripts() -> dict:
    with PYPROJECT.open("rb") as fh:
        return tomllib.load(fh)["project"].get("scripts", {})


def split_shell(text: str) -> list[list[str]]:
    """Split a shell command line into the argv of each simple command (``a && b; c``)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    programs: list[list[str]] = [[]]
    for token in lexer:
        if token in SHELL_OPERATORS:
            programs.append([])
        else:
            programs[-1].append(token)
    return [argv for argv in programs if argv]


def programs_of(command: str | list[str]) -> list[list[str]]:
    """The argv of every program a compose ``command`` (string or list form) runs."""
    argv = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    if argv and argv[0] in SHELLS:
        assert len(argv) >= 3 and argv[1] == "-c", f"unsupported shell invocation: {argv!r}"
        programs = split_shell(argv[2])
    else:
        programs = [argv]
    result = []
    for program in programs:
        while program and program[0] in ("exec", "env"):
            program = program[1:]
        if program:
            result.append(program)
    return result


def commanded_services() -> list[tuple[str, list[str]]]:
    """``(service, argv)`` for every program every service with a command runs."""
    found = []
    for name, service in load_compose()["services"].items():
        if "command" in service:
            found.extend((name, argv) for argv in programs_of(service["command"]))
    return found


def dockerfile_instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, with line continuations joined and comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    if current:
        logical.append(current)
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in logical]


def dockerfile_cmd() -> list[str]:
    cmds = [args for instruction, args in dockerfile_instructions() if instruction == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    args = cmds[-1]
    assert args.lstrip().startswith("["), "CMD should use the exec (JSON) form so gunicorn is PID 1"
    return json.loads(args)


def dockerfile_env() -> dict[str, str]:
    env = {}
    for instruction, args in dockerfile_instructions():
        if instruction == "ENV":
            for item in shlex.split(args):
                key, sep, value = item.partition("=")
                assert sep, f"use ENV KEY=value, not the legacy form: {args!r}"
                env[key] = value
    return env


def gunicorn_args(argv: list[str]):
    assert argv[0] == "gunicorn"
    return Config(prog="gunicorn").parser().parse_args(argv[1:])


def gunicorn_target(argv: list[str]) -> str:
    parsed = gunicorn_args(argv)
    assert len(parsed.args) == 1, f"gunicorn needs exactly one APP_MODULE: {argv!r}"
    return parsed.args[0]


def app_source_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py"))


def app_services() -> dict[str, dict]:
    """The services that run the Spotcheck image (built from the Dockerfile)."""
    return {name: service for name, service in load_compose()["services"].items() if "build" in service}


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}
