"""Which mailbox an address reaches: the one way the site compares email addresses.

Two addresses are the same commenter only if mail to both reaches the same
mailbox, so every lookup by address is an exact match on a key made here,
stored beside the address (`MailboxKeyField`) and indexed. No database's
case folding is involved: PostgreSQL's UPPER() turns a dotless ı into I, so
"victim@gmaıl.example" matched "victim@gmail.example" there, while on SQLite
it did not. The key:

- The domain in its ASCII form, lower case, as this site's mail reaches it:
  Django's mailer converts a domain with Python's IDNA codec, so the key
  does too. "ｇｍａｉｌ.example" (full-width letters) is "gmail.example";
  "gmaıl.example" is "xn--gmal-nza.example", a domain anyone may register.
  Where that codec (IDNA 2003) and UTS 46 disagree, on ß, ς and the
  zero-width joiners, the address is refused: the two read it as
  different domains. Everything else IDNA 2003 maps, UTS 46 maps the same.
- The part before the @ exactly as typed, with its ASCII letters (and only
  those) lower-cased. A non-ASCII character there is refused: Django's
  validator lets through exactly the letters that case-fold into ASCII (ı,
  ſ, the Kelvin sign K, İ), so the only such addresses it takes are
  look-alikes, and Django's mailer cannot deliver to them anyway (it has no
  SMTPUTF8).

Mail about stored data goes to the address as stored, never as typed: the
key finds the rows, and the rows say where to write.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

# The longest address SMTP carries (RFC 5321: a 256-octet path, less its brackets).
MAX_KEY_LENGTH = 254
# Read as different domains by IDNA 2003 (mapped or removed) and UTS 46 (kept): refused.
DEVIATIONS = {
    "ß": "ß (sharp s)",
    "ς": "ς (final sigma)",
    "\u200c": "an invisible zero-width non-joiner",
    "\u200d": "an invisible zero-width joiner",
}


class RefusedAddress(ValueError):
    """An address the rule cannot key: it says why, in words for the person who typed it."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message, self.code = message, code


def mailbox_key(address):
    """The key of the mailbox `address` reaches; RefusedAddress if the rule refuses it."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at or not local or not domain:
        raise RefusedAddress("Please enter an address such as name@example.com.", "no_mailbox")
    if not local.isascii():
        char = next(char for char in local if not char.isascii())
        raise RefusedAddress(
            f"The part of your address before the @ contains “{char}” (U+{ord(char):04X} "
            f"{unicodedata.name(char, 'an unnamed character')}). Only letters a–z, digits and "
            "ASCII signs are accepted there, so that no address can pass for another.",
            "non_ascii_local_part",
        )
    deviation = next((name for char, name in DEVIATIONS.items() if char in domain), None)
    if deviation:
        raise RefusedAddress(
            f"The domain of your address contains {deviation}, which mail software reads in two "
            "different ways. Please type the domain in its ASCII (xn--) form.",
            "ambiguous_domain",
        )
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise RefusedAddress(
            "The part of your address after the @ is not a valid domain name.", "bad_domain"
        ) from None
    key = f"{local.lower()}@{ascii_domain}"
    if len(key) > MAX_KEY_LENGTH:
        raise RefusedAddress(
            f"Your address is too long once its domain is written in ASCII (at most "
            f"{MAX_KEY_LENGTH} characters).",
            "too_long",
        )
    return key


def mailbox_key_or_blank(address):
    """The key of `address`, or "" when it is blank or refused: a key no lookup matches."""
    try:
        return mailbox_key(address)
    except RefusedAddress:
        return ""


def same_mailbox(first, second):
    """Do both addresses reach the same mailbox? Never true of a refused or blank address."""
    key = mailbox_key_or_blank(first)
    return bool(key) and key == mailbox_key_or_blank(second)


def validate_mailbox(value):
    """A form's check beside Django's: an address Django takes, the rule must take too, or
    the form says why (an address Django refuses gets Django's message alone)."""
    try:
        validate_email(value)
    except ValidationError:
        return
    try:
        mailbox_key(value)
    except RefusedAddress as refused:
        raise ValidationError(refused.message, code=refused.code) from None


class MailboxKeyField(models.CharField):
    """The key (mailbox_key) of the address in another field, set whenever a row is written.

    Django asks a field for its value on every save() and bulk_create(), so
    the key is derived here, in one place, on every path that writes rows.
    A refused or blank address keeps an empty key, which no lookup matches.
    `update()` and `bulk_update()` write without asking: models with a key
    use KeyedQuerySet, which keys them too.
    """

    def __init__(self, *args, address_field, **kwargs):
        self.address_field = address_field
        kwargs.setdefault("max_length", MAX_KEY_LENGTH)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["address_field"] = self.address_field
        for option, default in (("max_length", MAX_KEY_LENGTH), ("blank", True),
                                ("default", ""), ("editable", False)):  # fmt: skip
            if kwargs.get(option) == default:
                del kwargs[option]
        return name, path, args, kwargs

    def key_of(self, instance):
        return mailbox_key_or_blank(getattr(instance, self.address_field))

    def pre_save(self, model_instance, add):
        key = self.key_of(model_instance)
        setattr(model_instance, self.attname, key)
        return key


def key_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, MailboxKeyField)]


def with_keys(model, fields):
    """These field names, and the keys of any address among them (for update_fields)."""
    fields = set(fields)
    return fields | {field.name for field in key_fields(model) if field.address_field in fields}


class KeyedModel(models.Model):
    """A model with a MailboxKeyField: `save(update_fields=[address])` writes its key too."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_keys(type(self), kwargs["update_fields"])
        super().save(*args, **kwargs)


class KeyedQuerySet(models.QuerySet):
    """update() and bulk_update() that keep each address's key beside it."""

    def update(self, **values):
        for field in key_fields(self.model):
            # bulk_update() arrives here with the keys it made (and expressions).
            if field.address_field in values and field.attname not in values:
                address = values[field.address_field]
                if not isinstance(address, str):
                    raise TypeError(
                        f"{field.address_field} takes a string: its key is made from it"
                    )
                values[field.attname] = mailbox_key_or_blank(address)
        return super().update(**values)

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs, fields = list(objs), with_keys(self.model, fields)
        for field in key_fields(self.model):
            if field.name in fields:
                for obj in objs:
                    field.pre_save(obj, add=False)
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True


def fill_keys(model, batch_size=2000):
    """Key the addresses of every stored row, for a migration that adds keys; how many rows.

    Rows whose address the rule refuses keep an empty key (no lookup finds them).
    """
    fields = key_fields(model)
    rows = model._base_manager.only("pk", *(field.address_field for field in fields))
    done, last = 0, 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return done
        for row in batch:
            for field in fields:
                field.pre_save(row, add=False)
        model._base_manager.bulk_update(batch, [field.name for field in fields])
        done, last = done + len(batch), batch[-1].pk
