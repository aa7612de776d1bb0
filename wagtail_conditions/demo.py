"""
Demo content: the "Muscle spasms" page of a real clinic, structured, with its six therapies.

``load_demo`` is idempotent: pages and body areas that already exist (matched by slug) are left
exactly as editors left them, and missing ones are created and published.
"""

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page, Site

from .blocks.appointment import DEFAULT_CONSENT, DEFAULT_NOTICE, DEFAULT_THANK_YOU
from .models import BodyArea, ConditionIndexPage, ConditionPage, TherapyIndexPage, TherapyPage

BODY_AREAS = [("Back", "back"), ("Neck and shoulders", "neck-and-shoulders"), ("Arms and legs", "arms-and-legs")]

SEED_OVERVIEW = (
    "Muscles spasms, or sudden involuntary contractions of muscles, are a common, painful ailment. "
    "Spasms occur as the body’s reaction to sudden trauma, as during a vehicular of athletic "
    "accident, or repetitive trauma, as occurs when people remain in an uncomfortable position for "
    "too long, exercise without warming up, carry unusually heavy loads, or work physically hard in "
    "extreme heat. Muscle spasms are the body’s way of protecting an injured joint by preventing "
    "further movement. Chiropractic care, which focuses on spinal and joint manipulation, as well as "
    "stretching and massage, can be very helpful in relaxing the affected muscles and relieving the "
    "intense pain of muscle spasms."
)
SEED_TREATMENT_HEADING = "Integrative Medicine Care for Muscle Spasms"
SEED_TREATMENT = (
    "Muscle spasms typically occur in the large muscles of the limbs or back. Integrative medicine "
    "treatment, which focuses on proper alignment of vertebrae and joints, has the effect of "
    "increasing the flow of oxygen, blood and nutrients to the affected area. Often, muscle spasms "
    "occur when a muscle is exhausted and depleted of necessary fluid, as during dehydration when "
    "electrolyte imbalance also occurs. By decompressing nerves in the spine, and in other joints and "
    "discs, muscles are relaxed and rehydrated, and pain subsides."
)
SEED_TREATMENT_LIST_INTRO = (
    "In addition to adjusting the spinal column and joints, integrative medical care for muscle "
    "spasms may include one or more of the following:"
)
SEED_TREATMENT_OUTRO = (
    "These non-invasive treatments may be used to further relax muscle tension, speed healing, and "
    "promote a general sense of well-being."
)
SEED_ADVANTAGES_HEADING = "Advantages of Integrative Medicine Care"
SEED_ADVANTAGES = (
    "While allopathic medical care usually treats muscle spasms with medication, integrative medical "
    "care with its holistic, hands-on approach, offers several advantages, including rapid symptom "
    "relief and the absence of side effects or rebound effects often associated with analgesics or "
    "anti-inflammatories."
)
SEED_RESOURCES_HEADING = "Additional Resources"
SEED_CTA = "request an appointment"

# (title, summary, note on muscle spasms, session length, about, what to expect, not suitable for)
THERAPIES = [
    (
        "Ice or heat therapy",
        "Cold packs calm swelling after an injury; warmth relaxes tight muscles and eases stiffness.",
        "Ice in the first days after an injury, heat once the muscle is tight rather than swollen.",
        "10 to 20 minutes",
        "Cold narrows blood vessels and numbs the area, which limits swelling and pain after a recent "
        "injury. Heat widens blood vessels, bringing blood to a tight muscle and helping it relax.",
        "Your practitioner applies a wrapped cold pack or a warm pack to the area and checks your "
        "skin regularly. We show you how to continue safely at home.",
        "Not suitable over areas with reduced feeling, poor circulation or broken skin, or for "
        "people with Raynaud’s phenomenon (cold) or a recent burn (heat).",
    ),
    (
        "Ultrasound therapy",
        "Sound waves, too high for you to hear, gently warm deep tissue to ease pain and stiffness.",
        "Warms the deep muscle fibres that hands and packs cannot reach.",
        "5 to 10 minutes",
        "A hand-held head passes high-frequency sound waves into the tissues. They create gentle "
        "warmth deep in the muscle, which can relax it and improve its flexibility.",
        "Gel is spread on your skin and the head is moved slowly over the area. Most people feel "
        "nothing or a mild warmth.",
        "Not used over a pregnant abdomen, the eyes, a pacemaker, active cancer, or recently "
        "fractured bone.",
    ),
    (
        "Electrical stimulation",
        "Small electrical pulses through pads on the skin relax muscles and block pain signals.",
        "Tires out the muscle in spasm so it lets go, and damps pain signals.",
        "15 to 20 minutes",
        "Mild electrical pulses make muscles contract and relax and can interrupt pain signals to "
        "the brain. Treatments such as TENS are widely used for muscle and joint pain.",
        "Sticky pads are placed around the painful area. The strength is raised slowly until you "
        "feel a comfortable tingling, and you can ask for it to be turned down at any time.",
        "Not suitable for people with a pacemaker or other implanted device, epilepsy, or in "
        "pregnancy, and never across the front of the neck or over broken skin.",
    ),
    (
        "Deep muscle massage",
        "Firm, slow massage of the deeper layers of muscle to release tension and improve movement.",
        "Releases the knotted muscle and brings blood flow back to it.",
        "30 to 60 minutes",
        "Deep tissue massage uses slow strokes and sustained pressure on the deeper layers of "
        "muscle and connective tissue to ease tension and restore movement.",
        "You lie on a treatment table, covered except for the area being treated. Some pressure "
        "can feel intense; tell your therapist if it hurts, and they will adjust.",
        "Not suitable over blood clots, recent fractures or surgery, or for people with bleeding "
        "disorders or on blood thinners without medical advice.",
    ),
    (
        "Trigger point therapy",
        "Steady pressure on tight, tender knots in a muscle to release them and relieve referred pain.",
        "Finds and releases the tender knots that keep a muscle in spasm.",
        "30 minutes",
        "Trigger points are small, tight areas in a muscle that can hurt where they are and "
        "elsewhere. Holding pressure on them helps the muscle fibres release.",
        "Your practitioner finds the tender points by touch and presses on each for up to a "
        "minute, until the discomfort fades.",
        "Not suitable over areas of infection, recent injury with swelling, or for people with "
        "bleeding disorders.",
    ),
    (
        "Applied kinesiology",
        "Manual muscle testing used by some practitioners to guide hands-on treatment.",
        "Used alongside adjustment to decide which muscles need attention.",
        "30 to 45 minutes",
        "Applied kinesiology uses manual tests of muscle strength to guide hands-on treatment. Its "
        "use as a diagnostic method is not supported by scientific evidence, so we only use it "
        "alongside an established assessment.",
        "You are asked to hold a limb in position while your practitioner presses against it, "
        "followed by hands-on treatment.",
        "It is not a substitute for a medical diagnosis. Tell us about any injury or condition "
        "that makes pressing against resistance painful.",
    ),
]


def _paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _heading(text, level="h3"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def _child(parent, model, slug, **fields):
    """Return the child page of ``parent`` with ``slug``, creating and publishing it if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _default_parent():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise LookupError("There is no default Wagtail site to add the demo pages to.")
    return site.root_page


def _body_areas():
    areas = {}
    for order, (name, slug) in enumerate(BODY_AREAS):
        areas[slug], _created = BodyArea.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
    return areas


def _therapies(therapy_index):
    """The six therapies of the seed page, as (page, note on muscle spasms) pairs."""
    therapies = []
    for title, summary, note, length, about, expect, contra in THERAPIES:
        therapy, _created = _child(
            therapy_index,
            TherapyPage,
            slugify(title),
            title=title,
            summary=summary,
            session_length=length,
            body=[_paragraph(about)],
            what_to_expect=[_paragraph(expect)],
            contraindications=[_paragraph(contra)],
        )
        therapies.append((therapy, note))
    return therapies


def _call_to_action():
    return {
        "type": "call_to_action",
        "value": {
            "heading": "Struggling with muscle spasms?",
            "text": "Our practitioners can assess you and explain your options.",
            "button_label": SEED_CTA.capitalize(),
            "page": None,
            "url": "#appointment",
        },
    }


def _urgent_care():
    return {
        "type": "callout",
        "value": {
            "tone": "urgent",
            "heading": "Get medical help urgently if",
            "text": (
                "<ul><li>the spasm follows a serious fall or accident</li>"
                "<li>you have numbness, weakness, or loss of bladder or bowel control</li>"
                "<li>the pain is severe and does not ease after a few days</li></ul>"
            ),
        },
    }


def _appointment_form():
    return {
        "type": "appointment_form",
        "value": {
            "heading": SEED_CTA.capitalize(),
            "intro": "Tell us a little about yourself and we will call or email you "
            "to arrange an assessment.",
            "fields": ["phone", "preferred_date", "preferred_time", "patient_status", "reason"],
            "required_fields": ["phone"],
            "button_label": "Send request",
            "thank_you_message": str(DEFAULT_THANK_YOU),
            "booking_notice": str(DEFAULT_NOTICE),
            "consent_text": str(DEFAULT_CONSENT),
            "privacy_page": None,
            "recipients": "",
            "send_acknowledgement": True,
            "anchor": "appointment",
        },
    }


def _resources(therapy_index):
    return {
        "type": "links",
        "value": {
            "heading": SEED_RESOURCES_HEADING,
            "links": [
                {"type": "page", "value": {"page": therapy_index.pk, "label": "Therapies we offer"}},
                {
                    "type": "external",
                    "value": {
                        "url": "https://medlineplus.gov/musclecramps.html",
                        "label": "MedlinePlus: Muscle cramps",
                    },
                },
            ],
        },
    }


def _muscle_spasms(condition_index, therapy_index):
    """The seed page as a condition page, every paragraph in its section."""
    return _child(
        condition_index,
        ConditionPage,
        "muscle-spasms",
        title="Muscle spasms",
        summary=(
            "Sudden, involuntary and painful tightening of a muscle, often in the back or limbs, "
            "after an injury, strain, overuse or dehydration."
        ),
        alternative_names="muscle spasm, muscle cramps, back spasm",
        overview=[_paragraph(SEED_OVERVIEW), _call_to_action()],
        urgent_care=[_urgent_care()],
        treatment=[
            _heading(SEED_TREATMENT_HEADING),
            _paragraph(SEED_TREATMENT),
            _paragraph(SEED_TREATMENT_LIST_INTRO),
        ],
        approach_benefits=[
            _paragraph(SEED_TREATMENT_OUTRO),
            _heading(SEED_ADVANTAGES_HEADING),
            _paragraph(SEED_ADVANTAGES),
            _appointment_form(),
        ],
        resources=[_resources(therapy_index)],
    )


@transaction.atomic
def load_demo(parent=None, *, stdout=None):
    """Create the demo pages under ``parent`` (the default site's root page if not given)."""

    def report(created, what):
        if stdout:
            stdout.write(("Created" if created else "Kept") + f" {what}")

    parent = parent if parent is not None else _default_parent()
    parent = parent.specific if isinstance(parent, Page) else parent
    areas = _body_areas()

    therapy_index, created = _child(
        parent,
        TherapyIndexPage,
        "therapies",
        title="Therapies",
        intro="Hands-on and supportive treatments our practitioners use.",
    )
    report(created, f"therapy index “{therapy_index.title}”")
    condition_index, created = _child(
        parent,
        ConditionIndexPage,
        "conditions",
        title="Conditions we treat",
        intro="Find a condition to learn what causes it and how we can help.",
    )
    report(created, f"condition index “{condition_index.title}”")
    therapies = _therapies(therapy_index)

    condition, created = _muscle_spasms(condition_index, therapy_index)
    if created:
        condition.body_areas.set([areas["back"], areas["arms-and-legs"]])
        # An explicit order: without one, PostgreSQL may list the therapies in any order.
        for order, (therapy, note) in enumerate(therapies):
            condition.therapy_links.create(therapy=therapy, note=note, sort_order=order)
        condition.save_revision().publish()
    report(created, f"condition “{condition.title}”")
    return condition
