"""
The identifiers a cited source may carry, DOI and PubMed ID, read from what editors paste and
turned into their canonical links (no models, no network).

Editors paste identifiers in many forms ("doi:10.1000/xyz", "https://doi.org/10.1000/xyz",
"PMID: 12345678", a PubMed address); each is stored as the bare identifier and linked as the
DOI Handbook (https://doi.org/…) and the National Library of Medicine
(https://pubmed.ncbi.nlm.nih.gov/…/) say.
"""

import re
from urllib.parse import quote

# A DOI is "10." + a registrant code of digits (dot-separated sub-codes allowed) + "/" + a
# suffix of any printable characters (DOI Handbook 2.2). Spaces never occur in one.
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
_DOI_PREFIXES = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
# PubMed IDs are positive integers (eight digits at most today; nine allowed for growth).
PMID = re.compile(r"^[1-9]\d{0,8}$")
_PMID_PREFIXES = re.compile(
    r"^(?:pmid:?\s*|https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)

DOI_RESOLVER = "https://doi.org/"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"


def normalise_doi(text):
    """The bare DOI in ``text`` ("10.1000/xyz"), or "" for empty text; ``ValueError`` when it
    is not a DOI."""
    text = (text or "").strip()
    if not text:
        return ""
    doi = _DOI_PREFIXES.sub("", text)
    if not DOI.match(doi):
        raise ValueError(text)
    return doi


def normalise_pmid(text):
    """The bare PubMed ID in ``text`` ("12345678"), or "" for empty text; ``ValueError`` when it
    is not one."""
    text = (text or "").strip()
    if not text:
        return ""
    pmid = _PMID_PREFIXES.sub("", text).strip().rstrip("/")
    if not PMID.match(pmid):
        raise ValueError(text)
    return pmid


def doi_url(doi):
    """The DOI's canonical link; characters a URL cannot carry as they are percent-encoded."""
    return DOI_RESOLVER + quote(doi, safe="/:;()._-~") if doi else ""


def pubmed_url(pmid):
    """The PubMed record's canonical link."""
    return f"{PUBMED}{pmid}/" if pmid else ""
