"""Who acts (执行人): what commands, queries and the policy read from the acting user.

Every ``actor`` (who changes something) and ``reader`` (who reads) is an :class:`Actor`: a signed-in
:class:`~spotcheck.tenants.accounts.models.User`, or the platform acting by itself
(:class:`~spotcheck.core.policy.SystemActor`: the console, the scheduler). The kernel knows neither
the user's table nor the department's, so both are described here by what is read from them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol


class Department(Protocol):
    """The acting user's department (部门), as commands and queries read it."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def short_name(self) -> str: ...
    @property
    def full_name(self) -> str:
        """Its one full name, its place in it (宁安市市场监督管理局): what its pages and documents show."""
        ...

    @property
    def kind(self) -> enum.Enum: ...
    @property
    def risk_labels(self) -> str: ...


class Actor(Protocol):
    """The acting user: a person signed in, or the platform itself (no ``id``, no department)."""

    @property
    def id(self) -> int | None: ...
    @property
    def tenant_id(self) -> int | None: ...
    @property
    def tenant(self) -> Department | None: ...
    @property
    def login(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def roles(self) -> Sequence[str]: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def active(self) -> bool: ...
