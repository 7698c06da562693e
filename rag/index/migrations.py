"""Numbered manifest migrations: older storage layouts, converted once.

Each migration is a function ``mNNN_what(manifest)``, registered in order for the kind of
manifest it converts ("sqlite" or "chroma"). A manifest applies, on first use, those it has
not applied yet, in order, and records each once it succeeds: the list of names is the
``migrations`` row of the ``info`` table in SQLite, the ``migrations`` record on a server.

A migration must be harmless to repeat: a process killed before the record is written runs
it again, and so may another process opening the same index at the same moment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rag.index.manifest import ChromaManifest, Manifest, SQLiteManifest

LEGACY_JSON = "manifest.json"  # the whole manifest in one file, before manifest.sqlite
LEGACY_RECORD = "manifest"  # the whole server-side manifest in one record, before doc:/alias:

F = TypeVar("F", bound=Callable[..., None])
_NAME = re.compile(r"m(\d{3})_\w+")


@dataclass(frozen=True)
class Migration:
    """One registered migration."""

    name: str
    kind: str
    run: Callable[[Any], None]

    @property
    def number(self) -> int:
        """The NNN of ``mNNN_what``."""
        return int(self.name[1:4])


class Migrations:
    """Migrations registered in order, each applied once per manifest and recorded."""

    def __init__(self) -> None:
        self.registered: list[Migration] = []

    def register(self, kind: str) -> Callable[[F], F]:
        """Decorator: register ``mNNN_what`` for manifests of ``kind``, after every earlier one.

        Raises:
            ValueError: the name is not ``mNNN_what``, or its number does not follow the last.
        """

        def add(fn: F) -> F:
            if not _NAME.fullmatch(fn.__name__):
                raise ValueError(f"a migration is named mNNN_what, not {fn.__name__!r}")
            migration = Migration(fn.__name__, kind, fn)
            if self.registered and migration.number <= self.registered[-1].number:
                raise ValueError(
                    f"{fn.__name__} registered after {self.registered[-1].name}: "
                    f"numbers must increase"
                )
            self.registered.append(migration)
            return fn

        return add

    def pending(self, kind: str, applied: Collection[str]) -> list[Migration]:
        """The migrations of ``kind`` not in ``applied``, in order."""
        return [m for m in self.registered if m.kind == kind and m.name not in applied]

    def apply(self, manifest: Manifest) -> list[str]:
        """Run ``manifest``'s pending migrations in order, recording each; returns their names.

        A migration that raises is not recorded, nor are the ones after it: the next use
        tries again.
        """
        applied = manifest.applied_migrations()
        done: list[str] = []
        for migration in self.pending(manifest.kind, applied):
            migration.run(manifest)
            applied = [*applied, migration.name]
            manifest.record_migrations(applied)
            done.append(migration.name)
        return done


MIGRATIONS = Migrations()


def _split(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(documents, aliases, info) of a whole-manifest JSON object."""
    info = {k: v for k, v in raw.items() if k not in ("documents", "aliases")}
    return raw.get("documents", {}), raw.get("aliases", {}), info


@MIGRATIONS.register("sqlite")
def m001_import_manifest_json(manifest: SQLiteManifest) -> None:
    """Rows from ``manifest.json`` (one file rewritten on every change), then delete it."""
    legacy = manifest.home / LEGACY_JSON
    try:
        raw = json.loads(legacy.read_text(encoding="utf-8") or "{}")
    except FileNotFoundError:  # a newer index, or another process imported it first
        return
    docs, aliases, info = _split(raw)
    with manifest.transaction() as db:
        for table, rows in (("documents", docs), ("aliases", aliases), ("info", info)):
            db.executemany(
                f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in rows.items()],
            )
    legacy.unlink(missing_ok=True)


@MIGRATIONS.register("chroma")
def m002_import_manifest_record(manifest: ChromaManifest) -> None:
    """Records ``doc:ID``, ``alias:ID`` and ``info`` from the single ``manifest`` record."""
    legacy = manifest.get_record(LEGACY_RECORD)
    if legacy is None:
        return
    docs, aliases, info = _split(json.loads(legacy))
    manifest.put_records({f"doc:{k}": json.dumps(v) for k, v in docs.items()}, "doc")
    manifest.put_records({f"alias:{k}": json.dumps(v) for k, v in aliases.items()}, "alias")
    manifest.put_records({"info": json.dumps({"revision": 0, **info})}, "info")
    manifest.collection.delete(ids=[LEGACY_RECORD])
