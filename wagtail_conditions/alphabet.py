"""How the A–Z list files titles: by their first letter without accents, digits and symbols
under '#' after Z. Read by the condition index and the structured data's item lists."""

import string
import unicodedata


def first_letter(title):
    """The A–Z letter a title is filed under ('#' for digits and symbols)."""
    decomposed = unicodedata.normalize("NFKD", title.strip())[:1].upper()
    return decomposed if decomposed in string.ascii_uppercase else "#"


def a_to_z_key(title):
    """Sort key that files "Épicondylitis" with the Es, whatever the database collation, and
    titles starting with a digit or symbol ("#") after Z, as the letter navigation shows them."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    letter = first_letter(title)
    return (letter == "#", letter, plain.casefold())
