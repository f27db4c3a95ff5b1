from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def iso_seconds(moment):
    """A date and time for a `datetime` attribute: ISO 8601 to the second.

    HTML allows at most three digits of a second's fraction, and a time saved
    in the admin carries six (microseconds): Django's `date:'c'` prints them.
    """
    if not moment:
        return ""
    return moment.replace(microsecond=0).isoformat()
