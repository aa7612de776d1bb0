"""
Cited sources: the evidence a condition or therapy page rests on, each with the date it was
published and the date an editor last checked it still says what the page says (the Patient
Information Forum's TICK criteria and NHS.UK ask for both).

A source is linked by a web address, a DOI or a PubMed ID (at least one); DOIs and PubMed IDs
are stored bare and linked at their canonical addresses (``wagtail_conditions/citations.py``).
Pages show the sources numbered under "Sources", the APIs give them as a list
(``api/serializers.py``) and the JSON-LD as the page's ``citation``
(``structured_data.py``).
"""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from .. import citations


class SourceValue(blocks.StructValue):
    """A source's links, from whichever of address, DOI and PubMed ID it has."""

    @cached_property
    def doi_url(self):
        return citations.doi_url(self.get("doi"))

    @cached_property
    def pubmed_url(self):
        return citations.pubmed_url(self.get("pmid"))

    @cached_property
    def href(self):
        """Where the source's title links: the address given, else the DOI, else PubMed."""
        return self.get("url") or self.doi_url or self.pubmed_url

    @property
    def links(self):
        """Every address the source is linked at (the link checker checks each)."""
        return [url for url in (self.get("url"), self.doi_url, self.pubmed_url) if url]

    @property
    def author_names(self):
        """The authors, as the editor separated them with semicolons."""
        return [name.strip() for name in (self.get("authors") or "").split(";") if name.strip()]


class SourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("Title"),
        max_length=300,
        help_text=_("The title of the page, leaflet or article, as its publisher gives it."),
    )
    authors = blocks.CharBlock(
        label=_("Authors"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional. People who wrote it, separated by semicolons, e.g. 'Allen RE; Kirby KA'."
        ),
    )
    publisher = blocks.CharBlock(
        label=_("Publisher"),
        required=False,
        max_length=200,
        help_text=_("The organisation or journal that published it, e.g. 'NHS' or 'BMJ'."),
    )
    url = blocks.URLBlock(
        label=_("Web address"),
        required=False,
        help_text=_("The full address, starting with https://."),
    )
    doi = blocks.CharBlock(
        label=_("DOI"),
        required=False,
        max_length=200,
        help_text=_("A journal article's DOI, e.g. 10.1136/bmj.n71 (a doi.org link works too)."),
    )
    pmid = blocks.CharBlock(
        label=_("PubMed ID"),
        required=False,
        max_length=60,
        help_text=_("The article's PMID, e.g. 22191051 (a PubMed link works too)."),
    )
    date_published = blocks.DateBlock(
        label=_("Date published"),
        required=False,
        help_text=_("When the source was published or last updated by its publisher."),
    )
    last_checked = blocks.DateBlock(
        label=_("Last checked"),
        help_text=_(
            "When you last checked the source is still available and still supports this "
            "page. The review report lists sources whose last check is older than the site's "
            "interval (a year unless the site sets another)."
        ),
    )

    class Meta:
        icon = "openquote"
        label = _("Source")
        value_class = SourceValue
        form_classname = "struct-block wc-source-block"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        for name, normalise, message in (
            ("doi", citations.normalise_doi, _("Enter a DOI such as 10.1136/bmj.n71.")),
            ("pmid", citations.normalise_pmid, _("Enter a PubMed ID: digits only, e.g. 22191051.")),
        ):
            try:
                value[name] = normalise(value.get(name))
            except ValueError:
                errors[name] = ValidationError(message)
        if not errors and not (value.get("url") or value.get("doi") or value.get("pmid")):
            message = _("Give a web address, a DOI or a PubMed ID, so readers can find it.")
            errors = {name: ValidationError(message) for name in ("url", "doi", "pmid")}
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class SourcesStreamBlock(blocks.StreamBlock):
    """A page's sources, in the order they are numbered."""

    source = SourceBlock()
