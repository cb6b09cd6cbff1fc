"""The claimant registry as the interchange formats carry it (JSONL `{"claimant": …}` lines,
the JSON export's `claimants` list). Pure: plain dicts in, RegistryClaimant out."""

from app.formats.common import (
    MAX_CLAIMANT_LENGTH,
    FieldProblem,
    LineFields,
    RegistryClaimant,
    read_optional_string,
    read_required_string,
)
from app.scheme import Scheme
from app.text import normalise_text

DESCRIPTIVE_FIELDS = ("role", "description", "external_id")
CLAIMANT_FIELDS = ("name", "type", "affiliation", "aliases", "status", "source_type",
                   *DESCRIPTIVE_FIELDS)
CLAIMANT_STATUSES = ("confirmed", "proposed")


def read_registry_claimant(
    fields: LineFields, value: object, where: str, scheme: Scheme
) -> RegistryClaimant | None:
    """One registry entry, every problem recorded on `fields` (field paths start at `where`)."""
    if not isinstance(value, dict):
        fields.fail(where, "must be a JSON object with name, type, affiliation and aliases")
        return None
    for name in value:
        if name not in CLAIMANT_FIELDS:
            fields.fail(f"{where}.{name}", f"unknown field; expected one of "
                        f"{', '.join(CLAIMANT_FIELDS)}")
    name = fields.take(read_required_string, value.get("name"), f"{where}.name",
                       MAX_CLAIMANT_LENGTH)
    kind = fields.take(_read_type, value.get("type"), f"{where}.type", scheme)
    affiliation = value.get("affiliation")
    if affiliation is not None:
        affiliation = fields.take(read_required_string, affiliation, f"{where}.affiliation",
                                  MAX_CLAIMANT_LENGTH)
    aliases = fields.take(_read_aliases, value.get("aliases"), f"{where}.aliases")
    status = value.get("status")
    if status is not None and status not in CLAIMANT_STATUSES:
        fields.fail(f"{where}.status", f"must be one of {', '.join(CLAIMANT_STATUSES)}")
    source_type = value.get("source_type")
    if source_type is not None:
        source_type = fields.take(read_required_string, source_type, f"{where}.source_type", 40)
    descriptive = {key: fields.take(read_optional_string, value.get(key), f"{where}.{key}")
                   for key in DESCRIPTIVE_FIELDS}
    if name is None or kind is None or aliases is None or not fields.ok:
        return None
    return RegistryClaimant(
        source_type=source_type,
        **descriptive,
        name=normalise_text(name),
        type=kind,
        affiliation=normalise_text(affiliation) if affiliation else None,
        aliases=tuple(normalise_text(alias) for alias in aliases),
        status=status,
    )


def registry_claimant_dict(claimant: RegistryClaimant) -> dict:
    result = {
        "name": claimant.name,
        "type": claimant.type,
        "affiliation": claimant.affiliation,
        "aliases": list(claimant.aliases),
    }
    if claimant.status is not None:
        result["status"] = claimant.status
    if claimant.source_type is not None:
        result["source_type"] = claimant.source_type
    for key in DESCRIPTIVE_FIELDS:
        if getattr(claimant, key):
            result[key] = getattr(claimant, key)
    return result


def check_registry_names(claimants: list[RegistryClaimant]) -> list[tuple[int, str, str]]:
    """(position, field, message) for a name or alias given to two confirmed claimants.

    Names compare ignoring case, as the registry looks them up (app.claimants.registry).
    Proposed claimants may share a name (two annotators proposing the same person).
    """
    problems = []
    seen: dict[str, int] = {}
    for position, claimant in enumerate(claimants):
        if claimant.status == "proposed":
            continue
        for name in (claimant.name, *claimant.aliases):
            key = name.strip().casefold()
            if key in seen and seen[key] != position:
                problems.append((position, "name", f"{name!r} names two claimants of the "
                                 "registry (as a name or an alias)"))
            seen.setdefault(key, position)
    return problems


def _read_type(value: object, field: str, scheme: Scheme) -> str:
    if value not in scheme.claimant_type_keys:
        raise FieldProblem(field, f"{str(value)[:40]!r} is not a claimant type of this "
                           f"project's scheme (expected one of: "
                           f"{', '.join(scheme.claimant_type_keys)})")
    return value


def _read_aliases(value: object, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldProblem(field, "must be a list of names")
    aliases = []
    for index, alias in enumerate(value):
        aliases.append(read_required_string(alias, f"{field}[{index}]", MAX_CLAIMANT_LENGTH))
    return aliases
