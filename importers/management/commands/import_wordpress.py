from importers.models import WORDPRESS
from importers.runs import ImportCommand


class Command(ImportCommand):
    help = (
        "Import posts, comments, pingbacks and old addresses from a WordPress export "
        "(WXR, from Tools → Export). "
        "Running it again imports nothing twice."
    )
    source = WORDPRESS
