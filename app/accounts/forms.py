"""Forms of the account pages. Each carries the CSRF token; the views call the services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from app.accounts.passwords import MAX_LENGTH
from app.accounts.settings import PROJECT_CREATION_CHOICES
from app.accounts.tokens import MAX_EXPIRY_DAYS
from app.models import ROLES

PASSWORD_HELP = "At least 10 characters; a phrase of several words is easy to remember. " \
                "Very common passwords are refused."


class NewUserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    display_name = StringField("Display name", validators=[Optional(), Length(max=120)])
    email = EmailField("E-mail (optional)", validators=[Optional(), Length(max=254)])
    is_admin = BooleanField("Site administrator (manager of every project)")
    project_creator = BooleanField("Project creator (may create projects)")


class InviteForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    display_name = StringField("Display name", validators=[Optional(), Length(max=120)])
    email = EmailField("E-mail (optional)", validators=[Optional(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice(role, role.capitalize()) for role in ROLES],
                       default="annotator")


class SiteSettingsForm(FlaskForm):
    project_creation = RadioField("Who may create projects",
                                  choices=[SelectChoice(key, label) for key, label
                                           in PROJECT_CREATION_CHOICES.items()])


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField("The same password again", validators=[
        DataRequired(), EqualTo("password", message="the two passwords differ")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password",
                                 validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField("The new password again", validators=[
        DataRequired(), EqualTo("new_password", message="the two passwords differ")])


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    expires_in_days = IntegerField("Expires after (days, empty: never)", validators=[
        Optional(), NumberRange(1, MAX_EXPIRY_DAYS)])


class ActionForm(FlaskForm):
    """No fields: the CSRF token for a button that changes something."""
