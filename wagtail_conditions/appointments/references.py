"""
Short, human-friendly references for appointment requests, such as ``AR-7K3Q-9M``.

One reference names a request everywhere: the thank-you page, the JSON receipt, both emails,
the inbox and its exports. It is read aloud over the phone, so its alphabet leaves out the
look-alikes 0/O, 1/I/L and the vowel U (Crockford's base 32 less U and the digits 0 and 1).
Six random characters give 30**6 ≈ 729 million values; the column is unique and the pipeline
draws again on the rare collision.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 characters
PREFIX = "AR"
REFERENCE_RE = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{2}}$")
# Accepts what a person types or reads back: any case, spaces or no hyphens.
_LOOSE_RE = re.compile(rf"^\s*{PREFIX}[\s-]*([{ALPHABET}]{{4}})[\s-]*([{ALPHABET}]{{2}})\s*$")
MAX_LENGTH = 12


def new_reference():
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def normalise_reference(text):
    """``text`` as a canonical reference (``ar 7k3q9m`` → ``AR-7K3Q-9M``), or None."""
    if not isinstance(text, str):
        return None
    match = _LOOSE_RE.match(text.upper())
    if match is None:
        return None
    return f"{PREFIX}-{match[1]}-{match[2]}"
