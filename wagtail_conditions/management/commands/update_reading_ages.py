from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from wagtail_conditions.models import ContentPageMixin
from wagtail_conditions.readability import store
from wagtail_conditions.reviews.pages import page_model


class Command(BaseCommand):
    help = (
        "Score the reading age of every condition and therapy page (any page type built on "
        "ContentPageMixin) as saved, for the review report. Pages are scored when saved; run "
        "this once after installing, after changing the READABILITY_* settings or after "
        "installing the readability extra. Safe to repeat."
    )

    def handle(self, *args, **options):
        count = 0
        for page in page_model()._default_manager.specific().iterator(chunk_size=100):
            if isinstance(page, ContentPageMixin):
                store.update_page(page)
                count += 1
        self.stdout.write(
            ngettext("Scored %(count)d page.", "Scored %(count)d pages.", count) % {"count": count}
        )
