"""The one validation path for appointment requests, behind both the HTML and JSON faces."""

import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import conf
from ..validators import PublicEmailValidator
from .choices import HONEYPOT_FIELD, OPTIONAL_FIELDS, PatientStatus, TimeOfDay

__all__ = ["HONEYPOT_FIELD", "OPTIONAL_FIELDS", "AppointmentRequestForm"]

# Characters that change how text is displayed without being visible: bidirectional overrides
# and isolates (a "Trojan Source" trick) and other format controls except the zero-width
# joiners and variation selectors emoji need.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Digits with the usual separators, an optional leading + or opening bracket ("(555) 010-0100")
# and an optional extension ("ext. 12").
_PHONE_RE = re.compile(
    r"^(?:\+|\()?[0-9][0-9 ()./-]*(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE
)


# Line and paragraph separators (U+2028, U+2029) break a line as surely as "\n" does.
_LINE_BREAK_CATEGORIES = {"Cc", "Zl", "Zp"}
# Characters that draw nothing on their own but are not spaces or format characters: the
# Hangul fillers (letters by category, Lo), the blank Braille pattern and the variation
# selectors. An answer made only of them looks empty to the person who typed it.
_BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
_VARIATION_SELECTORS = (("\ufe00", "\ufe0f"), ("\U000e0100", "\U000e01ef"))


def _is_invisible(char):
    return (
        char.isspace()
        or unicodedata.category(char) == "Cf"
        or char in _BLANK_LOOKING
        or any(low <= char <= high for low, high in _VARIATION_SELECTORS)
    )


def _is_non_character(char):
    # The 66 code points Unicode reserves never to be characters: U+FDD0..U+FDEF and the last
    # two of every plane (U+FFFE, U+FFFF, U+1FFFE...).
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _reject_invisible(value, *, allow_newlines=False):
    for char in value:
        if char in "\n\r\t" and allow_newlines:
            continue
        if char in _BIDI_CONTROLS:
            raise ValidationError(
                _("Remove the invisible text-direction characters from this answer."),
                code="bidi",
            )
        if unicodedata.category(char) in _LINE_BREAK_CATEGORIES:
            raise ValidationError(
                _("Remove line breaks and control characters from this answer."),
                code="control_character",
            )


def _reject_non_text(value):
    # Private-use characters mean something only to the program that made them (a logo, an
    # icon font) and non-characters are not text at all: neither reads the same to staff.
    # Unassigned code points are left alone: they may be the emoji of a newer Unicode.
    for char in value:
        if unicodedata.category(char) == "Co" or _is_non_character(char):
            raise ValidationError(
                _("Remove the characters that are not standard text from this answer."),
                code="not_text",
            )


def _blank_if_invisible(value):
    """An empty answer for text made only of spaces and characters that draw nothing (zero-width
    spaces, joiners, BOMs, Hangul fillers, variation selectors): such an answer says nothing, so
    "required" applies to it."""
    if all(_is_invisible(char) for char in value):
        return ""
    return value


def _has_letter_or_digit(value):
    return any(
        unicodedata.category(char)[0] in "LN" and char not in _BLANK_LOOKING for char in value
    )


class PlainTextField(forms.CharField):
    """A single line of text: no line breaks, control or text-direction characters, and
    nothing that is not text (private-use characters, non-characters)."""

    def to_python(self, value):
        # Check before stripping, as StrictEmailField does: "Ann\n" is rejected rather than
        # silently trimmed, so every single-line field follows one rule.
        if isinstance(value, str) and value:
            _reject_invisible(value)
            _reject_non_text(value)
        return _blank_if_invisible(super().to_python(value))


class MultilineTextField(forms.CharField):
    def to_python(self, value):
        return _blank_if_invisible(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        _reject_invisible(value, allow_newlines=True)
        _reject_non_text(value)


class ConsentCheckboxInput(forms.CheckboxInput):
    """
    A tick box that counts only an explicit yes. Django's ``CheckboxInput`` treats any string
    but "false" as ticked, so ``consent=0`` or ``consent=off`` from a script would be consent.
    """

    ACCEPTED = ("on", "true", "1", "yes")

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in self.ACCEPTED
        return value is True


class StrictEmailField(forms.EmailField):
    """One address at a public domain, on one line."""

    default_validators = [PublicEmailValidator()]

    def to_python(self, value):
        # Check before stripping, so "a@b.c\nBcc: x" is rejected rather than silently trimmed.
        if isinstance(value, str) and any(
            unicodedata.category(c) in _LINE_BREAK_CATEGORIES for c in value
        ):
            raise ValidationError(
                _("Enter an email address without line breaks."), code="control_character"
            )
        if isinstance(value, str):
            # Django's domain check takes any character above U+00A0, private use included.
            _reject_non_text(value)
        return super().to_python(value)


class AppointmentRequestForm(forms.Form):
    """
    Validates one appointment request. ``config`` (a ``FormConfig``) says which optional
    fields are shown and required.
    """

    name = PlainTextField(
        label=_("Full name"),
        max_length=100,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = StrictEmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will only use this to contact you about your appointment."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the correct format, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = PlainTextField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("Include the country code if you are outside the UK, e.g. +44 20 7946 0000."),
        error_messages={"required": _("Enter a phone number.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_date = forms.DateField(
        label=_("Preferred date"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Enter a preferred date."),
            "invalid": _("Enter a real date in the format YYYY-MM-DD."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    preferred_time = forms.ChoiceField(
        label=_("Preferred time of day"),
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a preferred time of day."),
            "invalid_choice": _("Choose one of the times listed."),
        },
    )
    patient_status = forms.ChoiceField(
        label=_("Have you been to the clinic before?"),
        choices=PatientStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Tell us whether you are a new or returning patient."),
            "invalid_choice": _("Choose new or returning patient."),
        },
    )
    reason = MultilineTextField(
        label=_("Reason for your visit"),
        help_text=_("Briefly, what would you like help with? Do not include urgent symptoms."),
        error_messages={"required": _("Tell us briefly why you would like an appointment.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        required=True,
        widget=ConsentCheckboxInput,
        error_messages={"required": _("Tick the box to agree before sending your request.")},
    )

    def __init__(self, *args, config, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config
        for name in OPTIONAL_FIELDS:
            if name not in config.fields:
                del self.fields[name]
            else:
                self.fields[name].required = name in config.required_fields
        if "reason" in self.fields:
            max_length = conf.APPOINTMENT_REASON_MAX_LENGTH
            self.fields["reason"].max_length = max_length
            self.fields["reason"].validators.append(MaxLengthValidator(max_length))
            self.fields["reason"].widget.attrs["maxlength"] = str(max_length)
        self.fields["consent"].label = config.consent_text
        if "preferred_date" in self.fields:
            # No format hint: the browser's date picker shows dates in the visitor's own format
            # (an ISO example beside a mm/dd/yyyy picker confuses). The picker offers only the
            # dates clean_preferred_date accepts; the server still checks them.
            today = timezone.localdate()
            horizon = today + datetime.timedelta(days=conf.APPOINTMENT_BOOKING_HORIZON_DAYS)
            self.fields["preferred_date"].widget.attrs.update(
                {"min": today.isoformat(), "max": horizon.isoformat()}
            )

    def clean_name(self):
        name = self.cleaned_data["name"]
        # Punctuation, emoji or accents alone are no name staff could greet a patient by.
        if name and not _has_letter_or_digit(name):
            raise ValidationError(_("Enter your name using letters."), code="no_letters")
        return name

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and (not _PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise ValidationError(
                _("Enter a phone number using digits, spaces and an optional leading +."),
                code="invalid",
            )
        return phone

    def clean_preferred_date(self):
        value = self.cleaned_data["preferred_date"]
        if value is None:
            return value
        today = timezone.localdate()
        if value < today:
            raise ValidationError(_("Choose today or a date in the future."), code="past")
        horizon = today + datetime.timedelta(days=conf.APPOINTMENT_BOOKING_HORIZON_DAYS)
        if value > horizon:
            raise ValidationError(
                _("Choose a date before %(date)s."),
                params={"date": horizon.isoformat()},
                code="too_far",
            )
        return value
