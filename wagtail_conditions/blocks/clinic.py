"""Blocks of the clinic's site settings: its opening hours."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

# schema.org's DayOfWeek names, which the JSON-LD uses as they are.
DAYS_OF_WEEK = [
    ("Monday", _("Monday")),
    ("Tuesday", _("Tuesday")),
    ("Wednesday", _("Wednesday")),
    ("Thursday", _("Thursday")),
    ("Friday", _("Friday")),
    ("Saturday", _("Saturday")),
    ("Sunday", _("Sunday")),
]


class OpeningHoursBlock(blocks.StructBlock):
    """The days that share one set of opening hours, e.g. Monday to Friday, 8:00 to 18:00."""

    days = blocks.MultipleChoiceBlock(
        choices=DAYS_OF_WEEK,
        label=_("days"),
        help_text=_("The days open at these times."),
    )
    opens = blocks.TimeBlock(label=_("opens"))
    closes = blocks.TimeBlock(label=_("closes"))

    class Meta:
        icon = "time"
        label = _("Opening hours")

    def clean(self, value):
        value = super().clean(value)
        if value["opens"] and value["closes"] and value["closes"] <= value["opens"]:
            raise StructBlockValidationError(
                block_errors={
                    "closes": ValidationError(_("Closing time must be after opening time."))
                }
            )
        return value
