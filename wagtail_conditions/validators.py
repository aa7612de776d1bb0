from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _


def parse_email_list(value):
    """Split a comma-separated list of addresses, raising ValidationError on a bad one."""
    addresses = [part.strip() for part in (value or "").split(",") if part.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("%(address)s is not a valid email address."), params={"address": address}
            ) from None
    return addresses
