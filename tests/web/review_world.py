"""A project ready for review: three annotators' submitted work on one article, four units
(unanimous; label 2 v 1; missed by two of three; boundary), reviewers, a manager, an outsider."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Claimant, Document, Project

TEXT = ("The ministry said 12 people died. A witness, Omar Haddad, said he saw the dam "
        "break at dawn. Officials declined to comment.")


@dataclass
class Review:
    project: Project
    document: Document
    ministry: Claimant
    omar: Claimant


def _span(make, document, user, phrase, claimant, evidence="official_statement"):
    start = document.text.index(phrase)
    return make.span(document, user, start, start + len(phrase), claimant, evidence)


def build_review(make, password: str | None = None) -> Review:
    """Three annotators, four units: unanimous, label (2 v 1), missed (1 of 3), boundary."""
    users = {name: make.user(name, password=password)
             for name in ("alice", "bob", "carol", "rev", "rev2", "boss", "other")}
    project = make.project("Newsroom", alice="annotator", bob="annotator", carol="annotator",
                           rev="reviewer", rev2="reviewer", boss="manager")
    make.project("Elsewhere", other="reviewer")
    document = make.document(project, TEXT, title="Dam breaks",
                             assign=("alice", "bob", "carol"), status="submitted")
    ministry = make.claimant(project, "Ministry of Defence", "government")
    omar = make.claimant(project, "Omar Haddad", "witness")
    for name in ("alice", "bob", "carol"):
        _span(make, document, users[name], "The ministry said 12 people died", ministry)
    _span(make, document, users["alice"], "he saw the dam break at dawn", omar, "eyewitness")
    _span(make, document, users["bob"], "he saw the dam break at dawn", omar, "eyewitness")
    _span(make, document, users["carol"], "he saw the dam break at dawn", omar, "hearsay")
    _span(make, document, users["alice"], "Officials declined to comment", ministry)
    _span(make, document, users["alice"], "A witness, Omar Haddad", omar, "eyewitness")
    _span(make, document, users["bob"], "Omar Haddad", omar, "eyewitness")
    return Review(project, document, ministry, omar)


