"""The appointment request form block: drop it into any StreamField."""

import json
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.fields import StreamField
from wagtail.models import PageViewRestriction

from .. import render_cache
from ..appointments.choices import OPTIONAL_FIELDS
from ..appointments.description import FORM_DESCRIPTION_SCHEMA, describe_form, describe_submit
from ..appointments.form_state import FormState, get_form_state
from ..appointments.forms import AppointmentRequestForm
from ..conf import conf
from ..validators import parse_email_list

FIELD_CHOICES = [
    ("phone", _("Phone number")),
    ("preferred_date", _("Preferred date")),
    ("preferred_time", _("Preferred time of day")),
    ("patient_status", _("New or returning patient")),
    ("reason", _("Reason for visit")),
]
# How a form treats each optional question: the editor's one choice per question.
DONT_ASK = "dont_ask"
OPTIONAL = "optional"
REQUIRED = "required"
ASK_CHOICES = [
    (DONT_ASK, _("Don't ask")),
    (OPTIONAL, _("Ask, optional")),
    (REQUIRED, _("Ask, required")),
]
# What a new form asks: a clinic calls patients back, so the phone number is required; the rest
# helps to plan the appointment without stopping anyone who cannot answer it.
DEFAULT_QUESTIONS = {
    "phone": REQUIRED,
    "preferred_date": OPTIONAL,
    "preferred_time": OPTIONAL,
    "patient_status": OPTIONAL,
    "reason": OPTIONAL,
}
QUESTION_HELP = {
    "phone": _("Lets the clinic call the patient back."),
    "preferred_date": _("A day the patient would like; the clinic still agrees the time."),
    "preferred_time": _("Morning, afternoon, evening or any time."),
    "patient_status": _("Whether the patient has been to the clinic before."),
    "reason": _("A few words on what the patient would like help with."),
}
DEFAULT_CONSENT = _(
    "I agree to the clinic keeping these details to contact me about an appointment, as "
    "described in the privacy notice."
)
DEFAULT_THANK_YOU = _(
    "Thank you. We have received your request and will contact you within two working days "
    "to arrange a time."
)
DEFAULT_NOTICE = _(
    "Sending this form does not book an appointment: we will contact you to agree a time. "
    "If you need urgent medical help, call your local emergency number."
)


@dataclass
class FormConfig:
    """What one form block asks for and says, resolved for a page."""

    page_id: int
    block_id: str
    fields: list
    required_fields: list
    consent_text: str
    thank_you_message: str
    privacy_url: str = ""
    privacy_version: str = ""
    recipients: list = field(default_factory=list)
    send_acknowledgement: bool = True
    anchor: str = ""


class QuestionChoiceBlock(blocks.ChoiceBlock):
    """Whether a form asks one question, and whether patients must answer it."""

    def __init__(self, name, **kwargs):
        self.question = name
        super().__init__(
            choices=ASK_CHOICES,
            default=DEFAULT_QUESTIONS[name],
            label=dict(FIELD_CHOICES)[name],
            help_text=QUESTION_HELP[name],
            **kwargs,
        )

    def clean(self, value):
        if value not in dict(ASK_CHOICES):
            raise ValidationError(
                _("Choose whether to ask “%(question)s”: don't ask, optional or required.")
                % {"question": self.label},
                code="invalid_choice",
            )
        return super().clean(value)


class QuestionsBlock(blocks.StructBlock):
    """One choice per optional question (name, email and consent are always asked)."""

    phone = QuestionChoiceBlock("phone")
    preferred_date = QuestionChoiceBlock("preferred_date")
    preferred_time = QuestionChoiceBlock("preferred_time")
    patient_status = QuestionChoiceBlock("patient_status")
    reason = QuestionChoiceBlock("reason")

    class Meta:
        icon = "list-ul"
        form_classname = "wc-appointment-questions"
        # Collapsed, the group shows its label only: the first question's choice alone
        # ("Questions: Ask, required") would read as if it applied to all of them.
        label_format = ""


def questions_from_lists(fields, required_fields):
    """The ``questions`` value that the two lists of the former shape meant. A question in
    ``required_fields`` but not in ``fields`` was not asked (the form showed only ``fields``)."""
    fields = set(fields or [])
    required_fields = set(required_fields or [])
    questions = {}
    for name in OPTIONAL_FIELDS:
        if name not in fields:
            questions[name] = DONT_ASK
        else:
            questions[name] = REQUIRED if name in required_fields else OPTIONAL
    return questions


def upgrade_stored_value(value):
    """A stored form block value in the current shape: the former ``fields`` and
    ``required_fields`` lists become ``questions`` (a value without either, or already holding
    ``questions``, is returned as it is)."""
    if not isinstance(value, dict) or "questions" in value:
        return value
    if "fields" not in value and "required_fields" not in value:
        return value
    upgraded = {k: v for k, v in value.items() if k not in ("fields", "required_fields")}
    # A value saved without ``fields`` asked every question: that list's default.
    fields = value["fields"] if "fields" in value else OPTIONAL_FIELDS
    upgraded["questions"] = questions_from_lists(fields, value.get("required_fields"))
    return upgraded


def asked_questions(value):
    """The optional questions a form block value asks, in display order."""
    questions = value.get("questions") or {}
    return [name for name in OPTIONAL_FIELDS if questions.get(name, DONT_ASK) != DONT_ASK]


def required_questions(value):
    """The optional questions a form block value requires, in display order."""
    questions = value.get("questions") or {}
    return [name for name in OPTIONAL_FIELDS if questions.get(name) == REQUIRED]


class AppointmentFormBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=150,
        default=_("Request an appointment"),
        help_text=_("Shown above the form and listed under “On this page”."),
    )
    intro = blocks.TextBlock(
        label=_("Introduction"),
        required=False,
        max_length=500,
        help_text=_("A sentence above the form, e.g. who the appointment will be with."),
    )
    questions = QuestionsBlock(
        label=_("Questions"),
        help_text=_(
            "Name, email address and consent are always asked and must be answered. For each "
            "other question, choose whether to ask it and whether patients must answer it. Ask "
            "only what you need."
        ),
    )
    button_label = blocks.CharBlock(
        label=_("Button text"),
        max_length=50,
        default=_("Send request"),
        help_text=_("The words on the button that sends the form."),
    )
    thank_you_message = blocks.TextBlock(
        label=_("Thank-you message"),
        max_length=500,
        default=DEFAULT_THANK_YOU,
        help_text=_(
            "Shown in place of the form once a request is sent, with its reference. Say when "
            "and how the clinic will reply."
        ),
    )
    booking_notice = blocks.TextBlock(
        label=_("Not-a-booking statement"),
        max_length=500,
        default=DEFAULT_NOTICE,
        help_text=_("Tells patients a request is not a confirmed appointment."),
    )
    consent_text = blocks.TextBlock(
        label=_("Consent wording"),
        max_length=500,
        default=DEFAULT_CONSENT,
        help_text=_("Shown beside the consent tick box and stored with each request."),
    )
    privacy_page = blocks.PageChooserBlock(
        label=_("Privacy notice page"),
        required=False,
        help_text=_("Leave blank to use the page chosen in Settings › Appointment requests."),
    )
    recipients = blocks.CharBlock(
        label=_("Notify these staff addresses"),
        required=False,
        max_length=500,
        help_text=_(
            "Email addresses separated by commas. Leave blank to use Settings › Appointment "
            "requests."
        ),
    )
    send_acknowledgement = blocks.BooleanBlock(
        label=_("Email the patient an acknowledgement"),
        required=False,
        default=True,
        help_text=_(
            "Sends the patient a short email confirming their request was received, with its "
            "reference. It says nothing about their health."
        ),
    )
    anchor = blocks.RegexBlock(
        label=_("Link name"),
        regex=r"^[a-z][a-z0-9-]{0,49}$",
        required=False,
        default="appointment",
        error_messages={"invalid": _("Use lower-case letters, digits and hyphens.")},
        help_text=_(
            "A short name for the form, used in links that jump to it: a button linking to "
            "#appointment opens the page at the form named appointment. Use lower-case letters, "
            "digits and hyphens, and a different name for each form on a page. Leave blank to "
            "have one made for you."
        ),
    )

    class Meta:
        icon = "date"
        label = _("Appointment request form")
        template = "wagtail_conditions/blocks/appointment_form_block.html"
        thank_you_template = "wagtail_conditions/blocks/appointment_thank_you.html"
        form_classname = "wc-appointment-block-form"

    # --- Stored shape ---------------------------------------------------------------------
    # Content saved before the one list of questions holds two lists, ``fields`` (asked) and
    # ``required_fields`` (must be answered). It is read as the new ``questions`` value, so it
    # keeps working without a data migration and is saved in the new shape on the next edit.

    def to_python(self, value):
        return super().to_python(upgrade_stored_value(value))

    def bulk_to_python(self, values):
        return super().bulk_to_python([upgrade_stored_value(value) for value in values])

    def normalize(self, value):
        return super().normalize(upgrade_stored_value(value))

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        try:
            parse_email_list(value.get("recipients"))
        except ValidationError as error:
            errors["recipients"] = error
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_config(self, value, page, block_id, *, site=None, request=None, site_settings=None):
        """Resolve the block's settings, falling back to the site's, into a ``FormConfig``.
        Given the ``request``, the site settings come from its per-request cache; given
        ``site_settings`` (an API response resolves them once per site), from there."""
        # Through the app registry: the models import this module for their StreamFields.
        AppointmentSettings = apps.get_model("wagtail_conditions", "AppointmentSettings")
        if site_settings is None and request is not None:
            site_settings = AppointmentSettings.for_request(request)
        elif site_settings is None and site is not None:
            site_settings = AppointmentSettings.for_site(site)
        privacy_page = value.get("privacy_page") or (
            site_settings.privacy_notice if site_settings else None
        )
        recipients = self.get_recipients(value, page, site_settings)
        privacy_url = ""
        privacy_version = ""
        if privacy_page is not None:
            privacy_page = privacy_page.specific_deferred
            privacy_url = privacy_page.get_url() or ""
            privacy_version = str(privacy_page.live_revision_id or "")
        return FormConfig(
            page_id=page.pk if page is not None else None,
            block_id=str(block_id),
            fields=asked_questions(value),
            required_fields=required_questions(value),
            consent_text=str(value.get("consent_text") or DEFAULT_CONSENT),
            thank_you_message=str(value.get("thank_you_message") or DEFAULT_THANK_YOU),
            privacy_url=privacy_url,
            privacy_version=privacy_version,
            recipients=recipients,
            send_acknowledgement=bool(value.get("send_acknowledgement")),
            anchor=form_anchor(value, block_id),
        )

    # --- Extension points ----------------------------------------------------------------
    # Override these in a subclass of the block (and use the subclass in your StreamField) to
    # change how requests are validated, built, filed, notified and thanked for, as Wagtail's
    # form pages offer get_form_class, process_form_submission and render_landing_page.

    def get_form_class(self):
        """The Django form that validates a submission, on both faces. A subclass of
        ``AppointmentRequestForm`` keeps the configured questions working."""
        return AppointmentRequestForm

    def get_form(self, data=None, *, config):
        return self.get_form_class()(data, config=config)

    def get_submission_class(self):
        """The model a submission is stored as: ``AppointmentRequest`` or a proxy of it (the
        inbox, exports and notifications work on ``AppointmentRequest``)."""
        return apps.get_model("wagtail_conditions", "AppointmentRequest")

    def build_appointment_request(self, form, *, page, config):
        """
        An unsaved request built from the valid ``form``. The pipeline then sets its status,
        spam reason, notification state and de-duplication key, and saves it in one
        transaction. Override to store answers of your own form's extra fields.
        """
        cleaned = form.cleaned_data
        return self.get_submission_class()(
            name=cleaned["name"],
            email=cleaned["email"],
            phone=cleaned.get("phone") or "",
            preferred_date=cleaned.get("preferred_date"),
            preferred_time=cleaned.get("preferred_time") or "",
            patient_status=cleaned.get("patient_status") or "",
            reason=cleaned.get("reason") or "",
            source_page=page,
            source_page_title=page.title,
            block_id=config.block_id,
            topic=self.get_topic(page),
            consent_text=config.consent_text,
            consent_given_at=timezone.now(),
            privacy_notice_url=config.privacy_url,
            privacy_notice_version=config.privacy_version,
            recipients=",".join(config.recipients),
            send_acknowledgement=config.send_acknowledgement,
        )

    def get_topic(self, page):
        """What a request from ``page`` is about (the inbox lists and filters by it): the
        page's ``get_appointment_topic()`` where it has one (condition and therapy pages
        answer with their title), otherwise nothing."""
        get_topic = getattr(page, "get_appointment_topic", None)
        return str(get_topic() or "") if get_topic else ""

    def get_recipients(self, value, page, site_settings):
        """The staff addresses to notify: the block's own, else the site's settings, else
        ``APPOINTMENT_RECIPIENTS``."""
        recipients = parse_email_list(value.get("recipients"))
        if not recipients and site_settings:
            recipients = parse_email_list(site_settings.notification_recipients)
        return recipients or list(conf.APPOINTMENT_RECIPIENTS)

    def render_thank_you(self, value, context):
        """The HTML shown in place of the form once a request is sent (``context`` holds
        ``config``, ``reference``, ``page`` and ``request``)."""
        return render_to_string(self.meta.thank_you_template, context)

    def get_api_representation(self, value, context=None):
        """
        Everything a front end needs to render and submit the form without hard-coding it:
        its fields, wording, the submit URL and the anti-spam token. The page comes from
        ``context["page"]``, which our API serializers provide; without it (a StreamField
        serialized by Wagtail's default serializer) ``submit`` is null.
        """
        context = context or {}
        page = context.get("page")
        request = context.get("request")
        batch = context.get("api_batch")
        if page is None:
            return describe_form(self, value, None, None, request=request)
        if batch is None:
            return describe_form(self, value, page, _find_block_id(page, value), request=request)
        block_id = batch.block_id(value) or _find_block_id(page, value)
        site_settings = batch.site_settings(page, request)
        # All but ``submit`` depends only on the block's value, its anchor and the site's
        # settings: described once per response for the forms that share them (a listing of
        # pages made from one template), each page given its own submit part and token.
        key = (
            id(self),
            form_anchor(value, block_id),
            id(site_settings),
            json.dumps(self.get_prep_value(value), sort_keys=True, default=str),
        )
        shared = batch.memo(
            key, lambda: describe_form(self, value, None, block_id, site_settings=site_settings)
        )
        return {**shared, "submit": describe_submit(page, block_id, request=request)}

    def get_api_schema(self):
        return FORM_DESCRIPTION_SCHEMA

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        request = parent_context.get("request")
        page = parent_context.get("page")
        block_id = _find_block_id(page, value) or parent_context.get("id")
        context["block_id"] = block_id
        context["anchor"] = form_anchor(value, block_id)
        if request is None or page is None or not block_id or not page.pk:
            context["unavailable"] = True
            return context
        if _has_view_restrictions(page, request):
            # Submissions are anonymous by design, so the submit view only accepts forms on
            # public pages (its re-rendered page would otherwise show private content). Say so
            # here rather than show a form that could never be sent.
            context["private"] = True
            return context

        config = self.get_config(value, page, block_id, request=request)
        state = get_form_state(request, block_id) or FormState()
        key = self._fragment_key(value, page, block_id, config, state, request, parent_context)
        kept = render_cache.kept_fragment(key)
        if kept is not None:
            context["kept_html"] = kept
            return context
        context["fragment_key"] = key
        form = state.form or self.get_form(config=config)
        prefix = f"appointment-{block_id[:8]}"
        form.auto_id = prefix + "-%s"
        context.update(
            {
                "config": config,
                "form": form,
                "fields": [_field_context(form[name]) for name in form.fields if name != "consent"],
                "consent": _field_context(form["consent"]),
                "sent": state.sent,
                "reference": state.reference,
                "notice": state.notice,
                "token": state.token or render_cache.form_token(request, page.pk, block_id),
                "submit_url": reverse("wagtail_conditions:appointment_submit"),
                "prefix": prefix,
                # Comments around the section in a page kept by the render cache, where one
                # visitor's errors or thank-you are put in (render_cache.serve_with_form_state).
                "region": render_cache.form_region(request, page.pk, block_id),
            }
        )
        if state.sent:
            context["thank_you"] = self.render_thank_you(value, context)
        return context

    def render(self, value, context=None):
        # Wagtail's render, but a fresh form's HTML is read from the render cache where
        # ``get_context`` found it, and kept where it did not.
        template = self.get_template(value, context=context)
        if not template:
            return self.render_basic(value, context=context)
        new_context = self.get_context(
            value, parent_context=None if context is None else dict(context)
        )
        if "kept_html" in new_context:
            return mark_safe(new_context["kept_html"])  # noqa: S308 - our own template's output
        html = render_to_string(template, new_context)
        render_cache.keep_fragment(new_context.get("fragment_key"), html)
        return mark_safe(html)  # noqa: S308 - a rendered template, as Wagtail marks it

    def _fragment_key(self, value, page, block_id, config, state, request, parent_context):
        """The key of this form's HTML as a fresh form rendered for the render cache (its
        token a marker), kept across content versions: everything it shows is in the key (the
        block's value, its resolved config with the privacy page's URL, the page and block,
        the template, the URLs it posts to; the language and date). None for a form showing a
        visitor's state, and for a subclass that changes how the form is rendered."""
        if state.form is not None or state.sent or state.notice or state.token:
            return None
        if type(self).get_context is not AppointmentFormBlock.get_context or (
            type(self).render is not AppointmentFormBlock.render
        ):
            return None
        return render_cache.fragment_key(
            request,
            [
                f"{type(self).__module__}.{type(self).__qualname__}",
                self.get_template(value, context=parent_context),
                json.dumps(self.get_prep_value(value), sort_keys=True, default=str),
                repr(config),
                page.pk,
                block_id,
                reverse("wagtail_conditions:appointment_submit"),
                reverse("wagtail_conditions:appointment_token"),
                static("wagtail_conditions/js/appointment-form.js"),
            ],
        )


def form_anchor(value, block_id):
    """The id of the form's section: the editor's anchor, or one made from the block id."""
    return value.get("anchor") or f"appointment-{str(block_id)[:8]}"


def _field_context(bound_field):
    """What the template needs to render one field the GOV.UK way, with ARIA wired up."""
    field_id = bound_field.auto_id
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{field_id}-hint")
    if bound_field.errors:
        described_by.append(f"{field_id}-error")
    attrs = {"class": "wc-input"}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if bound_field.field.required:
        attrs["required"] = True
    widget = bound_field.field.widget
    is_choice = widget.input_type == "radio" if hasattr(widget, "input_type") else False
    is_checkbox = getattr(widget, "input_type", "") == "checkbox"
    if is_checkbox:
        attrs["class"] = "wc-checkbox"
    return {
        "bound": bound_field,
        "id": field_id,
        "is_choice": is_choice,
        "is_checkbox": is_checkbox,
        "described_by": " ".join(described_by),
        "widget": None if is_choice else bound_field.as_widget(attrs=attrs),
        "choices": [
            {"tag": choice.tag(), "id": choice.id_for_label, "label": choice.choice_label}
            for choice in bound_field.subwidgets
        ]
        if is_choice
        else [],
    }


def iter_stream_children(stream_value):
    """Yield every bound block in a StreamValue, descending into nested streams and lists."""
    for child in stream_value:
        yield child
        yield from _iter_nested(child.value)


def _iter_nested(value):
    if isinstance(value, blocks.StreamValue):
        yield from iter_stream_children(value)
    elif isinstance(value, blocks.StructValue):
        for item in value.values():
            yield from _iter_nested(item)
    elif isinstance(value, blocks.list_block.ListValue):
        for bound in value.bound_blocks:
            if bound.id:
                yield bound
            yield from _iter_nested(bound.value)


def iter_form_blocks(page):
    """Yield (block id, block, value) for each appointment form on ``page``. The walk visits
    every block of every StreamField: it is made once per page instance (a render asks for
    the forms several times: the contents list, the contact card, each form's own id)."""
    found = page.__dict__.get("_wagtail_conditions_form_blocks")
    if found is None:
        found = [
            (child.id, child.block, child.value)
            for model_field in page._meta.get_fields()
            if isinstance(model_field, StreamField)
            for child in iter_stream_children(getattr(page, model_field.name))
            if isinstance(child.block, AppointmentFormBlock) and child.id
        ]
        page.__dict__["_wagtail_conditions_form_blocks"] = found
    yield from found


def form_contents_entries(page):
    """(anchor, heading) of each appointment form on ``page``, for "On this page" lists."""
    return [
        (form_anchor(value, block_id), value.get("heading"))
        for block_id, _block, value in iter_form_blocks(page)
    ]


def find_form_block(page, block_id):
    """The (block, value) of the appointment form with ``block_id`` on ``page``, or None."""
    # A form at the top level of a StreamField (where our stream blocks offer it) is found in
    # the field's raw data, and only the form blocks are converted: the rest of the page's
    # blocks, and the rows their choosers reference, are never read. A form nested in a host's
    # own block is found by walking everything.
    for model_field in page._meta.get_fields():
        if isinstance(model_field, StreamField):
            stream = getattr(page, model_field.name)
            for index, raw in enumerate(stream.raw_data):
                if isinstance(raw, dict) and raw.get("id") == block_id:
                    child = stream[index]
                    if isinstance(child.block, AppointmentFormBlock):
                        return child.block, child.value
    for child_id, block, value in iter_form_blocks(page):
        if child_id == block_id:
            return block, value
    return None


def _find_block_id(page, value):
    # Wagtail 7.4 does not pass a stream child's id to its template; find it by identity. The
    # page's forms are walked once per page instance (a page may hold several forms, and the
    # walk visits every block of every StreamField), then looked up.
    if page is None:
        return None
    found = getattr(page, "_wagtail_conditions_form_ids", None)
    if found is None or id(value) not in found:
        found = {
            id(child_value): child_id for child_id, _block, child_value in iter_form_blocks(page)
        }
        page._wagtail_conditions_form_ids = found
    return found.get(id(value))


def _has_view_restrictions(page, request):
    """Whether ``page`` or an ancestor has a view restriction (Wagtail's
    ``get_view_restrictions().exists()``), in one query instead of two, once per request."""
    if render_cache.VIEW_RESTRICTIONS_ATTRIBUTE in page.__dict__:
        return page.get_view_restrictions().exists()  # read already, by Wagtail's serve
    known = request.__dict__.setdefault("_wagtail_conditions_restricted", {})
    if page.pk not in known:
        # Restrictions on an alias are its source page's (Wagtail's rule), so an aliased page
        # or ancestor adds its source. Both page sets are subqueries of the one query.
        pages = page.get_ancestors(inclusive=True)
        known[page.pk] = PageViewRestriction.objects.filter(
            Q(page__in=pages) | Q(page__in=pages.filter(alias_of__isnull=False).values("alias_of"))
        ).exists()
    return known[page.pk]
