"""Autocomplete over a project's registry, and finding a claimant by a typed name.

The registry is read once into an in-memory index per project and reused while the project's
registry stamp (`Project.claimant_registry_version`, renewed by every change to its
claimants or aliases) stays the same: one primary-key read per request instead of reading
20,000 claimants and 50,000 aliases.

Ranking (issue 13): exact, then prefix, then word match, a canonical name before an alias
in each tier: an exact name, an exact alias, a name starting with the query, an alias starting
with it, a name with a word starting with it, an alias with such a word. Within a tier, by
the matched text, then by id. Case is ignored by str.casefold (see registry.claimant_key).
Each tier is a sorted list searched by bisection, so a query costs O(log n + shown), not a
scan of the registry.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select

from app.claimants.registry import claimant_key
from app.extensions import db
from app.models import Claimant, ClaimantAlias, Project, User
from app.permissions import sees_all_claimants

SEARCH_LIMIT = 20
CACHED_PROJECTS = 16


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    type: str
    status: str
    created_by_id: int | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    entry: Entry
    matched: str  # the name or alias that matched the query


class _SortedKeys:
    """(folded text, claimant id, label) rows sorted by text: every row starting with q."""

    def __init__(self, rows: list[tuple[str, int, str]]):
        rows.sort()
        self.keys = [row[0] for row in rows]
        self.rows = rows

    def starting_with(self, query: str) -> Iterator[tuple[str, int, str]]:
        index = bisect_left(self.keys, query)
        while index < len(self.keys) and self.keys[index].startswith(query):
            yield self.rows[index]
            index += 1


def _word_starts(folded: str) -> Iterator[int]:
    """Where the words of `folded` begin, the first excepted."""
    for index in range(1, len(folded)):
        if folded[index].isalnum() and not folded[index - 1].isalnum():
            yield index


class RegistryIndex:
    def __init__(self, entries: list[Entry]):
        self.entries = {entry.id: entry for entry in entries}
        names, aliases, name_words, alias_words = [], [], [], []
        for entry in entries:
            for label, starts, words in ((entry.name, names, name_words),
                                         *((a, aliases, alias_words) for a in entry.aliases)):
                folded = label.casefold()
                starts.append((folded, entry.id, label))
                words.extend((folded[i:], entry.id, label) for i in _word_starts(folded))
        self.names = _SortedKeys(names)
        self.aliases = _SortedKeys(aliases)
        self.name_words = _SortedKeys(name_words)
        self.alias_words = _SortedKeys(alias_words)

    def _tiers(self, wanted: str) -> Iterator[tuple[int, str]]:
        """(claimant id, matched label) in ranking order; a claimant may come more than once."""
        for keys in (self.names, self.aliases):  # exact
            for folded, claimant_id, label in keys.starting_with(wanted):
                if folded != wanted:
                    break  # the exact key sorts first among those starting with it
                yield claimant_id, label
        for keys in (self.names, self.aliases, self.name_words, self.alias_words):
            for _folded, claimant_id, label in keys.starting_with(wanted):
                yield claimant_id, label

    def search(self, query: str, viewer_id: int | None, limit: int = SEARCH_LIMIT) -> list[Match]:
        """Visible matches, best first; `viewer_id` None sees every claimant."""
        wanted = claimant_key(query)
        found: dict[int, Match] = {}
        for claimant_id, label in self._tiers(wanted):
            if claimant_id in found:
                continue
            entry = self.entries[claimant_id]
            if _visible(entry, viewer_id):
                found[claimant_id] = Match(entry, label)
                if len(found) >= limit:
                    break
        return list(found.values())

    def find(self, name: str, viewer_id: int | None) -> Entry | None:
        """The visible claimant a typed name means: a canonical name before an alias, a
        confirmed claimant before a proposal, then the oldest (registry.ClaimantLookup's rule)."""
        wanted = claimant_key(name)
        for keys in (self.names, self.aliases):
            candidates = [self.entries[claimant_id]
                          for folded, claimant_id, _label in keys.starting_with(wanted)
                          if folded == wanted]
            candidates = [entry for entry in candidates if _visible(entry, viewer_id)]
            if candidates:
                return min(candidates, key=lambda e: (e.status != "confirmed", e.id))
        return None

    @staticmethod
    def visible(entry: Entry, viewer_id: int | None) -> bool:
        return _visible(entry, viewer_id)

    def confirmed_named(self, name: str, other_than: int | None = None) -> Entry | None:
        """A confirmed claimant (not `other_than`) whose canonical name equals `name`."""
        wanted = claimant_key(name)
        for folded, claimant_id, _label in self.names.starting_with(wanted):
            entry = self.entries[claimant_id]
            if (folded == wanted and entry.status == "confirmed"
                    and claimant_id != other_than):
                return entry
        return None


def _visible(entry: Entry, viewer_id: int | None) -> bool:
    # The rule of app.permissions.visible_claimants, on the cached rows.
    return viewer_id is None or entry.status == "confirmed" or entry.created_by_id == viewer_id


def build_index(project_id: int) -> RegistryIndex:
    aliases: dict[int, list[str]] = {}
    for claimant_id, alias in db.session.execute(
            select(ClaimantAlias.claimant_id, ClaimantAlias.alias).join(Claimant)
            .where(Claimant.project_id == project_id).order_by(ClaimantAlias.alias)):
        aliases.setdefault(claimant_id, []).append(alias)
    rows = db.session.execute(
        select(Claimant.id, Claimant.name, Claimant.type, Claimant.status,
               Claimant.created_by_id).where(Claimant.project_id == project_id))
    return RegistryIndex([Entry(*row, tuple(aliases.get(row[0], ()))) for row in rows])


class _IndexCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, tuple[int, RegistryIndex]] = OrderedDict()

    def get(self, project_id: int, stamp: int) -> RegistryIndex | None:
        with self._lock:
            cached = self._entries.get(project_id)
            if cached is None or cached[0] != stamp:
                return None
            self._entries.move_to_end(project_id)
            return cached[1]

    def put(self, project_id: int, stamp: int, index: RegistryIndex) -> None:
        with self._lock:
            self._entries[project_id] = (stamp, index)
            self._entries.move_to_end(project_id)
            while len(self._entries) > CACHED_PROJECTS:
                self._entries.popitem(last=False)


@cache
def _registry_stamp():
    # Built once: every span save reads the stamp, and building a select costs more CPU
    # than running this one.
    return select(Project.claimant_registry_version).where(Project.id == bindparam("project_id"))


def registry_index(project: Project) -> RegistryIndex:
    """The project's index, rebuilt when its registry stamp changed (one cache per app)."""
    db.session.flush()  # pending claimants get their stamp before it is read
    stamp = db.session.scalar(_registry_stamp(), {"project_id": project.id})
    return registry_index_at(project.id, stamp)


def registry_index_at(project_id: int, stamp: int) -> RegistryIndex:
    """The index for the registry stamp the caller read in this transaction (a span save
    reads it with its permission row: app.permissions.SaveAccess)."""
    cache = current_app.extensions.setdefault("credence_claimant_index", _IndexCache())
    index = cache.get(project_id, stamp)
    if index is None:
        index = build_index(project_id)
        cache.put(project_id, stamp, index)
    return index


def viewer_scope(viewer: User | None, project: Project) -> int | None:
    """None (sees every claimant) for reviewers, managers and the system; else the user id."""
    if viewer is None or sees_all_claimants(viewer, project):
        return None
    return viewer.id


def search_claimants(project: Project, query: str, viewer: User | None,
                     limit: int = SEARCH_LIMIT) -> list[Match]:
    return registry_index(project).search(query, viewer_scope(viewer, project), limit)


def find_visible_claimant(project: Project, name: str, viewer: User | None) -> Claimant | None:
    entry = registry_index(project).find(name, viewer_scope(viewer, project))
    return db.session.get(Claimant, entry.id) if entry is not None else None
