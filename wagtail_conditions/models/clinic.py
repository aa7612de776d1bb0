"""The clinic itself: its identity and contact details (a site setting) and its practitioners
(a snippet). Templates, the structured data and the appointment block read them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import TranslatableMixin
from wagtail.search import index

from ..blocks.clinic import OpeningHoursBlock
from ..compat import PAGE_MODEL


class Practitioner(TranslatableMixin, index.Indexed, models.Model):
    """A clinician: named as a page's medical reviewer and shown on the clinic's pages.
    Translatable: each locale has its own copy (job title and biography in its language),
    sharing a ``translation_key``; pages show the one in their locale
    (``wagtail_conditions.i18n.localise_reviewers``)."""

    name = models.CharField(_("name"), max_length=150)
    credentials = models.CharField(
        _("credentials"),
        max_length=150,
        blank=True,
        help_text=_("Qualifications after the name, e.g. 'DC, MSc'."),
    )
    job_title = models.CharField(
        _("job title"),
        max_length=150,
        blank=True,
        help_text=_("What patients see them for, e.g. 'Chiropractor' or 'Physiotherapist'."),
    )
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A head-and-shoulders photo. Its description is read out as the alt text."),
    )
    bio = models.TextField(
        _("short biography"),
        blank=True,
        max_length=1000,
        help_text=_("Two or three sentences in plain language: experience and special interests."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Practitioners with a lower number are listed first."),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("credentials"), FieldPanel("job_title")]),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("job_title"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    def __str__(self):
        if self.credentials:
            return f"{self.name}, {self.credentials}"
        return self.name


@register_setting(icon="site")
class ClinicSettings(BaseSiteSetting):
    """Who the clinic is and how to reach it, per Wagtail site."""

    name = models.CharField(
        _("clinic name"),
        max_length=255,
        blank=True,
        help_text=_("Shown in the header and footer of every page and in search results."),
    )
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the header, and when a page is shared without an image of its own."),
    )
    phone = models.CharField(
        _("phone number"),
        max_length=32,
        blank=True,
        help_text=_("As patients should dial it, e.g. '020 7946 0000'."),
    )
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    street_address = models.TextField(
        _("street address"),
        max_length=500,
        blank=True,
        help_text=_("Building and street, one line each."),
    )
    address_locality = models.CharField(_("town or city"), max_length=100, blank=True)
    address_region = models.CharField(_("county, state or province"), max_length=100, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=20, blank=True)
    address_country = models.CharField(
        _("country"),
        max_length=100,
        blank=True,
        help_text=_("A two-letter code such as 'GB', 'US' or 'CA', or the country's name."),
    )
    map_url = models.URLField(
        _("map and directions link"),
        blank=True,
        help_text=_("A link to the clinic on a map, where patients can get directions."),
    )
    opening_hours = StreamField(
        [("hours", OpeningHoursBlock())],
        verbose_name=_("opening hours"),
        blank=True,
        help_text=_("Add one row for each set of days that share the same hours."),
    )
    accepting_new_patients = models.BooleanField(
        _("accepting new patients"),
        default=True,
        help_text=_("Untick while the clinic takes no new patients; pages then say so."),
    )
    appointment_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("appointment page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A page with an appointment request form. Pages without a form of their own link "
            "to it."
        ),
    )
    urgent_phone = models.CharField(
        _("urgent advice phone number"),
        max_length=32,
        blank=True,
        help_text=_("Where patients get urgent medical advice, e.g. 111 in England."),
    )
    urgent_url = models.URLField(
        _("urgent advice website"),
        blank=True,
        help_text=_("An online urgent advice service, e.g. https://111.nhs.uk/ in England."),
    )
    emergency_phone = models.CharField(
        _("emergency phone number"),
        max_length=32,
        blank=True,
        help_text=_("The emergency number in the clinic's country, e.g. 999, 911 or 112."),
    )

    # Fetched with the settings (Wagtail's base_queryset): the header shows the logo and the
    # contact card links the appointment page, in the one query per request.
    select_related = ["logo", "appointment_page"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("logo"), FieldPanel("accepting_new_patients")],
            heading=_("Clinic"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldPanel("email"),
                PageChooserPanel("appointment_page"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel([FieldPanel("address_locality"), FieldPanel("address_region")]),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("address_country")]),
                FieldPanel("map_url"),
            ],
            heading=_("Address"),
        ),
        FieldPanel("opening_hours"),
        MultiFieldPanel(
            [FieldPanel("urgent_phone"), FieldPanel("urgent_url"), FieldPanel("emergency_phone")],
            heading=_("Urgent and emergency care"),
            help_text=_("Used by the care levels block. Leave a number blank to leave it out."),
        ),
    ]

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinic")
