"""
Demo content: the "Muscle spasms" page of a real clinic, structured, with its six therapies,
its Spanish translation ("Espasmos musculares"), and the practitioners who reviewed them.

``load_demo`` is idempotent: pages and body areas that already exist (matched by slug, or by
translation for the translated ones) are left exactly as editors left them, and missing ones are
created and published. ``translate_demo`` adds a language's translations the same way, and
``review_demo`` the practitioners (and their translations) and the review of pages not reviewed
yet, and ``feedback_demo`` a few patients' answers to "Was this page helpful?".
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from .blocks.appointment import (
    DEFAULT_CONSENT,
    DEFAULT_NOTICE,
    DEFAULT_THANK_YOU,
    OPTIONAL,
    REQUIRED,
)
from .conf import conf
from .models import (
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    PageFeedback,
    Practitioner,
    TherapyIndexPage,
    TherapyPage,
)
from .readability.analysis import analyse_page

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
    locale = Locale.get_default()
    for order, (name, slug) in enumerate(BODY_AREAS):
        areas[slug], _created = BodyArea.objects.get_or_create(
            slug=slug, locale=locale, defaults={"name": name, "sort_order": order}
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


CALL_TO_ACTION = {
    "heading": "Struggling with muscle spasms?",
    "text": "Our practitioners can assess you and explain your options.",
    "button_label": SEED_CTA.capitalize(),
}
URGENT_CARE = {
    "heading": "Get medical help urgently if",
    "items": [
        "the spasm follows a serious fall or accident",
        "you have numbness, weakness, or loss of bladder or bowel control",
        "the pain is severe and does not ease after a few days",
    ],
}
APPOINTMENT_FORM = {
    "heading": SEED_CTA.capitalize(),
    "intro": "Tell us a little about yourself and we will call or email you to arrange an "
    "assessment.",
    "button_label": "Send request",
    "thank_you_message": str(DEFAULT_THANK_YOU),
    "booking_notice": str(DEFAULT_NOTICE),
    "consent_text": str(DEFAULT_CONSENT),
    "anchor": "appointment",
}
RESOURCE_LINKS = {
    "therapies": "Therapies we offer",
    "url": "https://medlineplus.gov/musclecramps.html",
    "label": "MedlinePlus: Muscle cramps",
}


def _call_to_action(text=CALL_TO_ACTION, anchor=APPOINTMENT_FORM["anchor"]):
    return {"type": "call_to_action", "value": {**text, "page": None, "url": f"#{anchor}"}}


def _urgent_care(text=URGENT_CARE):
    items = "".join(f"<li>{item}</li>" for item in text["items"])
    return {
        "type": "callout",
        "value": {"tone": "urgent", "heading": text["heading"], "text": f"<ul>{items}</ul>"},
    }


def _appointment_form(text=APPOINTMENT_FORM):
    return {
        "type": "appointment_form",
        "value": {
            **text,
            # Every question asked; the phone number must be given.
            "questions": {
                "phone": REQUIRED,
                "preferred_date": OPTIONAL,
                "preferred_time": OPTIONAL,
                "patient_status": OPTIONAL,
                "reason": OPTIONAL,
            },
            "privacy_page": None,
            "recipients": "",
            "send_acknowledgement": True,
        },
    }


# The evidence the page rests on: (title, authors, publisher, address, DOI, PubMed ID, date
# published, days since an editor last checked it). The two web pages are real addresses whose
# publication dates change as their publishers revise them, so the demo leaves them blank
# rather than invent one; the review article's DOI and date are its publisher's. One was last
# checked over a year ago, so the review report shows what a source due for a check looks like.
MUSCLE_SPASMS_SOURCES = [
    (
        "Leg cramps",
        "",
        "NHS",
        "https://www.nhs.uk/conditions/leg-cramps/",
        "",
        "",
        None,
        30,
    ),
    (
        "Muscle cramps",
        "",
        "MedlinePlus, U.S. National Library of Medicine",
        "https://medlineplus.gov/musclecramps.html",
        "",
        "",
        None,
        30,
    ),
    (
        "Muscle cramps and contractures: causes and treatment",
        "Dijkstra JN; Boon E; Kruijt N; Brusse E; Ramdas S; Jungbluth H; van Engelen BGM; "
        "Walters J; Voermans NC",
        "Practical Neurology",
        "",
        "10.1136/pn-2022-003574",
        "",
        datetime.date(2022, 12, 15),
        400,
    ),
]


def _sources(today=None, sources=MUSCLE_SPASMS_SOURCES):
    today = today or timezone.localdate()
    return [
        {
            "type": "source",
            "value": {
                "title": title,
                "authors": authors,
                "publisher": publisher,
                "url": url,
                "doi": doi,
                "pmid": pmid,
                "date_published": published.isoformat() if published else None,
                "last_checked": (today - datetime.timedelta(days=checked)).isoformat(),
            },
        }
        for title, authors, publisher, url, doi, pmid, published, checked in sources
    ]


def _resources(therapy_index, heading=SEED_RESOURCES_HEADING, text=RESOURCE_LINKS):
    return {
        "type": "links",
        "value": {
            "heading": heading,
            "links": [
                {"type": "page", "value": {"page": therapy_index.pk, "label": text["therapies"]}},
                {"type": "external", "value": {"url": text["url"], "label": text["label"]}},
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
        sources=_sources(),
    )


@transaction.atomic
def load_demo(parent=None, *, stdout=None, languages=()):
    """Create the demo pages under ``parent`` (the default site's root page if not given), and
    their translations into each of ``languages`` (language codes in ``TRANSLATIONS``)."""

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
    for language_code in languages:
        translate_demo(parent, language_code, stdout=stdout)
    if stdout:
        stdout.write(reading_ages_line(condition))
    return condition


def reading_ages_line(page):
    """The reading age of each section of ``page``, in one line: what the editor's panel and
    the Checks panel show (the seed's sections are written well above the target)."""
    parts = [
        f"{section.heading} {section.analysis.reading_age} ({section.analysis.band})"
        for section in analyse_page(page)
        if section.analysis.reading_age is not None
    ]
    target = conf.READABILITY_TARGET_AGE
    return f"Reading ages of “{page.title}” (target {target}): " + ", ".join(parts)


# Translations of the demo, by language code: written for patients in plain language (usted),
# not word for word. Therapies are keyed by their English slug.
TRANSLATIONS = {
    "es": {
        "body_areas": {
            "back": ("Espalda", "espalda"),
            "neck-and-shoulders": ("Cuello y hombros", "cuello-y-hombros"),
            "arms-and-legs": ("Brazos y piernas", "brazos-y-piernas"),
        },
        # By the practitioner's English name: name, job title and biography.
        "practitioners": {
            "Dr Amara Okafor": (
                "Dra. Amara Okafor",
                "Quiropráctica",
                "Amara trata el dolor de espalda y de cuello desde hace 15 años. Tiene un interés "
                "especial en las lesiones deportivas y en ayudar a las personas a volver al "
                "trabajo después de una distensión muscular.",
            ),
            "Tomás Herrera": (
                "Tomás Herrera",
                "Fisioterapeuta",
                "Tomás le ayuda a moverse de nuevo después de una lesión, con ejercicios, masaje "
                "y consejos que usted puede seguir en casa. Atiende a sus pacientes en inglés y "
                "en español.",
            ),
            "Grace Whitfield": (
                "Grace Whitfield",
                "Masajista deportiva",
                "Grace utiliza el masaje de tejido profundo y la terapia de puntos gatillo para "
                "aliviar los músculos tensos y doloridos, y le enseña estiramientos para que se "
                "mantengan relajados.",
            ),
        },
        "therapy_index": {
            "slug": "terapias",
            "title": "Terapias",
            "intro": "Los tratamientos manuales y de apoyo que usan nuestros profesionales.",
        },
        "condition_index": {
            "slug": "dolencias",
            "title": "Dolencias que tratamos",
            "intro": "Busque una dolencia para saber por qué aparece y cómo podemos ayudarle.",
        },
        "therapies": {
            "ice-or-heat-therapy": {
                "slug": "terapia-con-frio-o-calor",
                "title": "Terapia con frío o calor",
                "summary": "El frío calma la hinchazón después de una lesión; el calor relaja "
                "los músculos tensos y alivia la rigidez.",
                "note": "Frío en los primeros días tras la lesión; calor cuando el músculo ya "
                "no está hinchado, sino tenso.",
                "session_length": "De 10 a 20 minutos",
                "about": "El frío estrecha los vasos sanguíneos y adormece la zona, lo que "
                "limita la hinchazón y el dolor de una lesión reciente. El calor los ensancha: "
                "llega más sangre al músculo tenso y le ayuda a relajarse.",
                "expect": "Su terapeuta le coloca en la zona una bolsa de frío envuelta en un "
                "paño, o una compresa caliente, y le revisa la piel a menudo. También le "
                "enseñamos a seguir con el tratamiento en casa sin riesgos.",
                "contraindications": "No es adecuada en zonas con poca sensibilidad, mala "
                "circulación o heridas abiertas, ni para personas con el fenómeno de Raynaud "
                "(frío) o con una quemadura reciente (calor).",
            },
            "ultrasound-therapy": {
                "slug": "terapia-con-ultrasonidos",
                "title": "Terapia con ultrasonidos",
                "summary": "Ondas de sonido, demasiado agudas para oírlas, calientan con "
                "suavidad los tejidos profundos y alivian el dolor y la rigidez.",
                "note": "Calienta las fibras profundas del músculo, adonde no llegan ni las "
                "manos ni las compresas.",
                "session_length": "De 5 a 10 minutos",
                "about": "Un cabezal que se sostiene con la mano envía ondas de sonido de alta "
                "frecuencia a los tejidos. Estas ondas producen un calor suave en el interior "
                "del músculo, que le ayuda a relajarse y a ganar flexibilidad.",
                "expect": "Se extiende un gel sobre la piel y se desliza el cabezal despacio "
                "por la zona. La mayoría de las personas no nota nada, o solo un ligero calor.",
                "contraindications": "No se aplica sobre el vientre durante el embarazo, sobre "
                "los ojos o un marcapasos, en zonas con un cáncer activo ni sobre un hueso "
                "fracturado hace poco.",
            },
            "electrical-stimulation": {
                "slug": "electroestimulacion",
                "title": "Electroestimulación",
                "summary": "Pequeños impulsos eléctricos, a través de unos parches en la piel, "
                "relajan los músculos y bloquean las señales de dolor.",
                "note": "Cansa al músculo contraído para que se suelte y reduce las señales "
                "de dolor.",
                "session_length": "De 15 a 20 minutos",
                "about": "Unos impulsos eléctricos suaves hacen que los músculos se contraigan "
                "y se relajen, y pueden frenar las señales de dolor que llegan al cerebro. "
                "Tratamientos como la TENS se usan mucho para el dolor de músculos y "
                "articulaciones.",
                "expect": "Le colocamos unos parches adhesivos alrededor de la zona que le "
                "duele. Subimos la intensidad poco a poco hasta que note un hormigueo "
                "agradable, y puede pedirnos que la bajemos en cualquier momento.",
                "contraindications": "No es adecuada si lleva un marcapasos u otro aparato "
                "implantado, si tiene epilepsia o si está embarazada. Nunca se aplica en la "
                "parte delantera del cuello ni sobre heridas.",
            },
            "deep-muscle-massage": {
                "slug": "masaje-muscular-profundo",
                "title": "Masaje muscular profundo",
                "summary": "Un masaje firme y lento de las capas profundas del músculo para "
                "soltar la tensión y moverse mejor.",
                "note": "Suelta el músculo agarrotado y le devuelve el riego sanguíneo.",
                "session_length": "De 30 a 60 minutos",
                "about": "El masaje profundo combina movimientos lentos y una presión "
                "mantenida sobre las capas profundas del músculo y del tejido que lo rodea, "
                "para aliviar la tensión y recuperar el movimiento.",
                "expect": "Se tumba en una camilla, tapado salvo la zona que se trata. Algunas "
                "presiones pueden ser intensas: si le duele, dígaselo a su terapeuta y la "
                "ajustará.",
                "contraindications": "No es adecuado sobre un coágulo de sangre ni sobre una "
                "fractura o una operación recientes, ni para personas con problemas de "
                "coagulación o que toman anticoagulantes, salvo que su médico lo apruebe.",
            },
            "trigger-point-therapy": {
                "slug": "terapia-de-puntos-gatillo",
                "title": "Terapia de puntos gatillo",
                "summary": "Una presión mantenida sobre nudos tensos y sensibles del músculo "
                "para soltarlos y aliviar el dolor que se extiende a otras zonas.",
                "note": "Localiza y suelta los nudos sensibles que mantienen el músculo "
                "contraído.",
                "session_length": "30 minutos",
                "about": "Los puntos gatillo son zonas pequeñas y tensas de un músculo que "
                "pueden doler en ese mismo sitio y también en otras partes del cuerpo. "
                "Mantener la presión sobre ellos ayuda a que las fibras del músculo se "
                "suelten.",
                "expect": "Su terapeuta localiza con las manos los puntos sensibles y presiona "
                "cada uno durante un minuto como máximo, hasta que la molestia desaparece.",
                "contraindications": "No es adecuada sobre zonas con infección o con una "
                "lesión reciente que esté hinchada, ni para personas con problemas de "
                "coagulación.",
            },
            "applied-kinesiology": {
                "slug": "kinesiologia-aplicada",
                "title": "Kinesiología aplicada",
                "summary": "Pruebas de fuerza muscular hechas con las manos, que algunos "
                "profesionales usan para orientar el tratamiento manual.",
                "note": "Se usa junto con el ajuste para decidir qué músculos necesitan "
                "atención.",
                "session_length": "De 30 a 45 minutos",
                "about": "La kinesiología aplicada comprueba con las manos la fuerza de los "
                "músculos para orientar el tratamiento. No hay pruebas científicas de que "
                "sirva para diagnosticar, por eso solo la usamos junto con una valoración "
                "reconocida.",
                "expect": "Le pedimos que mantenga un brazo o una pierna en una posición "
                "mientras su terapeuta empuja contra ella. Después recibe el tratamiento "
                "manual.",
                "contraindications": "No sustituye a un diagnóstico médico. Díganos si tiene "
                "alguna lesión o problema de salud que le cause dolor al hacer fuerza contra "
                "una resistencia.",
            },
        },
        "condition": {
            "slug": "espasmos-musculares",
            "title": "Espasmos musculares",
            "summary": "Una contracción repentina, involuntaria y dolorosa de un músculo, a "
            "menudo en la espalda, los brazos o las piernas, tras una lesión, un esfuerzo, un "
            "uso excesivo o la deshidratación.",
            "alternative_names": "espasmo muscular, calambres musculares, contractura, "
            "espasmo de espalda",
            "overview": "Un espasmo muscular es una contracción repentina e involuntaria de un "
            "músculo. Es frecuente y puede doler mucho. Aparece como reacción a un golpe "
            "brusco, por ejemplo en un accidente de tráfico o haciendo deporte, o a un "
            "esfuerzo que se repite: pasar demasiado tiempo en una postura incómoda, hacer "
            "ejercicio sin calentar, cargar mucho peso o trabajar duro con mucho calor. Con el "
            "espasmo, el cuerpo protege una articulación lesionada para que no se mueva más. "
            "La quiropráctica, que trabaja sobre la columna y las articulaciones, junto con "
            "los estiramientos y el masaje, puede ayudar mucho a relajar los músculos "
            "afectados y a aliviar el dolor intenso de los espasmos.",
            "call_to_action": {
                "heading": "¿Tiene espasmos musculares?",
                "text": "Nuestros profesionales pueden valorar su caso y explicarle sus "
                "opciones.",
                "button_label": "Pida una cita",
            },
            "urgent_care": {
                "heading": "Pida atención médica urgente si",
                "items": [
                    "el espasmo empieza después de una caída o un accidente grave",
                    "nota entumecimiento o debilidad, o no puede controlar la orina o las heces",
                    "el dolor es muy fuerte y no mejora al cabo de unos días",
                ],
            },
            "treatment_heading": "Cómo tratamos los espasmos musculares con medicina "
            "integrativa",
            "treatment": "Los espasmos suelen afectar a los músculos grandes de los brazos, "
            "las piernas o la espalda. La medicina integrativa busca que las vértebras y las "
            "articulaciones estén bien alineadas, y así llega más oxígeno, sangre y nutrientes "
            "a la zona afectada. Muchas veces el espasmo aparece cuando el músculo está "
            "agotado y le falta líquido, como ocurre con la deshidratación, que además "
            "desequilibra las sales minerales del cuerpo. Al aliviar la presión sobre los "
            "nervios de la columna, de otras articulaciones y de los discos, los músculos se "
            "relajan y se rehidratan, y el dolor disminuye.",
            "treatment_list_intro": "Además de ajustar la columna y las articulaciones, el "
            "tratamiento de los espasmos puede incluir una o varias de estas terapias:",
            "treatment_outro": "Son tratamientos no invasivos que ayudan a relajar aún más la "
            "tensión del músculo, a curarse antes y a sentirse mejor en general.",
            "advantages_heading": "Ventajas de la medicina integrativa",
            "advantages": "La medicina convencional suele tratar los espasmos con "
            "medicamentos. La medicina integrativa, con su enfoque global y manual, tiene "
            "varias ventajas: alivia pronto los síntomas y no causa los efectos secundarios "
            "ni el efecto rebote que a veces producen los analgésicos y los "
            "antiinflamatorios.",
            "appointment_form": {
                "heading": "Pida una cita",
                "intro": "Cuéntenos un poco sobre usted y le llamaremos o le escribiremos "
                "para acordar una primera valoración.",
                "button_label": "Enviar solicitud",
                "thank_you_message": "Gracias. Hemos recibido su solicitud y nos pondremos en "
                "contacto con usted en un plazo de dos días laborables para acordar la hora.",
                "booking_notice": "Enviar este formulario no reserva una cita: nos pondremos "
                "en contacto con usted para acordar la hora. Si necesita atención médica "
                "urgente, llame al número de emergencias de su país.",
                "consent_text": "Acepto que la clínica guarde estos datos para ponerse en "
                "contacto conmigo sobre una cita, tal como se explica en el aviso de "
                "privacidad.",
                "anchor": "cita",
            },
            "resources_heading": "Más información",
            "resources": {
                "therapies": "Las terapias que ofrecemos",
                "url": "https://medlineplus.gov/spanish/musclecramps.html",
                "label": "MedlinePlus: Calambres musculares",
            },
        },
    },
}


def _translation(source, locale, slug, *, publish=True, **fields):
    """Return ``source``'s translation into ``locale``, creating it (Wagtail's
    ``copy_for_translation``, then ``fields``, then published) if missing."""
    existing = source.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    # A parent with no translation of its own is mirrored by an alias (as Wagtail does).
    page = source.copy_for_translation(locale, copy_parents=True).specific
    page.slug = slug
    for name, value in fields.items():
        setattr(page, name, value)
    page.save()
    if publish:
        page.save_revision().publish()
    return page, True


def _translated_body_areas(locale, names):
    """The body areas in ``locale``, by their default-locale slug, created where missing."""
    areas = {}
    for source in BodyArea.objects.filter(locale=Locale.get_default(), slug__in=names):
        translated = source.get_translation_or_none(locale)
        if translated is None:
            name, slug = names[source.slug]
            translated = BodyArea.objects.create(
                locale=locale,
                translation_key=source.translation_key,
                name=name,
                slug=slug,
                sort_order=source.sort_order,
            )
        areas[source.slug] = translated
    return areas


def _translated_condition(source, locale, text, therapy_index, areas, therapies):
    translated = source.get_translation_or_none(locale)
    if translated is not None:
        return translated.specific, False
    condition, created = _translation(
        source,
        locale,
        text["slug"],
        title=text["title"],
        summary=text["summary"],
        alternative_names=text["alternative_names"],
        overview=[_paragraph(text["overview"]), _call_to_action(text["call_to_action"], "cita")],
        urgent_care=[_urgent_care(text["urgent_care"])],
        treatment=[
            _heading(text["treatment_heading"]),
            _paragraph(text["treatment"]),
            _paragraph(text["treatment_list_intro"]),
        ],
        approach_benefits=[
            _paragraph(text["treatment_outro"]),
            _heading(text["advantages_heading"]),
            _paragraph(text["advantages"]),
            _appointment_form(text["appointment_form"]),
        ],
        resources=[_resources(therapy_index, text["resources_heading"], text["resources"])],
        search_description="",
        publish=False,
    )
    # The copy's body areas and therapy links still point at the source locale's: point them
    # at this locale's, with the notes translated, in the source's order.
    condition.body_areas.set(
        [areas[area.slug] for area in source.body_areas.all() if area.slug in areas]
    )
    condition.save()
    condition.therapy_links.all().delete()
    for order, link in enumerate(source.get_therapy_links()):
        therapy, note = therapies.get(link.therapy.slug, (link.therapy, link.note))
        condition.therapy_links.create(therapy=therapy, note=note, sort_order=order)
    condition.save_revision().publish()
    return condition, created


@transaction.atomic
def translate_demo(parent=None, language_code="es", *, stdout=None):
    """Translate the demo pages under ``parent`` (as ``load_demo`` made them) and their body
    areas into ``language_code``; translations that exist already are kept as they are.
    Returns the translated condition page."""

    def report(created, what):
        if stdout:
            stdout.write(("Created" if created else "Kept") + f" {what}")

    text = TRANSLATIONS[language_code]
    locale, _created = Locale.objects.get_or_create(language_code=language_code)
    parent = parent if parent is not None else _default_parent()
    therapy_index = TherapyIndexPage.objects.child_of(parent).filter(slug="therapies").first()
    condition_index = ConditionIndexPage.objects.child_of(parent).filter(slug="conditions").first()
    source = condition_index and ConditionPage.objects.child_of(condition_index).filter(
        slug="muscle-spasms"
    ).first()
    if therapy_index is None or source is None:
        raise LookupError("Load the demo pages before translating them.")

    areas = _translated_body_areas(locale, text["body_areas"])
    # Before the pages: a copied page that names a reviewer is relinked to their translation.
    practitioners = _translated_practitioners(locale, text.get("practitioners", {}))
    for practitioner, created in practitioners:
        report(created, f"practitioner “{practitioner.name}”")
    translated_therapy_index, created = _translation(
        therapy_index, locale, **text["therapy_index"]
    )
    report(created, f"therapy index “{translated_therapy_index.title}”")
    translated_condition_index, created = _translation(
        condition_index, locale, **text["condition_index"]
    )
    report(created, f"condition index “{translated_condition_index.title}”")
    therapies = {}
    for therapy in TherapyPage.objects.child_of(therapy_index):
        therapy_text = text["therapies"].get(therapy.slug)
        if therapy_text is None:
            continue
        translated, created = _translation(
            therapy,
            locale,
            therapy_text["slug"],
            title=therapy_text["title"],
            summary=therapy_text["summary"],
            session_length=therapy_text["session_length"],
            body=[_paragraph(therapy_text["about"])],
            what_to_expect=[_paragraph(therapy_text["expect"])],
            contraindications=[_paragraph(therapy_text["contraindications"])],
            search_description="",
        )
        report(created, f"therapy “{translated.title}”")
        therapies[therapy.slug] = (translated, therapy_text["note"])

    condition, created = _translated_condition(
        source, locale, text["condition"], translated_therapy_index, areas, therapies
    )
    report(created, f"condition “{condition.title}”")
    return condition


# The clinic's practitioners (fictional): name, credentials, job title, biography.
PRACTITIONERS = [
    (
        "Dr Amara Okafor",
        "DC, MSc",
        "Chiropractor",
        "Amara has treated back and neck pain for 15 years. She has a special interest in "
        "sports injuries and in helping people return to work after a strain.",
    ),
    (
        "Tomás Herrera",
        "MCSP",
        "Physiotherapist",
        "Tomás helps people move again after injury, with exercise, massage and advice they "
        "can use at home. He sees patients in English and Spanish.",
    ),
    (
        "Grace Whitfield",
        "BSc, MCSP",
        "Sports massage therapist",
        "Grace uses deep tissue massage and trigger point therapy to ease tight, painful "
        "muscles, and teaches stretches to keep them that way.",
    ),
]
#: How long a review lasts: the demo's pages are due again a year after their last review.
REVIEW_INTERVAL = datetime.timedelta(days=365)
# Days since each page's last review, by English slug (the condition; each therapy). One
# therapy is due within a month, so the review report has something to show.
REVIEW_AGES = {
    "muscle-spasms": (42, 0),
    "ice-or-heat-therapy": (120, 1),
    "ultrasound-therapy": (345, 1),
    "electrical-stimulation": (90, 0),
    "deep-muscle-massage": (60, 2),
    "trigger-point-therapy": (60, 2),
    "applied-kinesiology": (200, 0),
}


def _practitioners():
    practitioners = []
    for order, (name, credentials, job_title, bio) in enumerate(PRACTITIONERS):
        practitioner, _created = Practitioner.objects.get_or_create(
            name=name,
            locale=Locale.get_default(),
            defaults={
                "credentials": credentials,
                "job_title": job_title,
                "bio": bio,
                "sort_order": order,
            },
        )
        practitioners.append(practitioner)
    return practitioners


def _translated_practitioners(locale, text):
    """(translation, created) of each demo practitioner (those of the default locale named in
    ``text``) in ``locale``: Wagtail's ``copy_for_translation`` with the name, job title and
    biography of ``text``, where the practitioner has no translation there yet."""
    translations = []
    sources = Practitioner.objects.filter(locale=Locale.get_default(), name__in=text)
    for source in sources:
        translation = source.get_translation_or_none(locale)
        created = translation is None
        if created:
            translation = source.copy_for_translation(locale)
            translation.name, translation.job_title, translation.bio = text[source.name]
            translation.save()
        translations.append((translation, created))
    return translations


@transaction.atomic
def review_demo(*, stdout=None, today=None):
    """Create the demo's practitioners (those missing, by name), and their translations into
    the languages the demo has text for whose locale exists, and date the review of every demo
    page, in every language, that has not been reviewed yet: each is reviewed by the
    practitioner's translation in its locale. Returns the default locale's practitioners."""
    today = today or timezone.localdate()
    practitioners = _practitioners()
    translated = {}  # {(locale id, translation key): the practitioner in that locale}
    for locale in Locale.objects.exclude(pk=Locale.get_default().pk).filter(
        language_code__in=TRANSLATIONS
    ):
        text = TRANSLATIONS[locale.language_code].get("practitioners", {})
        for practitioner, created in _translated_practitioners(locale, text):
            translated[locale.pk, practitioner.translation_key] = practitioner
            if created and stdout:
                stdout.write(f"Created practitioner “{practitioner.name}”")
    sources = Page.objects.type(ConditionPage, TherapyPage).filter(
        locale=Locale.get_default(), slug__in=REVIEW_AGES
    )
    for source in sources.specific():
        days, reviewer = REVIEW_AGES[source.slug]
        last_reviewed = today - datetime.timedelta(days=days)
        for page in [source, *source.get_translations().specific()]:
            if page.last_reviewed is not None:
                continue
            page.last_reviewed = last_reviewed
            page.next_review_due = last_reviewed + REVIEW_INTERVAL
            source_reviewer = practitioners[reviewer]
            page.reviewed_by = translated.get(
                (page.locale_id, source_reviewer.translation_key), source_reviewer
            )
            page.save_revision().publish()
            if stdout:
                stdout.write(f"Reviewed “{page.title}”")
    return practitioners


# "Was this page helpful?": a few answers on the demo pages, by the English page's slug and the
# language they were given in, so the report and the pages' review panels show something.
# (helpful, comment, days ago)
FEEDBACK = {
    ("muscle-spasms", "en"): [
        (True, "Clear, and the list of warning signs helped me decide not to wait.", 2),
        (True, "", 3),
        (False, "Too many long words. What does allopathic mean?", 5),
        (True, "", 9),
        (False, "I wanted to know how many sessions I would need.", 14),
        (True, "Good to see the therapies explained in one place.", 21),
    ],
    ("muscle-spasms", "es"): [
        (True, "Muy claro, gracias.", 4),
        (False, "No dice cuánto cuesta una sesión.", 11),
    ],
    ("deep-muscle-massage", "en"): [
        (True, "", 1),
        (False, "Does it hurt? The page does not say.", 6),
    ],
    ("ultrasound-therapy", "en"): [(True, "Short and to the point.", 8)],
}


def feedback_demo(*, stdout=None, now=None):
    """Add the demo's feedback answers (``FEEDBACK``) to the demo pages that have none yet, in
    the languages whose locale exists. Returns the number of answers added."""
    now = now or timezone.now()
    added = 0
    sources = {
        page.slug: page
        for page in Page.objects.type(ConditionPage, TherapyPage).filter(
            locale=Locale.get_default(), slug__in={slug for slug, _lang in FEEDBACK}
        )
    }
    for (slug, language_code), answers in FEEDBACK.items():
        source = sources.get(slug)
        if source is None:
            continue
        page = (
            source
            if source.locale.language_code == language_code
            else source.get_translations().filter(locale__language_code=language_code).first()
        )
        if page is None or PageFeedback.objects.filter(page=page).exists():
            continue
        PageFeedback.objects.bulk_create(
            PageFeedback(
                page=page,
                locale_id=page.locale_id,
                helpful=helpful,
                comment=comment,
                created_at=now - datetime.timedelta(days=days),
            )
            for helpful, comment, days in answers
        )
        added += len(answers)
        if stdout:
            stdout.write(f"Added {len(answers)} feedback answers to “{page.title}”")
    return added
