"""The download form (a GET form: it changes nothing, so no CSRF token) and the import forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.formats.writers import EXPORT_FORMATS

LAYER_CHOICES = [
    SelectChoice("all", "Annotators and gold"),
    SelectChoice("annotators", "Every annotator's spans"),
    SelectChoice("gold", "Gold (adjudicated) layer"),
]
OWN_LAYER_CHOICES = [SelectChoice("annotators", "My own spans")]
SCOPE_CHOICES = [
    SelectChoice("submitted", "Submitted work only"),
    SelectChoice("adjudicated", "Adjudicated documents only"),
    SelectChoice("all", "All documents, drafts included"),
]


class DownloadForm(FlaskForm):
    class Meta:
        csrf = False

    format = SelectField("Format", choices=[SelectChoice(f.key, f.label)
                                          for f in EXPORT_FORMATS.values()])
    layer = SelectField("Layer", choices=LAYER_CHOICES)
    scope = SelectField("Documents", choices=SCOPE_CHOICES)
    documents = TextAreaField("Only these document ids (optional, comma-separated)")
    # Checked, the box sends excel=1, a value the export's reader counts as on (WTForms' own
    # "y" it would count as off).
    excel = BooleanField("CSV for Excel (byte-order mark)", render_kw={"value": "1"})

    def limit_to_own_work(self) -> None:
        self.layer.choices = OWN_LAYER_CHOICES
        self.layer.data = "annotators"


class ImportForm(FlaskForm):
    file = FileField("File", validators=[FileRequired()])
    create_users = BooleanField("Create the annotators the file names (they get no password)")
    assign = IntegerField("Assign each new document to this many annotators (optional)",
                          validators=[Optional(), NumberRange(1, 50)])


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    create_users = HiddenField()
    assign = HiddenField()
