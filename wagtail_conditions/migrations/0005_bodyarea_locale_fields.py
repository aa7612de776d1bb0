"""Body areas become translatable (step 1 of 3): the locale and translation key, empty for now.
Step 2 fills them in, step 3 makes them required and unique together, as Wagtail's
``BootstrapTranslatableMixin`` recipe does."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtail_conditions", "0004_inbox_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="bodyarea",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="bodyarea",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
    ]
