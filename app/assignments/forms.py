"""Forms of the assignment controls on the documents page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, NumberRange


class AnnotatorForm(FlaskForm):
    """Assign or reassign: which annotator (a user id, checked against the project)."""

    annotator = StringField("Annotator", validators=[DataRequired()])
    confirm = BooleanField("Keep their annotations hidden and unassign")


class UnassignForm(FlaskForm):
    confirm = BooleanField("Keep their annotations hidden and unassign")


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit() and int(v) < 2**31]


class BulkAssignForm(FlaskForm):
    document_ids = SelectMultipleField("Documents", validate_choice=False, coerce=str)
    annotator_ids = SelectMultipleField("Annotators", validate_choice=False, coerce=str)
    per_document = IntegerField("Annotators per document", default=1,
                                validators=[DataRequired(), NumberRange(1, 50)])

    def selected_documents(self) -> list[int]:
        return _ids(self.document_ids.data or [])

    def selected_annotators(self) -> list[int]:
        return _ids(self.annotator_ids.data or [])
