"""What a reference may hold (a key, a DOI, a PubMed ID) and where its identifiers link."""

import html
import re

import markdown
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")
# Crossref's pattern for modern DOIs (it matches nearly all of them).
DOI_PATTERN = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
PMID_PATTERN = re.compile(r"[1-9]\d{0,7}")
DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi:",
)
PMID_PREFIXES = ("pmid:", "pmid")


def validate_reference_key(value):
    if not KEY_PATTERN.fullmatch(value):
        raise ValidationError(
            "Use letters, digits, - and _ only (up to 40), e.g. “topalian2012”: "
            "the text cites it as [^topalian2012].",
            code="invalid_key",
        )


def validate_doi(value):
    if not DOI_PATTERN.fullmatch(value):
        raise ValidationError(
            "Enter a DOI such as 10.1056/NEJMoa1200690 "
            "(it starts with “10.”, then a number, a slash and the item’s name).",
            code="invalid_doi",
        )


def validate_pmid(value):
    if not PMID_PATTERN.fullmatch(value):
        raise ValidationError(
            "Enter a PubMed ID: a number of up to 8 digits, such as 22658127.",
            code="invalid_pmid",
        )


def normalize_doi(value):
    """A DOI as typed or pasted (a doi.org link, “doi:…”), reduced to the DOI itself."""
    value = value.strip()
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            return value[len(prefix) :].strip()
    return value


def normalize_pmid(value):
    value = value.strip()
    if value.lower().startswith(PMID_PREFIXES):
        value = value[4:].lstrip(": ").strip()
    return value


def doi_url(doi):
    return f"https://doi.org/{doi}"


def pubmed_url(pmid):
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def cited_keys(text):
    """Keys cited with [^key] in Markdown source, in order of first citation (a rough scan)."""
    keys = []
    for key in re.findall(r"\[\^([^\]\s]+)\]", text):
        if key not in keys:
            keys.append(key)
    return keys


def plain_citation(text):
    """A citation's Markdown as the plain text a reader sees (for JSON-LD, which has no
    markup): "*N Engl J Med.* 2010" becomes "N Engl J Med. 2010"."""
    # Escaped so a citation starting "1." or "#" stays a line of text, not a list or heading.
    line = " ".join(text.split())
    line = re.sub(r"^(\d+)\.(?=\s)", r"\1\\.", re.sub(r"^(#|>|[+*-](?=\s))", r"\\\1", line))
    return " ".join(html.unescape(strip_tags(markdown.markdown(line))).split())
