from .appointments import AppointmentRequest, AppointmentSettings  # noqa: F401, E402
from .pages import (  # noqa: F401
    AbstractConditionIndexPage,
    AbstractConditionPage,
    AbstractTherapyIndexPage,
    AbstractTherapyPage,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
)
from .taxonomy import BodyArea  # noqa: F401
