import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import META_DESCRIPTION_LENGTH, Article, Reference
from .references import normalize_doi, normalize_pmid

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 100


class KeywordsField(forms.CharField):
    """An ordered list of key phrases, typed as one comma-separated line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        phrases = []
        for phrase in re.split(r"[,\n]", super().to_python(value) or ""):
            phrase = " ".join(phrase.split())
            if phrase and phrase not in phrases:
                phrases.append(phrase)
        return phrases

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_KEYWORDS:
            raise ValidationError(
                f"Use at most {MAX_KEYWORDS} key phrases.", code="too_many_keywords"
            )
        for phrase in value:
            if len(phrase) > MAX_KEYWORD_LENGTH:
                raise ValidationError(
                    f"“{phrase[:30]}…” is longer than {MAX_KEYWORD_LENGTH} characters.",
                    code="keyword_too_long",
                )


class ArticleAdminForm(forms.ModelForm):
    seo_keywords = KeywordsField(
        required=False,
        label="SEO keywords",
        help_text="Key phrases separated by commas, most important first.",
    )

    class Meta:
        model = Article
        fields = [
            "title", "slug", "author", "excerpt", "body", "tags", "reviewer", "reviewed_on",
            "status", "published_at", "allow_comments", "comments_close_at", "meta_description",
            "seo_keywords",
        ]  # fmt: skip
        widgets = {
            "meta_description": forms.Textarea(
                attrs={"rows": 3, "data-recommended-length": META_DESCRIPTION_LENGTH}
            ),
        }

    def clean(self):
        cleaned = super().clean()
        publishing = cleaned.get("status") == Article.Status.PUBLISHED
        if publishing and "published_at" in cleaned and cleaned["published_at"] is None:
            # "Left empty, publishing sets it to now": done here because the
            # model's date constraint is checked before Article.save() runs.
            cleaned["published_at"] = timezone.now()
        close_at, published_at = cleaned.get("comments_close_at"), cleaned.get("published_at")
        if close_at and published_at and close_at < published_at:
            self.add_error(
                "comments_close_at",
                ValidationError(
                    "Comments cannot close before the article is published.",
                    code="closes_before_publication",
                ),
            )
        return cleaned


# Fenced blocks and code spans: a [^key] shown there is an example, not a citation.
_CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]*`", re.MULTILINE | re.DOTALL)
_CITATION = re.compile(r"\[\^([^\]\s]+)\]")


def citations_in(body):
    """Keys the Markdown text cites with [^key], in order of first citation."""
    keys = []
    for key in _CITATION.findall(_CODE.sub("", body)):
        if key not in keys:
            keys.append(key)
    return keys


class ReferenceForm(forms.ModelForm):
    # Longer than the stored values: a pasted link or a "PMID:" label is trimmed first.
    doi = forms.CharField(
        label="DOI", max_length=300, required=False, help_text="e.g. 10.1056/NEJMoa1200690"
    )
    pmid = forms.CharField(
        label="PubMed ID", max_length=30, required=False, help_text="e.g. 22658127"
    )
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Reference
        fields = ["key", "citation", "doi", "pmid", "url"]
        widgets = {"citation": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean_doi(self):
        """A pasted doi.org link or “doi:…” is reduced to the DOI; the model checks its shape."""
        return normalize_doi(self.cleaned_data["doi"])

    def clean_pmid(self):
        return normalize_pmid(self.cleaned_data["pmid"])


class ReferenceInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Every [^key] the text cites needs a reference with that key.

        Checked against the text as submitted (the formset's instance carries
        the form's new body), so an editor sees it before anything is saved.
        """
        super().clean()
        if any(form.errors for form in self.forms):
            return
        keys = {
            form.cleaned_data["key"]
            for form in self.forms
            if form.cleaned_data.get("key") and not self._should_delete_form(form)
        }
        unknown = [key for key in citations_in(self.instance.body or "") if key not in keys]
        if unknown:
            listed = ", ".join(f"[^{key}]" for key in unknown)
            raise ValidationError(
                f"The text cites {listed}, but no reference below has that key. "
                "Add the reference, or correct the marker in the text.",
                code="unknown_reference",
            )
