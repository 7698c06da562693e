"""Backends found by name: one small registry type for chat models and embedders alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from rag.errors import RagError

F = TypeVar("F", bound=Callable[..., object])


def registrar(table: dict[str, F]) -> Callable[..., Callable[[F], F]]:
    """A decorator factory that files the decorated function in ``table`` under ``names``."""

    def register(*names: str) -> Callable[[F], F]:
        def add(factory: F) -> F:
            for name in names:
                table[name] = factory  # a name registered again is replaced
            return factory

        return add

    return register


class Lookup(Generic[F]):
    """Find a factory in ``table``; an unknown name is ``error`` naming the setting to fix."""

    def __init__(self, table: dict[str, F], what: str, setting: str, error: type[RagError]):
        self.table, self.what, self.setting, self.error = table, what, setting, error

    def __call__(self, name: str) -> F:
        """The factory registered as ``name``."""
        try:
            return self.table[name]
        except KeyError:
            raise self.error(
                f"unknown {self.what} {name!r}: set {self.setting} to one of "
                f"{', '.join(self.table)}"
            ) from None
