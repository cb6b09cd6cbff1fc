"""The annotation scheme of a project: its evidence types and claimant types.

A scheme is plain data. `default_scheme()` is what a new project starts with; a project created
with `--scheme scheme.json` reads its own through `Scheme.from_dict`, which checks everything the
annotation page relies on (keys usable in URLs and CSS classes, colours, unique hotkeys).
"""

import functools
import re
from dataclasses import dataclass

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")


class SchemeError(ValueError):
    """A scheme that cannot be used; `field` is a path such as `evidence_types[2].colour`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f'field "{field}": {message}')
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EvidenceType:
    key: str
    name: str
    definition: str
    rule: str  # how to tell it from its neighbours
    colour: str  # "#rrggbb", lower case; highlight background under black text
    hotkey: str  # one character, or "" for none


@dataclass(frozen=True)
class ClaimantType:
    key: str
    name: str


@dataclass(frozen=True)
class SourceType:
    """What kind of source a claimant is, for the registry and the credibility profiles."""

    key: str
    name: str


@dataclass(frozen=True)
class Scheme:
    evidence_types: tuple[EvidenceType, ...]
    claimant_types: tuple[ClaimantType, ...]
    source_types: tuple[SourceType, ...] = ()

    # Cached: importers ask for every span of a file (a frozen dataclass keeps a __dict__).
    @functools.cached_property
    def evidence_keys(self) -> tuple[str, ...]:
        return tuple(evidence.key for evidence in self.evidence_types)

    @functools.cached_property
    def claimant_type_keys(self) -> tuple[str, ...]:
        return tuple(claimant_type.key for claimant_type in self.claimant_types)

    @property
    def source_type_keys(self) -> tuple[str, ...]:
        return tuple(source_type.key for source_type in self.source_types)

    def evidence_type(self, key: str) -> EvidenceType:
        """The evidence type with `key`; KeyError when the scheme has none."""
        for evidence in self.evidence_types:
            if evidence.key == key:
                return evidence
        raise KeyError(key)

    def to_dict(self) -> dict:
        return {
            "evidence_types": [
                {
                    "key": e.key,
                    "name": e.name,
                    "definition": e.definition,
                    "rule": e.rule,
                    "colour": e.colour,
                    "hotkey": e.hotkey,
                }
                for e in self.evidence_types
            ],
            "claimant_types": [{"key": c.key, "name": c.name} for c in self.claimant_types],
            "source_types": [{"key": s.key, "name": s.name} for s in self.source_types],
        }

    @classmethod
    def from_dict(cls, data: object) -> "Scheme":
        """Build a scheme from parsed JSON, raising SchemeError at the first problem.

        `claimant_types` and `source_types` may be left out: the defaults are used.
        """
        if not isinstance(data, dict):
            raise SchemeError("", "a scheme must be a JSON object")
        _refuse_unknown_fields("", data, {"evidence_types", "claimant_types", "source_types"})
        if "evidence_types" not in data:
            raise SchemeError("evidence_types", "is required")
        evidence_types = _read_list(data["evidence_types"], "evidence_types", _read_evidence_type)
        _require_unique(evidence_types, "evidence_types", "key")
        _require_unique(evidence_types, "evidence_types", "hotkey")
        if "claimant_types" in data:
            claimant_types = _read_list(
                data["claimant_types"], "claimant_types", _read_claimant_type
            )
            _require_unique(claimant_types, "claimant_types", "key")
        else:
            claimant_types = list(DEFAULT_CLAIMANT_TYPES)
        source_types = list(DEFAULT_SOURCE_TYPES)
        if "source_types" in data:
            source_types = _read_list(data["source_types"], "source_types", _read_source_type)
            _require_unique(source_types, "source_types", "key")
        return cls(tuple(evidence_types), tuple(claimant_types), tuple(source_types))


def default_scheme() -> Scheme:
    return Scheme(DEFAULT_EVIDENCE_TYPES, DEFAULT_CLAIMANT_TYPES, DEFAULT_SOURCE_TYPES)


# --- reading ----------------------------------------------------------------------------------


def _read_list(value: object, field: str, read_item) -> list:
    if not isinstance(value, list) or not value:
        raise SchemeError(field, "must be a non-empty list")
    return [read_item(item, f"{field}[{index}]") for index, item in enumerate(value)]


def _read_evidence_type(item: object, field: str) -> EvidenceType:
    if not isinstance(item, dict):
        raise SchemeError(field, "must be an object")
    allowed = {"key", "name", "definition", "rule", "colour", "hotkey"}
    _refuse_unknown_fields(field, item, allowed)
    colour = _read_string(item, field, "colour")
    if not COLOUR_PATTERN.fullmatch(colour):
        raise SchemeError(f"{field}.colour", f"{colour!r} is not a colour written #rrggbb")
    hotkey = item.get("hotkey", "")
    if not isinstance(hotkey, str) or len(hotkey) > 1 or hotkey.isspace():
        raise SchemeError(f"{field}.hotkey", f"{hotkey!r} is not a single visible character")
    return EvidenceType(
        key=_read_key(item, field),
        name=_read_string(item, field, "name"),
        definition=_read_string(item, field, "definition", required=False),
        rule=_read_string(item, field, "rule", required=False),
        colour=colour.lower(),
        hotkey=hotkey,
    )


def _read_claimant_type(item: object, field: str) -> ClaimantType:
    if not isinstance(item, dict):
        raise SchemeError(field, "must be an object")
    _refuse_unknown_fields(field, item, {"key", "name"})
    return ClaimantType(key=_read_key(item, field), name=_read_string(item, field, "name"))


def _read_source_type(item: object, field: str) -> SourceType:
    if not isinstance(item, dict):
        raise SchemeError(field, "must be an object")
    _refuse_unknown_fields(field, item, {"key", "name"})
    return SourceType(key=_read_key(item, field), name=_read_string(item, field, "name"))


def _read_key(item: dict, field: str) -> str:
    key = _read_string(item, field, "key")
    if not KEY_PATTERN.fullmatch(key):
        raise SchemeError(
            f"{field}.key",
            f"{key!r} must be a lowercase identifier: a letter, then letters, digits or _ "
            "(at most 40 characters)",
        )
    return key


def _read_string(item: dict, field: str, name: str, required: bool = True) -> str:
    if name not in item:
        if required:
            raise SchemeError(f"{field}.{name}", "is required")
        return ""
    value = item[name]
    if not isinstance(value, str):
        raise SchemeError(f"{field}.{name}", "must be a string")
    value = value.strip()
    if required and not value:
        raise SchemeError(f"{field}.{name}", "must not be empty")
    return value


def _refuse_unknown_fields(field: str, item: dict, allowed: set[str]) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        where = f"{field}.{unknown[0]}" if field else unknown[0]
        raise SchemeError(where, f"unknown field; expected one of {', '.join(sorted(allowed))}")


def _require_unique(items: list, field: str, attribute: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        value = getattr(item, attribute)
        if value == "":
            continue  # an empty hotkey means "none"; any number of types may have none
        if value in seen:
            raise SchemeError(
                f"{field}[{index}].{attribute}",
                f"{value!r} is already used by {field}[{seen[value]}]",
            )
        seen[value] = index


# --- the default scheme -----------------------------------------------------------------------
# Colours: Paul Tol's "light" qualitative scheme (Tol, "Colour Schemes", SRON technical note
# SRON/EPS/TN/09-002, 2021), designed for backgrounds under black text and kept distinct under
# the common colour-vision deficiencies. Every one has a contrast ratio of at least 8:1 with black
# (WCAG 2.1, section 1.4.6 asks 7:1).

DEFAULT_EVIDENCE_TYPES = (
    EvidenceType(
        "official_statement",
        "Official statement",
        "An institution speaks on the record through a named official, spokesperson, press "
        "release or briefing.",
        "The institution stands behind the words. A written record the reporter has seen (report, "
        "leaked memo) is document; an official who is not named is anonymous; a claim that is "
        "chiefly a number is statistics.",
        "#77aadd",
        "1",
    ),
    EvidenceType(
        "eyewitness",
        "Eyewitness",
        "A person who was present describes what they saw, heard or lived through.",
        "The speaker must have been there. Passing on what others told them is hearsay, even for "
        "a local resident; an unnamed person the article places at the scene is still an "
        "eyewitness.",
        "#ee8866",
        "2",
    ),
    EvidenceType(
        "expert",
        "Expert assessment",
        "A specialist who took no part in the events judges them from professional knowledge.",
        "The claim is an interpretation drawn from expertise (an engineer on why a dam failed). "
        "An expert telling what they saw is eyewitness; one speaking for their employer is "
        "official_statement.",
        "#44bb99",
        "3",
    ),
    EvidenceType(
        "document",
        "Document",
        "The claim rests on a written text the article names: report, court filing, letter, "
        "contract, leaked memo.",
        "The document, not a person, carries the claim ('according to a memo seen by'). A press "
        "release or statement read out is official_statement; a figure from a report is "
        "statistics; images and recordings are photo_video.",
        "#eedd88",
        "4",
    ),
    EvidenceType(
        "statistics",
        "Statistics",
        "The claim is a count, rate or measurement: casualties, votes, money, water levels.",
        "Choose statistics over official_statement, document or expert whenever the number is "
        "the claim, and record who gave it as the claimant. A number mentioned in passing keeps "
        "the type of its source.",
        "#99ddff",
        "5",
    ),
    EvidenceType(
        "photo_video",
        "Photo or video",
        "Photographs, video, audio or satellite images are cited as showing what happened.",
        "The recording itself is the evidence ('footage verified by', 'satellite images show'). "
        "Someone describing what they filmed is eyewitness; a transcript quoted as text is "
        "document.",
        "#ffaabb",
        "6",
    ),
    EvidenceType(
        "anonymous",
        "Anonymous source",
        "A source the article does not identify and whose basis is not given ('a source "
        "familiar with', 'an official who asked not to be named').",
        "Use when both who they are and how they know are withheld. An unnamed witness placed at "
        "the scene is eyewitness; an unnamed source showing the reporter a document is document.",
        "#bbcc33",
        "7",
    ),
    EvidenceType(
        "hearsay",
        "Hearsay",
        "The speaker repeats what others told them or what people say, without first-hand "
        "knowledge.",
        "The speaker is identified by name or description but was not there and cites no "
        "document. A first-hand account is eyewitness; rumour in the reporter's own voice is none.",
        "#aaaa00",
        "8",
    ),
    EvidenceType(
        "none",
        "No evidence",
        "The claim is asserted with no source or basis, in the reporter's voice or by a claimant "
        "who gives no reason to believe it.",
        "A last resort once every other type is ruled out. An institution speaking on the record "
        "is official_statement even when it offers no proof.",
        "#dddddd",
        "9",
    ),
)

DEFAULT_CLAIMANT_TYPES = (
    ClaimantType("government", "Government or ministry"),
    ClaimantType("military", "Military or armed group"),
    ClaimantType("political_group", "Political party or movement"),
    ClaimantType("ngo", "NGO or civil-society group"),
    ClaimantType("international_body", "International body"),
    ClaimantType("media", "News media"),
    ClaimantType("witness", "Witness or resident"),
    ClaimantType("expert", "Expert or academic"),
    ClaimantType("anonymous", "Anonymous source"),
    ClaimantType("other", "Other"),
)

# Source types after the W3C Credible Web Community Group's credibility signals ("Source
# Types": who or what a claim rests on). One editable list per project's scheme.
DEFAULT_SOURCE_TYPES = (
    SourceType("named_expert", "Named expert"),
    SourceType("study", "Study or research"),
    SourceType("organisation", "Organisation"),
    SourceType("official", "Official or government"),
    SourceType("participant", "Participant or witness"),
    SourceType("anonymous", "Anonymous source"),
    SourceType("document", "Document"),
)
