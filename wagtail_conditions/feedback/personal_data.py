"""
Whether a comment looks like it holds personal data: an email address or a phone number.

The feedback form is anonymous, and a comment is read by editors, not by the front desk: a
patient who leaves an address or a number there expects a reply that will never come. Such a
comment is refused with a pointer to the appointment form.

Phone numbers are told from ordinary numbers by their length: seven digits or more in one run
of digits, spaces, dots, dashes and brackets, optionally after ``+`` or ``00`` (the shortest
national numbers have seven digits, E.164 allows fifteen; "3 weeks", "2 times a day" or
"400 mg" are far short of it). A run shaped like a date (``10.12.2024``, ``2024-12-10``) is
not a phone number, nor is a range of years (``2019–2020``). Card and other long account numbers are caught by the same rule.
"""

import re

MIN_PHONE_DIGITS = 7

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.UNICODE)
# A run that starts with a digit (or +, 00, an opening bracket) and goes on through digits
# and single separators. Spaces include the no-break spaces a phone's keyboard may type.
PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|\(\s?)?\d(?:[\d\s\u00a0\u202f.()\-–]{0,3}\d)+")
DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
YEARS = re.compile(r"(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d")


def looks_like_email(text):
    return bool(EMAIL.search(text))


def phone_numbers(text):
    """The runs of ``text`` that read as phone (or other long) numbers."""
    found = []
    for match in PHONE_RUN.finditer(text):
        run = match.group().strip()
        if DATE.fullmatch(run) or YEARS.fullmatch(run):
            continue
        if sum(character.isdigit() for character in run) >= MIN_PHONE_DIGITS:
            found.append(run)
    return found


def looks_like_personal_data(text):
    """Whether ``text`` holds an email address or a phone number."""
    return looks_like_email(text) or bool(phone_numbers(text))
