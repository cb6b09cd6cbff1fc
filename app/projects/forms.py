"""Forms of the project pages. Each carries the CSRF token; the views call the services."""

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.markdown import MAX_GUIDELINES_LENGTH
from app.models import ROLES

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]


class ProjectForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    guidelines = TextAreaField("Guidelines (Markdown)",
                               validators=[Length(max=MAX_GUIDELINES_LENGTH)])
    annotators_per_document = IntegerField(
        "Annotators per document", default=2, validators=[DataRequired(), NumberRange(1, 50)])
    snap_to_words = BooleanField("Snap selections to whole words", default=True)
    anonymous_review = BooleanField("Anonymous review: reviewers see “Annotator 1, 2, …”")
    annotators_see_scores = BooleanField(
        "Annotators see their own scores against gold once a document is adjudicated")
    # The scheme as JSON (Scheme.to_dict()); projects.js offers a table editor over it.
    scheme = TextAreaField("Annotation scheme (JSON)", validators=[DataRequired()])


class MemberForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="annotator")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class ConfirmForm(FlaskForm):
    """No fields: the CSRF token for a button that changes something (remove, reopen)."""


class UploadForm(FlaskForm):
    files = MultipleFileField("Files")
    assign = IntegerField("Assign each document to this many annotators",
                          validators=[Optional(), NumberRange(1, 50)])
    create_users = BooleanField("Create the annotators named in the file if they are missing")


class AssignForm(FlaskForm):
    per_document = IntegerField("Annotators per document",
                                validators=[Optional(), NumberRange(1, 50)])
