"""The feedback form: one validation path behind the HTML and the JSON faces."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..conf import conf
from .personal_data import looks_like_personal_data

YES, NO = "yes", "no"
ANSWERS = [(YES, _("Yes")), (NO, _("No"))]

PERSONAL_DATA = _(
    "Remove your email address or phone number: comments here are anonymous and nobody can "
    "reply to them. To ask the clinic something, use the appointment form instead."
)


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(
        label=_("Was this page helpful?"),
        choices=ANSWERS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if this page was helpful, or no if it was not."),
            "invalid_choice": _("Select yes if this page was helpful, or no if it was not."),
        },
    )
    comment = forms.CharField(
        label=_("How could we make this page better?"),
        help_text=_(
            "Optional. Do not include personal details such as your name, email address, "
            "phone number or medical history: nobody can reply to comments."
        ),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per form, so that the setting (and override_settings) applies.
        max_length = conf.FEEDBACK_COMMENT_MAX_LENGTH
        field = self.fields["comment"]
        field.max_length = max_length
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)
        field.validators[-1].message = _(
            "Shorten your comment to %(limit_value)s characters or fewer (it has %(show_value)s)."
        )

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if looks_like_personal_data(comment):
            raise forms.ValidationError(PERSONAL_DATA, code="personal_data")
        return comment

    @property
    def is_helpful(self):
        return self.cleaned_data["helpful"] == YES
