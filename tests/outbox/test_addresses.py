"""One rule says which addresses are one mailbox, and every row that keeps an address keeps its key.

The rule's corpus (the look-alikes of the attack: dotless ı, long ſ, the
Kelvin sign, full-width letters, mixed case) is checked as a function; the
keys as each way of writing rows leaves them in the real database.
"""

import pytest
from django.core.mail.message import sanitize_address
from django.db.models import F

from comments.models import Comment
from outbox.addresses import RefusedAddress, mailbox_key, mailbox_key_or_blank, same_mailbox
from outbox.sending import mails_to, send
from tests.factories import make_comment

VICTIM = "victim@gmail.example"


def test_mixed_ascii_case_is_the_same_mailbox():
    assert same_mailbox(VICTIM, "  Victim@GMAIL.Example ")


def test_a_domain_typed_in_full_width_letters_is_its_ascii_domain():
    assert mailbox_key("victim@ｇｍａｉｌ.example") == VICTIM
    assert mailbox_key("victim@gmail．example") == VICTIM  # a full-width dot too


def test_a_dotless_i_in_the_domain_is_another_domain_in_any_case():
    for look_alike in ("victim@gmaıl.example", "VICTIM@GMAıL.EXAMPLE"):
        assert mailbox_key(look_alike) == "victim@xn--gmal-nza.example"
        assert not same_mailbox(look_alike, VICTIM)


@pytest.mark.parametrize(
    ("look_alike", "twin"),
    [
        ("vıctim@gmail.example", VICTIM),
        ("ſam@gmail.example", "sam@gmail.example"),
        ("\u212aate@gmail.example", "kate@gmail.example"),
        ("İvy@gmail.example", "ivy@gmail.example"),
    ],
    ids=["dotless-i", "long-s", "kelvin-sign", "dotted-capital-i"],
)
def test_a_letter_that_case_folds_into_ascii_is_refused_before_the_at(look_alike, twin):
    letter = next(char for char in look_alike if not char.isascii())
    with pytest.raises(RefusedAddress) as refused:
        mailbox_key(look_alike)
    assert refused.value.code == "non_ascii_local_part"
    assert f"U+{ord(letter):04X}" in refused.value.message
    assert not same_mailbox(look_alike, twin)
    assert not same_mailbox(look_alike, look_alike)


@pytest.mark.parametrize("deviation", ["ß", "ς", "\u200c", "\u200d"])
def test_a_domain_that_idna_2003_and_uts_46_read_differently_is_refused(deviation):
    with pytest.raises(RefusedAddress) as refused:
        mailbox_key(f"reader@stra{deviation}e.example")
    assert refused.value.code == "ambiguous_domain"


@pytest.mark.parametrize(
    "address",
    [
        VICTIM,
        "Victim@GMAIL.example",
        "victim@ｇｍａｉｌ.example",
        "victim@gmaıl.example",
        "victim@gmaiſ.example",
        "victim@\u212aelvin.example",
        "victim@bücher.example",
        "victim@xn--bcher-kva.example",
    ],
)
def test_the_key_names_the_domain_that_djangos_mailer_delivers_to(address):
    """Long ſ and the Kelvin sign in a domain are mapped by IDNA, as the mail to it is sent."""
    delivered = sanitize_address(address, "utf-8")
    assert mailbox_key(address).rpartition("@")[2] == delivered.rpartition("@")[2].lower()


def test_an_address_without_a_valid_domain_gets_no_key():
    for address in ("", "   ", "no-at-sign", "@example.org", "reader@", "reader@a..example"):
        assert mailbox_key_or_blank(address) == ""
        assert not same_mailbox(address, address)


# --- Every way of writing rows keys the address ---------------------------------------------


@pytest.mark.django_db
def test_a_created_row_keeps_the_key_of_its_address():
    (mail,) = send("test", "Victim@ｇｍａｉｌ.example", "Subject", "Text")
    mail.refresh_from_db()
    assert (mail.to, mail.to_key) == ("Victim@ｇｍａｉｌ.example", VICTIM)
    assert list(mails_to("VICTIM@gmail.example")) == [mail]
    assert not mails_to("victim@gmaıl.example").exists()


@pytest.mark.django_db
def test_saving_a_changed_address_alone_keys_it(seed_article):
    comment = make_comment(seed_article, author_email="old@example.org")
    comment.author_email = "New@Example.ORG"
    comment.save(update_fields=["author_email"])
    assert Comment.objects.get(pk=comment.pk).author_email_key == "new@example.org"


@pytest.mark.django_db
def test_bulk_created_rows_are_keyed(seed_article):
    Comment.objects.bulk_create(
        [Comment(article=seed_article, author_name="Bulk", author_email="Bulk@ＥＸＡＭＰＬＥ.org",
                 body="Inserted in bulk.", status=Comment.Status.APPROVED)]
    )  # fmt: skip
    assert Comment.objects.by_email("bulk@example.org").get().author_name == "Bulk"


@pytest.mark.django_db
def test_an_update_of_the_address_updates_its_key(seed_article):
    comment = make_comment(seed_article, author_email=VICTIM)
    Comment.objects.filter(pk=comment.pk).update(author_email="Someone.Else@Example.org")
    assert Comment.objects.by_email("someone.else@example.org").get() == comment
    Comment.objects.filter(pk=comment.pk).update(author_email="")
    assert Comment.objects.get(pk=comment.pk).author_email_key == ""
    assert not Comment.objects.by_email(VICTIM).exists()


@pytest.mark.django_db
def test_a_bulk_update_of_the_address_updates_its_key(seed_article):
    comment = make_comment(seed_article, author_email=VICTIM)
    comment.author_email = "Moved@Example.org"
    Comment.objects.bulk_update([comment], ["author_email"])
    assert Comment.objects.by_email("moved@example.org").get() == comment


@pytest.mark.django_db
def test_an_address_cannot_be_updated_from_an_expression(seed_article):
    make_comment(seed_article, author_email=VICTIM)
    with pytest.raises(TypeError):
        Comment.objects.update(author_email=F("author_name"))
    assert Comment.objects.by_email(VICTIM).exists()
