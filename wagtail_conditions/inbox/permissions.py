"""
Who may do what in the appointment inbox.

The "view" permission is the gate: every inbox page shows patients' answers, so every page and
action needs ``view_appointmentrequest`` plus the permission for the action itself. Django's
admin lets "change" imply "view"; we do not, so granting "change" alone never exposes a
request. Superusers pass every check (``has_perm``). Inactive users pass none.
"""

APP_LABEL = "wagtail_conditions"
MODEL_NAME = "appointmentrequest"

VIEW = f"{APP_LABEL}.view_{MODEL_NAME}"
CHANGE = f"{APP_LABEL}.change_{MODEL_NAME}"
DELETE = f"{APP_LABEL}.delete_{MODEL_NAME}"
EXPORT = f"{APP_LABEL}.export_{MODEL_NAME}"


def _has_all(user, *perms):
    return bool(user and user.is_authenticated and user.is_active and user.has_perms(perms))


def can_view(user):
    """List, inspect, history: see requests and their personal data."""
    return _has_all(user, VIEW)


def can_change(user):
    """Edit status and staff notes, change status in bulk, retry a failed notification."""
    return _has_all(user, VIEW, CHANGE)


def can_delete(user):
    return _has_all(user, VIEW, DELETE)


def can_export(user):
    """Download the (filtered) list as CSV or XLSX."""
    return _has_all(user, VIEW, EXPORT)


def can_create(user):
    """Nobody: requests only ever come from patients through the public form."""
    return False
