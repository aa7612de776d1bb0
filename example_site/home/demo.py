"""The example site's clinic: its home page in English and Spanish, its identity (name, logo,
contact details, opening hours), its practitioners' portraits and the condition page's
illustration. Every step keeps what exists already, so ``setup_demo`` can run again.

The images are drawings made for this demo (``example_site/demo_media/*.svg``, drawn to PNG by
``demo_media/render.py``); nothing is downloaded.
"""

import datetime
from pathlib import Path

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Locale

from home.models import HomePage
from wagtail_conditions import demo
from wagtail_conditions.models import ClinicSettings, ConditionPage

MEDIA = Path(__file__).resolve().parent.parent / "demo_media"

CLINIC_NAME = "Riverside Integrative Clinic"
HOME = {
    "en": {
        "title": CLINIC_NAME,
        "intro": "Chiropractic, physiotherapy and integrative care for muscle and joint pain.",
    },
    "es": {
        "title": CLINIC_NAME,
        "intro": "Quiropráctica, fisioterapia y medicina integrativa para el dolor de músculos "
        "y articulaciones.",
    },
}

# File, title, description (read out as the alt text wherever the image is shown on its own).
LOGO = ("logo.png", "Riverside Integrative Clinic logo", "Riverside Integrative Clinic")
PORTRAITS = {
    "Dr Amara Okafor": (
        "portrait-amara-okafor.png",
        "Dr Amara Okafor",
        "Illustrated portrait of Dr Amara Okafor, smiling, with curly black hair and a "
        "stethoscope over a teal tunic.",
    ),
    "Tomás Herrera": (
        "portrait-tomas-herrera.png",
        "Tomás Herrera",
        "Illustrated portrait of Tomás Herrera, smiling, with short dark hair and a beard, in "
        "a navy polo shirt.",
    ),
    "Grace Whitfield": (
        "portrait-grace-whitfield.png",
        "Grace Whitfield",
        "Illustrated portrait of Grace Whitfield, smiling, with long auburn hair and freckles, "
        "in a green top.",
    ),
}
ILLUSTRATION = (
    "muscle-spasm-lower-back.png",
    "Muscle spasm in the lower back",
    "Illustration of a person, seen from behind, pressing a hand on their lower back, where a "
    "muscle in spasm is shown glowing red.",
)
# The illustration's alt text and caption on each language's condition page.
ILLUSTRATION_TEXT = {
    "en": (
        ILLUSTRATION[2],
        "Spasms often strike the large muscles of the lower back.",
    ),
    "es": (
        "Ilustración de una persona, vista de espaldas, que se aprieta la parte baja de la "
        "espalda con una mano; el músculo contraído se ve de color rojo.",
        "Los espasmos suelen afectar a los músculos grandes de la parte baja de la espalda.",
    ),
}

CLINIC = {
    "name": CLINIC_NAME,
    "phone": "020 7946 0123",
    "email": "hello@riverside-clinic.example",
    "street_address": "14 Riverside Walk",
    "address_locality": "London",
    "address_region": "",
    "postal_code": "SE1 9ZZ",
    "address_country": "GB",
    # A fictional address, pinned on the south bank of the Thames.
    "map_url": "https://www.openstreetmap.org/?mlat=51.50740&mlon=-0.09920"
    "#map=17/51.50740/-0.09920",
    "accepting_new_patients": True,
    "urgent_phone": "111",
    "urgent_url": "https://111.nhs.uk/",
    "emergency_phone": "999",
}
OPENING_HOURS = [
    (["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], "08:00", "19:00"),
    (["Saturday"], "09:00", "13:00"),
]


def default_locale():
    """The English locale. A demo database made before the site had languages holds its pages
    in "en-gb" (the old LANGUAGE_CODE): that locale becomes "en", keeping its pages."""
    if not Locale.objects.filter(language_code="en").exists():
        Locale.objects.filter(language_code="en-gb").update(language_code="en")
    return Locale.get_default()


def translate_home(home, language_code, stdout):
    """The home page's translation into ``language_code``, created and published if missing."""
    locale, _created = Locale.objects.get_or_create(language_code=language_code)
    existing = home.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = home.copy_for_translation(locale).specific
    translated.title = HOME[language_code]["title"]
    translated.intro = HOME[language_code]["intro"]
    translated.slug = f"{home.slug}-{language_code}"
    translated.save()
    translated.save_revision().publish()
    stdout.write(f"Created the home page in {language_code}.")
    return translated


def _image(filename, title, description):
    """The demo image with ``title``, added to the image library if missing."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        with open(MEDIA / filename, "rb") as file:
            image = Image(title=title, description=description)
            image.file = ImageFile(file, name=filename)
            image.save()
    return image


def _illustrate(condition, language_code):
    """Put the illustration after the condition's first overview paragraph, unless the page
    shows an image already (one the demo added, or one an editor chose)."""
    if any(block.block_type == "image" for block in condition.overview):
        return False
    alt_text, caption = ILLUSTRATION_TEXT[language_code]
    image = _image(*ILLUSTRATION)
    blocks = [(block.block_type, block.value) for block in condition.overview]
    figure = ("image", {"image": image, "alt_text": alt_text, "caption": caption})
    condition.overview = [*blocks[:1], figure, *blocks[1:]]
    condition.save_revision().publish()
    return True


def load_clinic(site, stdout):
    """The clinic's settings (if its name is not set yet), practitioners with their portraits,
    the pages' reviews and patients' feedback, and the condition pages' illustration."""
    practitioners = demo.review_demo(stdout=stdout)
    demo.feedback_demo(stdout=stdout)
    for practitioner in practitioners:
        if practitioner.name not in PORTRAITS:
            continue
        # The same portrait for the practitioner's translations.
        for person in [practitioner, *practitioner.get_translations()]:
            if person.photo_id is None:
                person.photo = _image(*PORTRAITS[practitioner.name])
                person.save()

    clinic = ClinicSettings.for_site(site)
    if not clinic.name:
        for name, value in CLINIC.items():
            setattr(clinic, name, value)
        clinic.logo = _image(*LOGO)
        clinic.opening_hours = [
            (
                "hours",
                {
                    "days": days,
                    "opens": datetime.time.fromisoformat(opens),
                    "closes": datetime.time.fromisoformat(closes),
                },
            )
            for days, opens, closes in OPENING_HOURS
        ]
        clinic.appointment_page = (
            ConditionPage.objects.filter(slug="muscle-spasms", locale=Locale.get_default())
            .first()
        )
        clinic.save()
        stdout.write("Filled in the clinic's details.")

    for condition in ConditionPage.objects.filter(
        slug__in=["muscle-spasms", demo.TRANSLATIONS["es"]["condition"]["slug"]]
    ).select_related("locale"):
        if condition.locale.language_code in ILLUSTRATION_TEXT and _illustrate(
            condition, condition.locale.language_code
        ):
            stdout.write(f"Illustrated “{condition.title}”.")


def home_page():
    return HomePage.objects.filter(locale=Locale.get_default()).first()
