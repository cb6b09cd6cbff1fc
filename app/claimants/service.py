"""Registry operations for reviewers and managers (pages, API and CLI call these). Callers
commit; every function refuses bad input with a ServiceError naming the field.

A change is recorded as a ClaimantEvent (the registry's history). Merging lives in
app.claimants.merge, import and export in app.claimants.transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.claimants.registry import claimant_key
from app.errors import ServiceError
from app.extensions import db
from app.formats.common import MAX_CLAIMANT_LENGTH
from app.models import Claimant, ClaimantAlias, ClaimantEvent, GoldSpan, Project, User
from app.permissions import sees_all_claimants
from app.projects.service import project_scheme

EDITABLE_FIELDS = ("type", "source_type", "affiliation_id", "role", "description", "external_id")
MAX_LENGTHS = {"role": 300, "description": 5000, "external_id": 500}
PAGE_OF_IDS = 1_000  # usage counts by a list of ids up to this many, else by project


@dataclass(frozen=True)
class RegistryRow:
    claimant: Claimant
    spans: int  # annotator spans attributed to the claimant
    gold_spans: int  # gold-layer spans (rejected decisions left out)


def registry_rows(project: Project, query: str = "", status: str | None = None,
                  limit: int | None = None, offset: int = 0) -> list[RegistryRow]:
    """The registry with usage counts, by name; `query` matches names and aliases (as the
    autocomplete: any word starting with it), `status` 'confirmed' or 'proposed'.

    The page of claimants is read first, then its usage counts with two grouped queries
    over the spans of those claimants only (by the claimant_id index): counting the whole
    project's spans for every page cost most of the list's time on 100,000 spans."""
    statement = (
        select(Claimant).where(Claimant.project_id == project.id)
        .order_by(Claimant.name, Claimant.id)
        .options(selectinload(Claimant.aliases), selectinload(Claimant.affiliation),
                 selectinload(Claimant.created_by)))
    if status is not None:
        statement = statement.where(Claimant.status == status)
    if query.strip():
        from app.claimants.search import registry_index

        # The registry's index finds the matches and gives their page (by name, then id),
        # so the database reads at most a page of ids, never an IN list of thousands.
        matches = sorted((m.entry for m in registry_index(project).search(query, None, 10**9)
                          if status is None or m.entry.status == status),
                         key=lambda entry: (entry.name, entry.id))
        if limit is not None:
            matches = matches[offset:offset + limit]
        if len(matches) <= PAGE_OF_IDS:
            statement = statement.where(Claimant.id.in_([entry.id for entry in matches]))
            claimants = {c.id: c for c in db.session.scalars(statement)}
            claimants = [claimants[e.id] for e in matches if e.id in claimants]
        else:  # the whole registry asked for (API, CLI): read it, keep the matches
            wanted = {entry.id for entry in matches}
            claimants = [c for c in db.session.scalars(statement) if c.id in wanted]
    else:
        if limit is not None:
            statement = statement.limit(limit).offset(offset)
        claimants = list(db.session.scalars(statement))
    spans, gold_spans = usage_counts(project, [claimant.id for claimant in claimants])
    return [RegistryRow(claimant, spans.get(claimant.id, 0), gold_spans.get(claimant.id, 0))
            for claimant in claimants]


def usage_counts(project: Project, claimant_ids: list[int]
                 ) -> tuple[dict[int, int], dict[int, int]]:
    """(annotator spans, gold spans not rejected) by claimant id, for these claimants of
    `project`; claimants without any are left out."""
    from app.models import Span

    if not claimant_ids:
        return {}, {}
    if len(claimant_ids) <= PAGE_OF_IDS:
        chosen = list(claimant_ids)
    else:  # the whole registry (API, CLI): a subquery rather than thousands of parameters
        chosen = select(Claimant.id).where(Claimant.project_id == project.id)
    connection = db.session.connection()
    spans = connection.execute(select(Span.claimant_id, func.count())
                               .where(Span.claimant_id.in_(chosen))
                               .group_by(Span.claimant_id)).all()
    gold_spans = connection.execute(select(GoldSpan.claimant_id, func.count())
                                    .where(GoldSpan.claimant_id.in_(chosen),
                                           GoldSpan.rejected.is_(False))
                                    .group_by(GoldSpan.claimant_id)).all()
    return dict(spans), dict(gold_spans)


def claimant_in(project: Project, claimant_id: object) -> Claimant:
    claimant = db.session.get(Claimant, claimant_id) if isinstance(claimant_id, int) else None
    if claimant is None or claimant.project_id != project.id:
        raise ServiceError(f"no claimant with id {claimant_id} in this project", "claimant_id",
                           status=404)
    return claimant


def confirmed_named(project: Project, name: str, *, other_than: int | None = None
                    ) -> Claimant | None:
    """A confirmed claimant whose name equals `name` ignoring case (through the registry's
    index, so a 20,000-claimant registry is not read for each check)."""
    from app.claimants.search import registry_index

    entry = registry_index(project).confirmed_named(name, other_than)
    return db.session.get(Claimant, entry.id) if entry is not None else None


def record(project: Project, user: User | None, action: str, claimant: Claimant | None,
           summary: str, details: dict | None = None) -> ClaimantEvent:
    event = ClaimantEvent(project_id=project.id, user_id=user.id if user else None,
                          claimant_id=claimant.id if claimant else None, action=action,
                          summary=summary, details=details or {})
    db.session.add(event)
    return event


# --- checks ------------------------------------------------------------------------------


def checked_name(project: Project, name: object, *, other_than: int | None = None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ServiceError("the claimant needs a name", "name")
    name = name.strip()
    if len(name) > MAX_CLAIMANT_LENGTH:
        raise ServiceError(f"the name is longer than {MAX_CLAIMANT_LENGTH} characters", "name")
    taken = confirmed_named(project, name, other_than=other_than)
    if taken is not None:
        raise ServiceError(f"{taken.name!r} is already in the registry: merge into it instead",
                           "name", status=409)
    return name


def _checked_fields(project: Project, claimant: Claimant | None, fields: dict) -> dict:
    scheme = project_scheme(project)
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ServiceError(f"unknown field {unknown[0]!r}", unknown[0])
    checked = dict(fields)
    if "type" in fields and fields["type"] not in scheme.claimant_type_keys:
        raise ServiceError(f"unknown claimant type {fields['type']!r}; the scheme has "
                           f"{', '.join(scheme.claimant_type_keys)}", "type")
    if "source_type" in fields:
        checked["source_type"] = fields["source_type"] or None
        if checked["source_type"] not in (None, *scheme.source_type_keys):
            raise ServiceError(f"unknown source type {fields['source_type']!r}; the scheme "
                               f"has {', '.join(scheme.source_type_keys)}", "source_type")
    for name, longest in MAX_LENGTHS.items():
        if name in fields:
            value = fields[name]
            if not isinstance(value, str):
                raise ServiceError(f"{name} must be text", name)
            if len(value.strip()) > longest:
                raise ServiceError(f"{name} is longer than {longest} characters", name)
            checked[name] = value.strip()
    if "affiliation_id" in fields:
        checked["affiliation_id"] = _checked_affiliation(project, claimant,
                                                         fields["affiliation_id"])
    return checked


def _checked_affiliation(project: Project, claimant: Claimant | None, value) -> int | None:
    if value in (None, "", 0):
        return None
    parent = db.session.get(Claimant, value) if isinstance(value, int) else None
    if parent is None or parent.project_id != project.id:
        raise ServiceError(f"no claimant with id {value} in this project", "affiliation_id")
    seen = set()
    while parent is not None and parent.id not in seen:  # the tree must stay a tree
        if claimant is not None and parent.id == claimant.id:
            raise ServiceError("a claimant cannot belong to itself or to one of its members",
                               "affiliation_id")
        seen.add(parent.id)
        parent = parent.affiliation
    return value


# --- operations --------------------------------------------------------------------------


def create_claimant(project: Project, user: User | None, *, name: object, type: object,
                    aliases: list[str] = (), **fields) -> Claimant:
    """A confirmed claimant, made by a reviewer or manager."""
    name = checked_name(project, name)
    checked = _checked_fields(project, None, {"type": type, **fields})
    claimant = Claimant(project_id=project.id, name=name, status="confirmed",
                        created_by_id=user.id if user else None, **checked)
    db.session.add(claimant)
    db.session.flush()
    for alias in aliases:
        add_alias(claimant, alias, user=None)
    record(project, user, "create", claimant, f"created {name}")
    return claimant


def create_typed_claimant(project: Project, author: User, name: str, type: str) -> Claimant:
    """A claimant typed as a new name while annotating or adjudicating (the caller has found
    no claimant `author` may see by that name, and checked the name and type).

    An annotator's is `proposed`, seen only by them, reviewers and managers, so annotation
    stays blind. A reviewer's or manager's is `confirmed` at once and recorded in the
    history: they see every proposal already (nothing of another annotator's leaks), and
    confirming is theirs to do; a gold decision's claimant is shared from the start."""
    if not sees_all_claimants(author, project):
        claimant = Claimant(project_id=project.id, name=name, type=type, status="proposed",
                            created_by_id=author.id)
        db.session.add(claimant)
        return claimant
    claimant = Claimant(project_id=project.id, name=checked_name(project, name), type=type,
                        status="confirmed", created_by_id=author.id)
    db.session.add(claimant)
    db.session.flush()
    record(project, author, "create", claimant, f"created {claimant.name}")
    return claimant


def edit_claimant(claimant: Claimant, user: User | None, **fields) -> Claimant:
    """Change the type (retype), source type, affiliation, role, description, external id."""
    project = claimant.project
    checked = _checked_fields(project, claimant, fields)
    before = {name: getattr(claimant, name) for name in checked}
    for name, value in checked.items():
        setattr(claimant, name, value)
    changed = {name: [before[name], value] for name, value in checked.items()
               if before[name] != value}
    if changed:
        record(project, user, "edit", claimant,
               f"{claimant.name}: changed {', '.join(sorted(changed))}", {"changes": changed})
        project.touch()  # agreement and profiles read claimant types
    db.session.flush()
    return claimant


def rename_claimant(claimant: Claimant, new_name: object, user: User | None) -> Claimant:
    """A new canonical name; the old one becomes an alias, so typing it still finds it."""
    new_name = checked_name(claimant.project, new_name, other_than=claimant.id)
    old_name = claimant.name
    if new_name == old_name:
        return claimant
    for alias in list(claimant.aliases):
        if alias.alias == new_name:
            claimant.aliases.remove(alias)
    db.session.flush()
    claimant.name = new_name
    if claimant_key(old_name) != claimant_key(new_name):
        claimant.aliases.append(ClaimantAlias(alias=old_name))
    record(claimant.project, user, "rename", claimant, f"renamed {old_name} to {new_name}",
           {"from": old_name, "to": new_name})
    db.session.flush()
    return claimant


def add_alias(claimant: Claimant, alias: object, user: User | None) -> ClaimantAlias:
    if not isinstance(alias, str) or not alias.strip():
        raise ServiceError("the alias is empty", "alias")
    alias = alias.strip()
    if len(alias) > MAX_CLAIMANT_LENGTH:
        raise ServiceError(f"the alias is longer than {MAX_CLAIMANT_LENGTH} characters", "alias")
    key = claimant_key(alias)
    if key == claimant_key(claimant.name) or any(
            claimant_key(a.alias) == key for a in claimant.aliases):
        raise ServiceError(f"{claimant.name!r} already has the name or alias {alias!r}",
                           "alias", status=409)
    row = ClaimantAlias(alias=alias)
    claimant.aliases.append(row)
    if user is not None:
        record(claimant.project, user, "alias", claimant, f"{claimant.name}: alias {alias} added",
               {"added": alias})
    db.session.flush()
    return row


def remove_alias(claimant: Claimant, alias: str, user: User | None) -> None:
    for row in claimant.aliases:
        if row.alias == alias:
            claimant.aliases.remove(row)
            record(claimant.project, user, "alias", claimant,
                   f"{claimant.name}: alias {alias} removed", {"removed": alias})
            db.session.flush()
            return
    raise ServiceError(f"{claimant.name!r} has no alias {alias!r}", "alias", status=404)


def confirm_claimant(claimant: Claimant, user: User | None) -> Claimant:
    """Make a proposal shared: every annotator can now find and use it."""
    if claimant.status == "confirmed":
        raise ServiceError(f"{claimant.name!r} is already confirmed", "claimant_id", status=409)
    taken = confirmed_named(claimant.project, claimant.name)
    if taken is not None:
        raise ServiceError(f"{taken.name!r} is already in the registry: merge this proposal "
                           "into it instead", "claimant_id", status=409)
    claimant.status = "confirmed"
    record(claimant.project, user, "confirm", claimant, f"confirmed {claimant.name}")
    db.session.flush()
    return claimant


def set_agree_by_root(project: Project, on: bool) -> None:
    """The agreement setting: claimants of the same affiliation root also count as agreeing."""
    if project.claimants_agree_by_root != on:
        project.claimants_agree_by_root = on
        project.touch()


def affiliation_chain(claimant: Claimant) -> list[Claimant]:
    """The claimant, its organisation, that one's, ... up to the root (cycles cut)."""
    chain, seen = [], set()
    while claimant is not None and claimant.id not in seen:
        chain.append(claimant)
        seen.add(claimant.id)
        claimant = claimant.affiliation
    return chain

