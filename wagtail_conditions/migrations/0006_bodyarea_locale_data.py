"""Body areas become translatable (step 2 of 3): each existing area is put in the site's
default locale with a translation key of its own. Going back needs nothing: step 1's reversal
drops both columns."""

import uuid

from django.conf import settings
from django.db import migrations


def default_locale(Locale):
    """The locale of ``LANGUAGE_CODE`` (or its content-language variant), as Wagtail's own
    initial migration creates it; the first locale when a site has renamed it since."""
    from wagtail.coreutils import get_supported_content_language_variant

    try:
        language_code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        language_code = settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=language_code).first()
    if locale is None:
        locale = Locale.objects.order_by("pk").first()
    if locale is None:
        locale = Locale.objects.create(language_code=language_code)
    return locale


def bootstrap_body_areas(apps, schema_editor):
    BodyArea = apps.get_model("wagtail_conditions", "BodyArea")
    areas = list(BodyArea.objects.filter(locale__isnull=True))
    if not areas:
        return
    locale = default_locale(apps.get_model("wagtailcore", "Locale"))
    for area in areas:
        area.locale = locale
        area.translation_key = uuid.uuid4()
    BodyArea.objects.bulk_update(areas, ["locale", "translation_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_conditions", "0005_bodyarea_locale_fields"),
    ]

    operations = [
        migrations.RunPython(bootstrap_body_areas, migrations.RunPython.noop),
    ]
