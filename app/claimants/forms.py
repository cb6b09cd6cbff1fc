"""Forms of the registry pages (CSRF on through Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.formats.common import MAX_CLAIMANT_LENGTH
from app.scheme import Scheme


class ClaimantForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_CLAIMANT_LENGTH)])
    type = SelectField("Claimant type", validators=[DataRequired()])
    source_type = SelectField("Source type", validators=[Optional()])
    affiliation = StringField("Belongs to (name of another claimant)",
                              validators=[Optional(), Length(max=MAX_CLAIMANT_LENGTH)])
    role = StringField("Role or title", validators=[Optional(), Length(max=300)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    external_id = StringField("External identifier (Wikidata id or URL)",
                              validators=[Optional(), Length(max=500)])

    def with_choices(self, scheme: Scheme) -> ClaimantForm:
        self.type.choices = [("", "choose…")] + [(t.key, t.name) for t in scheme.claimant_types]
        self.source_type.choices = [("", "not known")] + [
            (s.key, s.name) for s in scheme.source_types]
        return self


class EditClaimantForm(ClaimantForm):
    name = StringField("Name", render_kw={"readonly": True})  # renamed through RenameForm


class RenameForm(FlaskForm):
    new_name = StringField("New name", validators=[DataRequired(),
                                                   Length(max=MAX_CLAIMANT_LENGTH)])


class AliasForm(FlaskForm):
    alias = StringField("Alias", validators=[DataRequired(), Length(max=MAX_CLAIMANT_LENGTH)])


class MergeForm(FlaskForm):
    into = StringField("Merge into (name or alias of the claimant that remains)",
                       validators=[DataRequired(), Length(max=MAX_CLAIMANT_LENGTH)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ImportForm(FlaskForm):
    file = FileField("Registry file (.json or .csv)", validators=[FileRequired()])


class SettingsForm(FlaskForm):
    agree_by_root = BooleanField("Claimants of the same organisation (affiliation root) also "
                                 "agree, as a second claimant figure on the agreement page")
