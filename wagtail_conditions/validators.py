import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_email
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

# One DNS label and no dot, as in "localhost" or "intranet": a name only a local network knows.
_SINGLE_LABEL_RE = re.compile(EmailValidator.hostname_re + r"\Z", re.IGNORECASE)


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


class PublicEmailValidator(EmailValidator):
    """
    Django's address check, for an address the public gives us: its domain must be a public
    hostname. Django accepts ``name@localhost`` and IP literals (``name@[127.0.0.1]``), which
    no patient has and which would point the clinic's acknowledgement at its own network.

    A well-formed address at such a domain gets its own message (code ``public_domain``), so
    a visitor learns what is wrong; anything else keeps Django's (code ``invalid``).
    """

    public_domain_message = _("Enter an email address with a public domain, like name@example.com.")

    def __init__(self, message=None, code=None):
        super().__init__(message, code, allowlist=[])

    def __call__(self, value):
        user_part, _at, domain_part = str(value).rpartition("@")
        if self.user_regex.match(user_part) and _is_local_domain(domain_part):
            raise ValidationError(
                self.public_domain_message, code="public_domain", params={"value": value}
            )
        super().__call__(value)

    def validate_domain_part(self, domain_part):
        if not super().validate_domain_part(domain_part):
            return False
        # Django's mail sends to the domain's IDNA (Punycode) form. A domain without one (a
        # text-direction control in it, a label too long once encoded) could never be mailed.
        try:
            punycode(domain_part)
        except UnicodeError:
            return False
        return True


def _is_local_domain(domain_part):
    is_literal = domain_part.startswith("[") and domain_part.endswith("]")
    return is_literal or bool(_SINGLE_LABEL_RE.match(domain_part))
