from .appointments import AppointmentRequest, AppointmentSettings  # noqa: F401
from .audit_log import AppointmentRequestLogEntry  # noqa: F401
from .conditions import (  # noqa: F401
    AbstractConditionIndexPage,
    AbstractConditionPage,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
)
from .taxonomy import BodyArea  # noqa: F401
from .therapies import AbstractTherapyIndexPage, AbstractTherapyPage, TherapyIndexPage, TherapyPage  # noqa: F401
