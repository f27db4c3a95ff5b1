import re
import unicodedata

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.forms.utils import ErrorDict

from articles.models import Article
from outbox.addresses import validate_mailbox

from .models import (
    MAX_BODY_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_URL_LENGTH,
    Comment,
    DiscussionSettings,
)
from .moderation import comments_open
from .names import refused_character
from .sanitize import reject_absurd_markup
from .thread import public_depth

SAVE_DETAILS_LABEL = "Save my name, email, and website in this browser for the next time I comment."
NOTIFY_LABEL = "Notify me of follow-up replies by email"
# What the request parser puts in place of bytes that are not UTF-8.
REPLACEMENT_CHARACTER = "\N{REPLACEMENT CHARACTER}"


def parse_id(value):
    """An id typed into a URL or a hidden field, or None: ASCII digits that fit a bigint.

    isascii() matters: "²".isdigit() is true, but int("²") fails.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


# Control characters (Unicode category Cc) and lone surrogates (Cs), but the
# tab and line breaks. A regular expression, not a loop: a field may hold
# megabytes before its length is checked.
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def reject_control_characters(value):
    """Refuse NUL and other invisible control characters, with a message.

    They are never typed on purpose, PostgreSQL cannot store NUL at all, and
    some are used to smuggle text past filters.
    """
    found = _FORBIDDEN_CONTROL.search(value)
    if found:
        raise ValidationError(
            "This contains an invisible control character (code %(code)s) that cannot be "
            "saved. Please remove it and try again.",
            code="control_character",
            params={"code": f"U+{ord(found.group()):04X}"},
        )


def reject_unreadable_text(value):
    """Refuse text that arrived garbled rather than store it garbled.

    Browsers send UTF-8; bytes that are not (a broken client, a lone
    surrogate) reach the form as U+FFFD, which nobody types on purpose.
    """
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            "This contains characters that could not be read (shown as %(char)s), usually "
            "from text sent in a broken encoding. Please retype them and try again.",
            code="unreadable",
            params={"char": REPLACEMENT_CHARACTER},
        )


TEXT_VALIDATORS = [reject_control_characters, reject_unreadable_text]


def reject_deceptive_characters(value):
    """Refuse characters that would make a name read as something else (comments.names).

    A right-to-left override (U+202E) shows "Eve", U+202E, "nimda" as
    "Eveadmin"; a zero width space or a Hangul filler hides inside a name,
    or is the whole name.
    """
    char = refused_character(value)
    if char is not None:
        raise ValidationError(
            "Your name contains an invisible, blank or unassigned character (%(code)s "
            "%(name)s) that can make it look like another name. Please remove it and try again.",
            code="deceptive_character",
            params={"code": f"U+{ord(char):04X}", "name": unicodedata.name(char, "")},
        )


def comparable_name(name):
    """A name as the duplicate check compares it, never as stored: NFKC, case-folded, one space.

    "Ａｌｉｃｅ  Smith" and "alice smith" are the same name.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def email_field(**options):
    """The commenter's email address, as every form that asks for it takes it."""
    return forms.EmailField(
        label="Email",
        max_length=MAX_EMAIL_LENGTH,
        validators=[*TEXT_VALIDATORS, validate_mailbox],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 30}),
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, such as name@example.com.",
            "max_length": "Your email address is too long (at most %(limit_value)s characters).",
        },
        **options,
    )


class WebsiteField(forms.URLField):
    """An http(s) address; one validator, so a bad address gets one message."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.Form):
    """The "Leave a Reply" form, with WordPress's fields, limits and messages.

    Field order and labels follow WordPress. The server decides everything
    else (status, IP address, user); the form never carries those.
    """

    comment = forms.CharField(
        label="Comment",
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        validators=[*TEXT_VALIDATORS, reject_absurd_markup],
        error_messages={
            "required": "Please type your comment.",
            "max_length": "Your comment is too long (%(show_value)s characters; the limit is "
            "%(limit_value)s).",
        },
    )
    author = forms.CharField(
        label="Name",
        max_length=MAX_NAME_LENGTH,
        validators=[*TEXT_VALIDATORS, reject_deceptive_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name", "size": 30}),
        error_messages={
            "required": "Please enter your name.",
            "max_length": "Your name is too long (at most %(limit_value)s characters).",
        },
    )
    email = email_field()
    url = WebsiteField(
        label="Website",
        required=False,
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        validators=TEXT_VALIDATORS,
        # A text box with the URL keyboard: an invalid address comes back as typed,
        # which an <input type="url"> may not carry as its value.
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url", "size": 30}),
        error_messages={
            "invalid": "Please enter a website address starting with http:// or https://.",
            "max_length": "Your website address is too long (at most %(limit_value)s characters).",
        },
    )
    save_details = forms.BooleanField(label=SAVE_DETAILS_LABEL, required=False)
    notify = forms.BooleanField(label=NOTIFY_LABEL, required=False)
    # The key a browser was given when it confirmed its address (comments.js
    # fills it in from localStorage); it makes a returning author trusted.
    commenter_key = forms.CharField(required=False, strip=True, widget=forms.HiddenInput)
    # A trap for robots: hidden from people, filled in by form-stuffing bots.
    phone = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "This comment is not attached to an article.",
            "invalid_choice": "This article does not exist or is not published.",
        },
    )
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={
            code: "The comment you are replying to does not exist."
            for code in ("invalid", "min_value", "max_value")
        },
    )

    fields_template = "comments/includes/form_fields.html"
    for_editor = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.published()

    def unchecked(self):
        """The form as typed, marked valid without running a check (for a rate-limited post).

        Rendering a field would otherwise validate the whole form, which costs
        queries and sanitiser-sized work the post has not earned.
        """
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    @property
    def is_trap_filled(self):
        return bool(str(self.data.get("phone", "")).strip())

    def clean_author(self):
        return " ".join(self.cleaned_data["author"].split())

    def clean_parent(self):
        """A reply must answer an approved comment of the same article."""
        parent_id = self.cleaned_data.get("parent")
        article = self.cleaned_data.get("article")
        if not parent_id or article is None:
            return None
        parent = (
            Comment.objects.public()
            .filter(article=article, pk=parent_id)
            .select_related("article")
            .first()
        )
        if parent is None:
            raise ValidationError(
                "The comment you are replying to does not exist or is not published.",
                code="invalid_parent",
            )
        return parent

    def clean(self):
        """Refuse replies past the depth limit and comments on closed articles."""
        cleaned = super().clean()
        # Hidden fields have nowhere to show an error; the form as a whole does.
        for name in ("article", "parent"):
            if name in self._errors:
                self.add_error(None, self._errors.pop(name).as_data())
        rules = DiscussionSettings.load()
        article, parent = cleaned.get("article"), cleaned.get("parent")
        if article is not None and not comments_open(article, rules):
            raise ValidationError("Comments are closed on this article.", code="closed")
        if parent is not None and self._depth_of(parent) >= rules.thread_depth:
            raise ValidationError(
                "This discussion cannot nest any deeper. Please reply to an earlier comment "
                "or leave a new one.",
                code="too_deep",
            )
        return cleaned

    @staticmethod
    def _depth_of(parent):
        """How deep `parent` sits as readers see it: its ancestors are all in its thread."""
        shown = Comment.objects.public().in_threads([parent.thread_id or parent.pk])
        return public_depth(shown.values_list("pk", "parent_id"), parent.pk)

    @property
    def reply_to(self):
        parent = self.cleaned_data.get("parent") if hasattr(self, "cleaned_data") else None
        return parent if isinstance(parent, Comment) else None

    def error_codes(self):
        return {error.code for error in self.errors.as_data().get(NON_FIELD_ERRORS, [])}


class EditorCommentForm(CommentForm):
    """The form a signed-in editor sees: the comment alone.

    The posting function signs it with the editor's public name
    (comments.editors); whatever name, address or website a request sends
    is not read.
    """

    author = email = url = save_details = notify = commenter_key = phone = None
    fields_template = "comments/includes/editor_form_fields.html"
    for_editor = True


class EditForm(forms.Form):
    """A comment's new text: the same field, limits and messages as "Leave a Reply"."""

    comment = CommentForm.base_fields["comment"]

    def unchecked(self):
        """The form as typed, marked valid without running a check (for a rate-limited edit)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self


class PrivacyRequestForm(forms.Form):
    """A commenter asks for a mailed link to download or erase the data kept with an address."""

    email = email_field(
        help_text="The address you gave with your comments. The link is mailed there."
    )
    kind = forms.ChoiceField(
        label="What would you like to do?",
        choices=[
            ("export", "Download a copy of my comments and the data kept with them"),
            ("erase", "Erase my data: my comments stay, signed “Anonymous”"),
        ],
        initial="export",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose whether to download or erase your data.",
            "invalid_choice": "Please choose whether to download or erase your data.",
        },
    )
