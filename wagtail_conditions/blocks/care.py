"""
Care levels, as NHS.UK shows them: when to contact the clinic (non-urgent), when to get
urgent advice (e.g. call 111 or go online) and when to call the emergency number or go to
A&E. Each level is a card with the editor's "when" (symptoms, usually a list) and "what to do",
and the number or link to use, taken from the site's clinic settings unless the editor enters
another.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from .. import contact
from ..api.schemas import closed_object
from .content import TEMPLATE_DIR, RichTextBlock, rich_text_html

CARE_TEXT_FEATURES = ["bold", "italic", "ul", "ol", "link"]


class CareLevelBlock(blocks.StructBlock):
    """One level. Subclasses name the level, its wording and the settings it reads."""

    level = ""
    level_label = ""  # what the level means, in words: never shown by colour alone
    default_heading = ""
    default_action = ""  # shown when the editor leaves "what to do" blank
    phone_setting = ""  # the ClinicSettings field giving the number
    url_setting = ""  # the ClinicSettings field giving the link, if the level has one

    heading = blocks.CharBlock(label=_("Heading"), max_length=150)
    when = RichTextBlock(
        label=_("When"),
        required=False,
        features=CARE_TEXT_FEATURES,
        help_text=_(
            "The symptoms or situations for this level, usually as a bulleted list. Leave "
            "blank to leave the level out."
        ),
    )
    what_to_do = RichTextBlock(
        label=_("What to do"),
        required=False,
        features=CARE_TEXT_FEATURES,
        help_text=_("Leave blank for the standard advice for this level."),
    )
    phone = blocks.CharBlock(
        label=_("Phone number"),
        required=False,
        max_length=32,
        help_text=_("Leave blank to use the number in the clinic settings."),
    )

    class Meta:
        icon = "warning"
        form_classname = "struct-block wc-care-level-block"

    def resolve(self, value, clinic):
        """(phone, url) for this level: the editor's, else the clinic settings'."""
        phone = (value.get("phone") or "").strip()
        if not phone and clinic is not None and self.phone_setting:
            phone = getattr(clinic, self.phone_setting, "") or ""
        url = (value.get("url") or "").strip() if "url" in self.child_blocks else ""
        if not url and clinic is not None and self.url_setting:
            url = getattr(clinic, self.url_setting, "") or ""
        return phone, url


class NonUrgentCareBlock(CareLevelBlock):
    level = "non_urgent"
    level_label = _("Non-urgent advice")
    default_heading = _("Contact the clinic if")
    default_action = _("Book an appointment or call the clinic.")
    phone_setting = "phone"

    heading = blocks.CharBlock(
        label=_("Heading"), max_length=150, default=_("Contact the clinic if")
    )

    class Meta:
        label = _("Non-urgent")


class UrgentCareBlock(CareLevelBlock):
    level = "urgent"
    level_label = _("Urgent advice")
    default_heading = _("Get urgent medical advice if")
    default_action = _("Get advice today from an urgent care service, by phone or online.")
    phone_setting = "urgent_phone"
    url_setting = "urgent_url"

    heading = blocks.CharBlock(
        label=_("Heading"), max_length=150, default=_("Get urgent medical advice if")
    )
    url = blocks.URLBlock(
        label=_("Website"),
        required=False,
        help_text=_("Leave blank to use the urgent advice website in the clinic settings."),
    )

    class Meta:
        label = _("Urgent")


class EmergencyCareBlock(CareLevelBlock):
    level = "emergency"
    level_label = _("Immediate action required")
    default_heading = _("Call the emergency number or go to A&E if")
    default_action = _("Call the emergency number now, or go to the nearest A&E.")
    phone_setting = "emergency_phone"

    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=150,
        default=_("Call the emergency number or go to A&E if"),
    )

    class Meta:
        label = _("Emergency")


LEVELS = ("non_urgent", "urgent", "emergency")


class CareLevelsBlock(blocks.StructBlock):
    """The three levels of care as distinct cards, least urgent first."""

    non_urgent = NonUrgentCareBlock()
    urgent = UrgentCareBlock()
    emergency = EmergencyCareBlock()

    class Meta:
        icon = "warning"
        label = _("Care levels")
        template = TEMPLATE_DIR + "care_levels_block.html"
        help_text = _(
            "When to contact the clinic, get urgent advice or call the emergency number. "
            "The numbers and the urgent advice website come from the clinic settings."
        )

    def clean(self, value):
        value = super().clean(value)
        if not any(value[name].get("when") for name in LEVELS):
            raise StructBlockValidationError(
                non_block_errors=ErrorList(
                    [ValidationError(_("Say when to get help for at least one level of care."))]
                )
            )
        return value

    def levels(self, value, clinic, parent_context=None):
        """A dict per level the editor filled in, least urgent first, with its resolved phone
        number and link."""
        found = []
        for name in LEVELS:
            level_value = value.get(name)
            block = self.child_blocks[name]
            if not level_value or not level_value.get("when"):
                continue
            phone, url = block.resolve(level_value, clinic)
            found.append(
                {
                    "level": block.level,
                    "label": block.level_label,
                    "heading": level_value.get("heading") or block.default_heading,
                    "when": level_value.get("when"),
                    "when_html": rich_text_html(level_value.get("when"), parent_context),
                    "what_to_do": level_value.get("what_to_do"),
                    "what_to_do_html": rich_text_html(
                        level_value.get("what_to_do"), parent_context
                    ),
                    "default_action": block.default_action,
                    "phone": phone,
                    "tel": contact.tel_href(phone),
                    "url": url,
                }
            )
        return found

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        clinic = contact.clinic_settings(
            request=parent_context.get("request"), page=parent_context.get("page")
        )
        context["levels"] = self.levels(value, clinic, parent_context)
        return context

    def get_api_representation(self, value, context=None):
        context = context or {}
        clinic = _api_clinic(context)
        levels = {}
        for name in LEVELS:
            level_value = value.get(name) or {}
            block = self.child_blocks[name]
            phone, url = block.resolve(level_value, clinic)
            levels[name] = {
                "heading": level_value.get("heading") or str(block.default_heading),
                "when": block.child_blocks["when"].get_api_representation(
                    level_value.get("when"), context
                ),
                "what_to_do": block.child_blocks["what_to_do"].get_api_representation(
                    level_value.get("what_to_do"), context
                ),
                "phone": phone,
                "phone_href": contact.tel_href(phone),
                "url": url,
            }
        return levels

    def get_api_schema(self):
        level = closed_object(
            {
                "heading": {"type": "string"},
                "when": {
                    "type": "string",
                    "contentMediaType": "text/html",
                    "description": "When this level applies; empty when the editor left the "
                    "level out.",
                },
                "what_to_do": {
                    "type": "string",
                    "contentMediaType": "text/html",
                    "description": "What to do; empty for the standard advice.",
                },
                "phone": {
                    "type": "string",
                    "description": "The number to call: the editor's, else the clinic "
                    "settings'; empty if neither gives one.",
                },
                "phone_href": {
                    "type": "string",
                    "description": "The number as a tel: URL; empty without a number.",
                },
                "url": {
                    "type": "string",
                    "description": "The urgent advice website (urgent level only); empty "
                    "without one.",
                },
            }
        )
        return closed_object(
            {name: dict(level, title=str(self.child_blocks[name].label)) for name in LEVELS}
        )


def _api_clinic(context):
    """The clinic settings of the page being serialised: once per site for the whole response
    (``api_batch``), else the request's."""
    page = context.get("page")
    request = context.get("request")
    batch = context.get("api_batch")
    if batch is not None and page is not None:
        return batch.clinic_settings(page, request)
    return contact.clinic_settings(request=request, page=page)
