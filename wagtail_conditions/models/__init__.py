from .appointments import AppointmentRequest, AppointmentSettings  # noqa: F401
from .audit_log import AppointmentRequestLogEntry  # noqa: F401
from .clinic import ClinicSettings, Practitioner  # noqa: F401
from .conditions import (  # noqa: F401
    AbstractConditionIndexPage,
    AbstractConditionPage,
    AbstractConditionTherapy,
    ConditionIndexPage,
    ConditionIndexPageMixin,
    ConditionPage,
    ConditionPageMixin,
    ConditionTherapy,
)
from .content_version import ContentChange, ContentVersion  # noqa: F401
from .feedback import PageFeedback  # noqa: F401
from .pages import ContentPageMixin, IndexPageMixin, MedicalReviewMixin  # noqa: F401
from .readability import PageReadability  # noqa: F401
from .sources import CitedSourcesMixin, SourceLinkCheck  # noqa: F401
from .taxonomy import BodyArea  # noqa: F401
from .therapies import (  # noqa: F401
    AbstractTherapyIndexPage,
    AbstractTherapyPage,
    TherapyIndexPage,
    TherapyIndexPageMixin,
    TherapyPage,
    TherapyPageMixin,
)
from .webhooks import WebhookDelivery, WebhookEndpoint  # noqa: F401
