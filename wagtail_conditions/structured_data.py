"""
schema.org structured data (JSON-LD) for our pages, as plain dicts.

``page_structured_data(page, request)`` gives one JSON-LD document, ``{"@context": …,
"@graph": [...]}``, holding:

- the page, a ``MedicalWebPage`` (url, name, description, language, review, audience,
  breadcrumb, publisher, and the sources it cites as ``citation``), whose ``about`` is a ``MedicalCondition`` on a condition page (with
  its body areas, causes, symptoms and the therapies linked to it) or a ``MedicalTherapy`` on a
  therapy page; on an index, its ``mainEntity`` is an ``ItemList`` of the pages it lists;
- the page's ``BreadcrumbList``: the site's root page, the ancestors below it, and the page;
- the clinic, a ``MedicalClinic``, from the site's ``ClinicSettings`` when it has a name.

Empty values are left out, never given as ``""`` or ``[]``. The ``{% structured_data %}`` tag
(``templatetags/wagtail_conditions_seo.py``) writes the document into the page's ``<head>``,
and the pages' ``structured_data`` API field returns the same object (``api/serializers.py``).

What a page already holds is reused: the template tag passes the template context, whose
therapy links and listed pages the page's ``get_context()`` has fetched; the API prefetches
what the document reads for all the pages of a response at once (``prefetch_structured_data``).
tests/pages/test_structured_data.py checks every type and property against the schema.org
vocabulary.
"""

import re

from django.apps import apps
from django.conf import settings
from django.db.models import Q, prefetch_related_objects
from wagtail import blocks
from wagtail.rich_text import get_text_for_indexing

from . import contact
from .alphabet import a_to_z_key
from .i18n import localise_reviewers, page_reviewer

SCHEMA_ORG = "https://schema.org"

# Attributes holding what prefetch_structured_data fetched for a page.
_ANCESTORS = "_structured_data_ancestors"
_CLINIC = "_structured_data_clinic"
_LISTED = "_structured_data_listed"


# The models import the API serializers, which build this document: so this module names no
# model class. Our page mixins say what a page is through ``structured_data_type``, and the
# clinic's settings model is looked up in the app registry.
CONTENT_TYPES = {"condition", "therapy"}
INDEX_TYPES = {"condition_index", "therapy_index"}


def page_type(page):
    """"condition", "therapy", "condition_index", "therapy_index", or None for a page type
    that is not built on our mixins."""
    return getattr(page, "structured_data_type", None)


def is_supported(page):
    """Whether ``page`` is one of our page types (or a host's built on our mixins)."""
    return page_type(page) in CONTENT_TYPES | INDEX_TYPES


def _is_index(page):
    return page_type(page) in INDEX_TYPES


def _clinic_settings_model():
    return apps.get_model("wagtail_conditions", "ClinicSettings")


def compact(value):
    """``value`` without the empty strings, lists, dicts and Nones of its dicts, at any depth.
    ``False`` and ``0`` are kept: they say something."""
    if isinstance(value, dict):
        items = ((key, compact(item)) for key, item in value.items())
        return {key: item for key, item in items if item not in (None, "", [], {})}
    if isinstance(value, list):
        items = (compact(item) for item in value)
        return [item for item in items if item not in (None, "", [], {})]
    return value


# Blocks whose text says something about the section; media, links and forms do not.
TEXT_BLOCK_TYPES = ("heading", "paragraph", "callout", "quote", "faq")


def block_text(block, value):
    """The words a block's value shows as text: its text and rich text fields, in order
    (choices such as a heading's level or a callout's tone are not text)."""
    if isinstance(block, blocks.RichTextBlock):
        return [get_text_for_indexing(value.source)] if value else []
    if isinstance(block, blocks.CharBlock | blocks.TextBlock):
        return [value] if value else []
    if isinstance(block, blocks.StructBlock):
        return [
            text
            for name, child in block.child_blocks.items()
            for text in block_text(child, value.get(name))
        ]
    if isinstance(block, blocks.ListBlock):
        return [text for item in value or () for text in block_text(block.child_block, item)]
    if isinstance(block, blocks.StreamBlock):
        return [text for child in value or () for text in block_text(child.block, child.value)]
    return []


def stream_text(value):
    """The plain text of a section's text blocks, as one line. Reads only those blocks, so no
    image, document or page they do not hold is fetched."""
    if not value:
        return ""
    texts = []
    for index, raw in enumerate(value.raw_data):
        if raw.get("type") in TEXT_BLOCK_TYPES:
            child = value[index]
            texts.extend(block_text(child.block, child.value))
    return re.sub(r"\s+", " ", " ".join(str(text) for text in texts)).strip()


def i18n_enabled():
    return getattr(settings, "WAGTAIL_I18N_ENABLED", False)


def language_tag(page):
    """The page's language as a BCP 47 tag ("en", "pt-BR"): its locale's when Wagtail's
    localisation is on (as ``<html lang>`` says), else the site's ``LANGUAGE_CODE``."""
    if i18n_enabled() and getattr(page, "locale_id", None):
        code = page.locale.language_code
    else:
        code = settings.LANGUAGE_CODE
    language, _sep, region = code.replace("_", "-").partition("-")
    return f"{language.lower()}-{region.upper()}" if len(region) == 2 else code


def absolute(url, root_url):
    """``url`` made absolute on ``root_url`` when it is a path."""
    if url and url.startswith("/") and not url.startswith("//") and root_url:
        return root_url.rstrip("/") + url
    return url


def _site_root(page, request):
    """(site id, root URL, the URL path of the site's root page) of the site serving
    ``page``, or ``None`` when it is in no site. Reads Wagtail's cached site root paths."""
    parts = page.get_url_parts(request=request)
    if parts is None:
        return None
    site_id, root_url, _page_path = parts
    root_path = next(
        (
            root.root_path
            for root in page._get_relevant_site_root_paths(request)
            if root.site_id == site_id
        ),
        None,
    )
    return site_id, root_url, root_path


def _ancestor_paths(page):
    steplen = page.steplen
    return [page.path[: steplen * depth] for depth in range(1, page.depth)]


def _routed_ancestors(page, root_url_path):
    """The ancestors Wagtail's routing found on its way to ``page`` (each page routed to
    keeps its parent), from the site's root page down; None when the way is not known."""
    ancestors = []
    parent = page.__dict__.get("_cached_parent_obj")
    while parent is not None:
        if not (parent.url_path or "").startswith(root_url_path):
            return None  # above the site's root: the way down did not start from it
        ancestors.append(parent)
        if parent.url_path == root_url_path:
            return ancestors[::-1]
        parent = parent.__dict__.get("_cached_parent_obj")
    return None


def breadcrumb_pages(page, request=None):
    """The pages of ``page``'s breadcrumb trail: its site's root page and the ancestors below
    it, top first (``page`` itself not included)."""
    if hasattr(page, _ANCESTORS):
        return getattr(page, _ANCESTORS)
    site = _site_root(page, request)
    pages = []
    if site and site[2] is not None and page.depth > 1:
        pages = _routed_ancestors(page, site[2])
    if pages is None:
        pages = list(
            page.tree_model()
            .objects.filter(path__in=_ancestor_paths(page), url_path__startswith=site[2])
            .order_by("path")
        )
    setattr(page, _ANCESTORS, pages)
    return pages


def clinic_settings(page, request=None):
    """The ``ClinicSettings`` of the site serving ``page``, or None: the settings the header,
    footer and contact card show (``contact.clinic_settings``, cached on the request), kept on
    the page for the rest of its document."""
    if not hasattr(page, _CLINIC):
        setattr(page, _CLINIC, contact.clinic_settings(request=request, page=page))
    return getattr(page, _CLINIC)


def prefetch_structured_data(pages, request=None):
    """Fetch what ``page_structured_data`` reads for all ``pages`` at once: their locales,
    reviewers, breadcrumb ancestors and their sites' clinic settings."""
    pages = [page for page in pages if page.pk and not hasattr(page, _ANCESTORS)]
    if not pages:
        return
    lookups = ["locale"] if i18n_enabled() else []
    if all(hasattr(page, "reviewed_by_id") for page in pages):
        lookups.append("reviewed_by")
    if lookups:
        prefetch_related_objects(pages, *lookups)
    if "reviewed_by" in lookups:
        localise_reviewers(pages)  # the reviewers' translations in the pages' locales

    sites = {page.pk: _site_root(page, request) for page in pages}
    paths = {path for page in pages for path in _ancestor_paths(page)}
    model = pages[0].tree_model()
    by_path = {ancestor.path: ancestor for ancestor in model.objects.filter(path__in=paths)}
    site_ids = {site[0] for site in sites.values() if site}
    clinics = {}
    if request is not None:
        # The request's site: the settings Wagtail caches on the request, shared with the
        # templates and blocks that read them.
        request_site = contact.request_site(request)
        if request_site is not None and request_site.pk in site_ids:
            clinics[request_site.pk] = contact.clinic_settings(request=request)
    others = site_ids - set(clinics)
    if others:
        clinics.update(
            (clinic.site_id, clinic)
            # base_queryset() selects the logo (ClinicSettings.select_related).
            for clinic in _clinic_settings_model().base_queryset().filter(site_id__in=others)
        )
    _prefetch_listed([page for page in pages if _is_index(page)])
    for page in pages:
        site = sites[page.pk]
        root_path = site[2] if site else None
        ancestors = [
            by_path[path]
            for path in _ancestor_paths(page)
            if path in by_path and root_path and by_path[path].url_path.startswith(root_path)
        ]
        setattr(page, _ANCESTORS, ancestors)
        setattr(page, _CLINIC, clinics.get(site[0]) if site else None)


def _child_model(index):
    if page_type(index) == "condition_index":
        return index.get_condition_page_model()
    if page_type(index) == "therapy_index":
        return index.get_therapy_page_model()
    return None


def _in_list_order(index, items):
    """``items`` (by title) in the order the index shows them: conditions A to Z, as the
    A–Z list files them, therapies by title."""
    if page_type(index) == "condition_index":
        return sorted(items, key=lambda item: a_to_z_key(item.title))
    return list(items)


def _prefetch_listed(indexes):
    """The pages each of ``indexes`` lists (``get_listed_children``: live, public children in
    its locale), in one query per child page model for all of them."""
    by_model = {}
    for index in indexes:
        model = _child_model(index)
        if model is not None:
            by_model.setdefault(model, []).append(index)
    for model, group in by_model.items():
        children_of = Q()
        for index in group:
            children_of |= Q(
                path__startswith=index.path, depth=index.depth + 1, locale_id=index.locale_id
            )
        children = list(
            model.objects.live().public().filter(children_of).defer_streamfields().order_by("title")
        )
        for index in group:
            items = [child for child in children if child.path.startswith(index.path)]
            setattr(index, _LISTED, _in_list_order(index, items))


# --- Nodes ------------------------------------------------------------------------------------


def person(practitioner):
    """A practitioner as a schema.org ``Person``."""
    if practitioner is None:
        return None
    return compact(
        {
            "@type": "Person",
            "name": practitioner.name,
            "jobTitle": practitioner.job_title,
            "honorificSuffix": practitioner.credentials,
        }
    )


def clinic_id(root_url):
    return f"{root_url.rstrip('/')}/#clinic"


def clinic_node(clinic, root_url):
    """The clinic as a schema.org ``MedicalClinic``, or None when it has no name."""
    if clinic is None or not clinic.name:
        return None
    address = compact(
        {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(
                line.strip() for line in clinic.street_address.splitlines() if line.strip()
            ),
            "addressLocality": clinic.address_locality,
            "addressRegion": clinic.address_region,
            "postalCode": clinic.postal_code,
            "addressCountry": clinic.address_country,
        }
    )
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"{SCHEMA_ORG}/{day}" for day in child.value["days"]],
            "opens": child.value["opens"].strftime("%H:%M") if child.value["opens"] else "",
            "closes": child.value["closes"].strftime("%H:%M") if child.value["closes"] else "",
        }
        for child in clinic.opening_hours
        if child.block_type == "hours"
    ]
    logo = clinic.logo.file.url if clinic.logo_id and clinic.logo else ""
    return compact(
        {
            "@type": "MedicalClinic",
            "@id": clinic_id(root_url) if root_url else "",
            "name": clinic.name,
            "url": f"{root_url.rstrip('/')}/" if root_url else "",
            "logo": absolute(logo, root_url),
            "telephone": clinic.phone,
            "email": clinic.email,
            "address": address if len(address) > 1 else None,
            "hasMap": clinic.map_url,
            "openingHoursSpecification": hours,
            "isAcceptingNewPatients": clinic.accepting_new_patients,
        }
    )


def breadcrumb_node(page, request, page_url):
    """The ``BreadcrumbList`` of ``page``: its site's root page, the ancestors below it, and
    the page itself last."""
    trail = [
        (ancestor.title, ancestor.get_full_url(request))
        for ancestor in breadcrumb_pages(page, request)
    ]
    trail.append((page.title, page_url))
    return {
        "@type": "BreadcrumbList",
        "@id": f"{page_url}#breadcrumb",
        "itemListElement": [
            compact({"@type": "ListItem", "position": position, "name": name, "item": {"@id": url}})
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def item_list(pages, request, start=1):
    """An ``ItemList`` of ``pages`` (the items an index shows), numbered from ``start``."""
    return {
        "@type": "ItemList",
        "numberOfItems": len(pages),
        "itemListElement": [
            compact(
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": item.get_full_url(request),
                    "name": item.title,
                }
            )
            for position, item in enumerate(pages, start=start)
        ],
    }


def condition_node(page, request, therapy_links=None, body_areas=None):
    """A condition page's subject, a ``MedicalCondition``."""
    if therapy_links is None:
        therapy_links = page.get_api_therapy_links()
    if body_areas is None:
        body_areas = page.get_api_body_areas()
    causes = stream_text(page.causes)
    symptoms = stream_text(page.symptoms)
    return compact(
        {
            "@type": "MedicalCondition",
            "name": page.title,
            "alternateName": page.alternative_names_list,
            "description": page.summary,
            "associatedAnatomy": [
                {"@type": "AnatomicalStructure", "name": area.name} for area in body_areas
            ],
            "cause": [{"@type": "MedicalCause", "description": causes}] if causes else [],
            "signOrSymptom": (
                [{"@type": "MedicalSignOrSymptom", "description": symptoms}] if symptoms else []
            ),
            "possibleTreatment": [
                {
                    "@type": "MedicalTherapy",
                    "name": link.therapy.title,
                    "url": link.therapy.get_full_url(request),
                    "description": link.note or link.therapy.summary,
                }
                for link in therapy_links
            ],
        }
    )


def therapy_node(page, request):
    """A therapy page's subject, a ``MedicalTherapy``."""
    return compact(
        {
            "@type": "MedicalTherapy",
            "name": page.title,
            "description": page.summary,
            "contraindication": stream_text(page.contraindications),
            "howPerformed": stream_text(page.what_to_expect),
        }
    )


def citation_node(source):
    """A cited source (a ``SourceBlock`` value): a ``ScholarlyArticle`` when it has a DOI or a
    PubMed ID, else a ``CreativeWork``; the DOI and PubMed ID as ``identifier``s too."""
    scholarly = bool(source.get("doi") or source.get("pmid"))
    identifiers = [
        {"@type": "PropertyValue", "propertyID": property_id, "value": value}
        for property_id, value in (("DOI", source.get("doi")), ("PMID", source.get("pmid")))
        if value
    ]
    published = source.get("date_published")
    return compact(
        {
            "@type": "ScholarlyArticle" if scholarly else "CreativeWork",
            "name": source["title"],
            "url": source.href,
            "sameAs": [url for url in source.links if url != source.href],
            "author": [{"@type": "Person", "name": name} for name in source.author_names],
            "publisher": (
                {"@type": "Organization", "name": source["publisher"]}
                if source.get("publisher")
                else None
            ),
            "datePublished": published.isoformat() if published else None,
            "identifier": identifiers,
        }
    )


def _listed_pages(page, request, context):
    """(pages, position of the first) an index shows: the current page of the list the
    template has, or, without one (the API), every page it lists, in the order it lists them."""
    key = "conditions" if page_type(page) == "condition_index" else "therapies"
    listed = (context or {}).get(key)
    if listed is not None and hasattr(listed, "start_index"):
        return list(listed), listed.start_index()
    if not hasattr(page, _LISTED):
        _prefetch_listed([page])
    return getattr(page, _LISTED, []), 1


def page_structured_data(page, request=None, context=None):
    """The JSON-LD document of ``page`` (see the module's docstring), or None for a page type
    that is not ours. ``context`` is the page's template context when it is rendered."""
    if not is_supported(page):
        return None
    context = context or {}
    page_url = page.get_full_url(request)
    site = _site_root(page, request)
    root_url = site[1] if site else None
    description = (
        page.get_meta_description()
        if page_type(page) in CONTENT_TYPES
        else (page.search_description or getattr(page, "intro", ""))
    )
    clinic = clinic_node(clinic_settings(page, request), root_url)
    web_page = {
        "@type": "MedicalWebPage",
        "@id": f"{page_url}#webpage" if page_url else "",
        "url": page_url,
        "name": page.title,
        "description": description,
        "inLanguage": language_tag(page),
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "lastReviewed": getattr(page, "last_reviewed", None),
        "reviewedBy": person(page_reviewer(page)),
        "breadcrumb": {"@id": f"{page_url}#breadcrumb"} if page_url else None,
        "publisher": {"@id": clinic["@id"]} if clinic and "@id" in clinic else None,
    }
    if web_page["lastReviewed"]:
        web_page["lastReviewed"] = web_page["lastReviewed"].isoformat()
    if page_type(page) in CONTENT_TYPES:
        sources = context.get("sources")
        if sources is None:
            sources = page.get_sources()
        web_page["citation"] = [citation_node(child.value) for child in sources]
    if page_type(page) == "condition":
        web_page["about"] = condition_node(page, request, context.get("therapy_links"))
    elif page_type(page) == "therapy":
        web_page["about"] = therapy_node(page, request)
    elif _is_index(page):
        pages, start = _listed_pages(page, request, context)
        web_page["mainEntity"] = item_list(pages, request, start)
    graph = [compact(web_page)]
    if page_url:
        graph.append(breadcrumb_node(page, request, page_url))
    if clinic:
        graph.append(clinic)
    return {"@context": SCHEMA_ORG, "@graph": graph}
