"""The download form: a GET form (it changes nothing), so no CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, TextAreaField

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
    excel = BooleanField("CSV for Excel (byte-order mark)")

    def limit_to_own_work(self) -> None:
        self.layer.choices = OWN_LAYER_CHOICES
        self.layer.data = "annotators"
