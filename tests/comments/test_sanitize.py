"""The comment sanitiser against hostile text, and every page that prints a comment.

Each check parses the HTML the way a browser would (html5lib) and looks at
the resulting elements and attributes, so a payload cannot hide behind an
encoding that a substring test would miss.
"""

import json
import re
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comments.forms import CommentForm
from comments.models import Comment
from comments.moderation import set_status
from comments.names import without_refused_characters
from comments.sanitize import sanitize_comment
from tests.comments.xss_corpus import XSS_VECTORS
from tests.factories import comment_data, make_article, make_comment, make_tag

ALLOWED_ELEMENTS = {
    "a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "strike", "strong",
    "p", "br",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:")
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "base"}
# What a browser ignores or trims in a URL before it reads the scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
XLINK = "{http://www.w3.org/1999/xlink}"

VECTORS = [pytest.param(text, id=name) for name, text in XSS_VECTORS]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories create users; hashing their passwords properly is slow and beside the point."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Reading HTML as a browser does.


def parse(html):
    return html5lib.parse(html, namespaceHTMLElements=False)


def local_name(name):
    return name.rpartition("}")[2].lower()


def elements(document):
    """Every element a browser would build, without the html/head/body it adds itself."""
    wrappers = {id(document), id(document.find("head")), id(document.find("body"))}
    return [el for el in document.iter() if isinstance(el.tag, str) and id(el) not in wrappers]


def normalized_url(value):
    return _URL_NOISE.sub("", value).lower()


def text_of(element):
    return "".join(element.itertext())


def as_parsed(text):
    """Text as a parser hands it back: carriage returns become newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# What a sanitised comment may contain.


def disallowed_elements(html):
    return [el.tag for el in elements(parse(html)) if el.tag not in ALLOWED_ELEMENTS]


def handler_or_style_attributes(html):
    return [
        f"{el.tag}[{name}]"
        for el in elements(parse(html))
        for name in el.attrib
        if local_name(name).startswith("on") or local_name(name) == "style"
    ]


def hrefs_with_other_schemes(html):
    return [
        value
        for el in elements(parse(html))
        for name, value in el.attrib.items()
        if local_name(name) == "href" and not normalized_url(value).startswith(SAFE_SCHEMES)
    ]


def links_with_wrong_rel(html):
    rels = [el.get("rel") for el in elements(parse(html)) if el.tag == "a"]
    return [rel for rel in rels if rel != "nofollow ugc"]


# What a whole page may contain.


def active_content(html):
    """Everything on a page that could run script or send the reader elsewhere unasked."""
    problems = []
    for el in elements(parse(html)):
        tag = local_name(el.tag)
        is_ours = el.get("src", "").startswith("/static/") or (
            el.get("type") == "application/ld+json" and not el.get("src")
        )
        if tag == "script" and not is_ours:
            problems.append(f"script {el.get('src') or text_of(el)[:60]!r}")
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}>")
        if tag == "meta" and el.get("http-equiv", "").strip().lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        for name, value in el.attrib.items():
            attribute = local_name(name)
            if attribute.startswith("on"):
                problems.append(f"<{tag} {attribute}>")
            is_url = attribute in URL_ATTRIBUTES or name == XLINK + "href"
            if is_url and normalized_url(value).startswith(DANGEROUS_SCHEMES):
                problems.append(f"<{tag} {attribute}={value[:60]!r}>")
    return problems


def json_ld_blocks(html):
    """Each JSON-LD block's BlogPosting (the article, carrying its comments)."""
    return [
        posting
        for el in elements(parse(html))
        if el.tag == "script" and el.get("type") == "application/ld+json"
        for posting in json.loads(text_of(el))["@graph"]
        if posting["@type"] == "BlogPosting"
    ]


def feed_descriptions(xml):
    return [item.findtext("description") for item in ET.fromstring(xml).iter("item")]


# The checks themselves catch what they look for.


@pytest.mark.parametrize(
    ("check", "markup"),
    [
        pytest.param(disallowed_elements, "<p><svg><script>x</script></svg></p>", id="svg"),
        pytest.param(disallowed_elements, "<base href=x>", id="base-in-head"),
        pytest.param(disallowed_elements, "<svg><a>a</a></svg>", id="svg-link"),
        pytest.param(handler_or_style_attributes, "<b onclick=x>b</b>", id="onclick"),
        pytest.param(handler_or_style_attributes, "<i style=color:red>i</i>", id="style"),
        pytest.param(hrefs_with_other_schemes, '<a href=" java\tscript:x">a</a>', id="js-url"),
        pytest.param(hrefs_with_other_schemes, '<a href="/relative">a</a>', id="relative"),
        pytest.param(links_with_wrong_rel, '<a href="https://example.com">a</a>', id="no-rel"),
        pytest.param(active_content, "<p><img src=x onerror=alert(1)></p>", id="onerror"),
        pytest.param(active_content, "<script>alert(1)</script>", id="inline-script"),
        pytest.param(active_content, '<meta http-equiv="Refresh" content="0">', id="refresh"),
        pytest.param(active_content, '<form action=" JavaScript:x"></form>', id="form-action"),
        pytest.param(active_content, '<svg><a xlink:href="data:x">a</a></svg>', id="xlink"),
        pytest.param(active_content, "<object data=x></object>", id="object"),
    ],
)
def test_each_markup_check_reports_the_unsafe_markup_it_looks_for(check, markup):
    assert check(markup)


# The sanitiser against the corpus.


def test_corpus_has_at_least_seventy_distinctly_named_vectors():
    names = [name for name, _ in XSS_VECTORS]
    assert len(names) >= 70
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("text", VECTORS)
def test_sanitised_comment_has_only_allowed_elements(text):
    assert disallowed_elements(sanitize_comment(text)) == []


@pytest.mark.parametrize("text", VECTORS)
def test_sanitised_comment_has_no_event_handler_or_style_attribute(text):
    assert handler_or_style_attributes(sanitize_comment(text)) == []


@pytest.mark.parametrize("text", VECTORS)
def test_sanitised_comment_links_only_to_http_https_or_mailto(text):
    assert hrefs_with_other_schemes(sanitize_comment(text)) == []


@pytest.mark.parametrize("text", VECTORS)
def test_sanitised_comment_links_all_carry_rel_nofollow_ugc(text):
    assert links_with_wrong_rel(sanitize_comment(text)) == []


# What commenters see happen to their text.


def test_script_tag_is_shown_as_the_text_that_was_typed():
    document = parse(sanitize_comment("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" in text_of(document)
    assert [el.tag for el in elements(document)] == ["p"]


def test_bare_urls_become_links_with_rel_nofollow_ugc():
    html = sanitize_comment("See https://example.com/trial?id=7 and www.example.org.")
    links = [(a.get("href"), a.get("rel"), text_of(a)) for a in parse(html).iter("a")]
    assert links == [
        ("https://example.com/trial?id=7", "nofollow ugc", "https://example.com/trial?id=7"),
        ("http://www.example.org", "nofollow ugc", "www.example.org"),
    ]


def test_typed_link_keeps_its_title_and_loses_target_and_its_own_rel():
    html = sanitize_comment(
        '<a href="https://example.com/" title="A study" target="_blank" rel="opener">study</a>'
    )
    link = parse(html).find(".//a")
    assert dict(link.attrib) == {
        "href": "https://example.com/",
        "title": "A study",
        "rel": "nofollow ugc",
    }


def test_mailto_link_survives():
    link = parse(sanitize_comment('<a href="mailto:desk@example.com">write</a>')).find(".//a")
    assert link.get("href") == "mailto:desk@example.com"


@pytest.mark.parametrize(
    "href",
    ["/comments/post/", "//evil.example/login", "\\\\evil.example/login", "#commentform", "x"],
)
def test_link_without_an_http_https_or_mailto_scheme_loses_its_href(href):
    link = parse(sanitize_comment(f'<a href="{href}">look</a>')).find(".//a")
    assert link.get("href") is None
    assert text_of(link) == "look"


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks():
    body = parse(sanitize_comment("First line\nsecond line\n\n\nNew paragraph\r\nlast")).find(
        "body"
    )
    paragraphs = body.findall("p")
    assert [text_of(p) for p in paragraphs] == ["First line\nsecond line", "New paragraph\nlast"]
    assert [len(p.findall("br")) for p in paragraphs] == [1, 1]


@pytest.mark.parametrize(
    "tag",
    ["a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "strike", "strong"],
)
def test_allowed_tag_is_kept(tag):
    attributes = ' href="https://example.com/"' if tag == "a" else ""
    element = parse(sanitize_comment(f"<{tag}{attributes}>kept</{tag}>")).find(f".//{tag}")
    assert element is not None
    assert text_of(element) == "kept"


def test_abbreviation_keeps_its_title():
    html = sanitize_comment('<abbr title="World Health Organization">WHO</abbr>')
    assert parse(html).find(".//abbr").get("title") == "World Health Organization"


@pytest.mark.django_db
@pytest.mark.parametrize("template_text", ["{{ 7*7 }}", "{% debug %}", "{{ settings.SECRET_KEY }}"])
def test_template_syntax_in_an_approved_comment_is_shown_literally(
    client, django_capture_on_commit_callbacks, template_text
):
    article = make_article()
    response = client.post(reverse("comments:post"), comment_data(article, comment=template_text))
    assert response.status_code == 302
    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    client.get(article.get_absolute_url())  # the page is cached before the approval
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)

    page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    content = parse(page.content).find(f".//li[@id='comment-{comment.pk}']/article/div")
    assert text_of(content) == template_text
    assert template_text in page.content.decode()
    assert "49" not in text_of(content)


# End to end: each vector in a comment, a reply, a name and a website, on every page.


def accepted_website(text):
    """The vector as a website address, in the closest shape the form accepts."""
    field = CommentForm().fields["url"]
    for candidate in (text.strip(), "https://example.com/" + "".join(text.split())):
        try:
            return field.clean(candidate[:200])
        except ValidationError:
            continue
    return ""


@pytest.fixture
def hostile_discussion(db, text):
    """An article whose approved comment and reply carry the vector everywhere they can."""
    article = make_article()
    comment = make_comment(
        article, body=text, author_name=text[:245], author_url=accepted_website(text)
    )
    reply = make_comment(
        article, parent=comment, body=f"Re: {text}", author_name=text[:245], author_url=text[:200]
    )
    return article, comment, reply


def hostile_reply(article, parent, text, **overrides):
    """The form's fields for a reply carrying the vector in its text, name and website.

    The name leaves out the invisible characters names may not hold (they
    are refused with a message, tested in test_validation).
    """
    name = without_refused_characters(text[:245])
    return comment_data(
        article,
        comment=text,
        author=name,
        url=accepted_website(text),
        parent=str(parent.pk),
        **overrides,
    )


def assert_no_active_content(html):
    assert active_content(html) == []


@pytest.mark.parametrize("text", VECTORS)
def test_article_page_with_hostile_comments_has_no_active_content(client, hostile_discussion, text):
    article, comment, reply = hostile_discussion
    page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    assert_no_active_content(page.content)
    (schema,) = json_ld_blocks(page.content)
    assert [item["@id"] for item in schema["comment"]] == [
        f"#comment-{comment.pk}",
        f"#comment-{reply.pk}",
    ]
    assert [item["author"]["name"] for item in schema["comment"]] == [
        comment.author_name,
        reply.author_name,
    ]


@pytest.mark.parametrize("text", VECTORS)
def test_reply_page_naming_a_hostile_author_has_no_active_content(client, hostile_discussion, text):
    article, comment, _ = hostile_discussion
    page = client.get(article.get_absolute_url(), {"replytocom": comment.pk})

    assert page.status_code == 200
    title = parse(page.content).find(".//*[@id='reply-title-text']")
    assert text_of(title) == as_parsed(f"Reply to {comment.author_name}")
    assert_no_active_content(page.content)
    assert len(json_ld_blocks(page.content)) == 1


@pytest.mark.parametrize("text", VECTORS)
def test_comments_feed_with_hostile_comments_has_no_active_content(
    client, hostile_discussion, text
):
    article, _, _ = hostile_discussion
    feed = client.get(reverse("comments:feed", kwargs={"slug": article.slug}))

    assert feed.status_code == 200
    assert_no_active_content(feed.content)
    descriptions = feed_descriptions(feed.content)
    assert len(descriptions) == 2
    for description in descriptions:
        assert active_content(description) == []
        assert disallowed_elements(description) == []
        assert hrefs_with_other_schemes(description) == []


@pytest.mark.parametrize("text", VECTORS)
def test_pending_comment_preview_with_hostile_text_has_no_active_content(
    client, hostile_discussion, text
):
    article, comment, _ = hostile_discussion
    response = client.post(reverse("comments:post"), hostile_reply(article, comment, text))
    assert response.status_code == 302
    page = client.get(response["Location"])

    assert page.status_code == 200
    assert b"Your comment is awaiting moderation." in page.content
    assert_no_active_content(page.content)
    assert len(json_ld_blocks(page.content)) == 1


@pytest.mark.parametrize("text", VECTORS)
def test_form_page_showing_a_refused_hostile_comment_has_no_active_content(
    client, hostile_discussion, text
):
    article, comment, _ = hostile_discussion
    data = hostile_reply(article, comment, text, email=f"not an address {text}"[:100])
    page = client.post(reverse("comments:post"), data)

    assert page.status_code == 400
    textarea = parse(page.content).find(".//textarea[@name='comment']")
    assert text_of(textarea) == as_parsed(text)
    assert_no_active_content(page.content)


def test_every_public_page_after_the_whole_corpus_has_no_active_content(client, db):
    """The whole corpus at once, as comments, replies, names and websites: then every page."""
    tag = make_tag()
    article = make_article(tags=[tag])
    for _, text in XSS_VECTORS:
        comment = make_comment(
            article, body=text, author_name=text[:245], author_url=accepted_website(text)
        )
        make_comment(article, parent=comment, body=f"Re: {text}", author_name=text[:245])
    urls = [
        reverse("articles:home"),
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?replytocom={comment.pk}",
        tag.get_absolute_url(),
        reverse("articles:search") + "?q=script",
        reverse("articles:search") + "?q=" + article.title.split()[0],
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("comments:feed", kwargs={"slug": article.slug}),
        reverse("sitemap"),
        reverse("robots_txt"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert active_content(response.content) == [], url
    (schema,) = json_ld_blocks(client.get(article.get_absolute_url()).content)
    assert schema["commentCount"] == 2 * len(XSS_VECTORS)
