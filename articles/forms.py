import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import META_DESCRIPTION_LENGTH, Article

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
            "title", "slug", "author", "excerpt", "body", "tags", "status", "published_at",
            "allow_comments", "comments_close_at", "meta_description", "seo_keywords",
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
