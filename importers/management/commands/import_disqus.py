from importers.models import DISQUS
from importers.runs import ImportCommand


class Command(ImportCommand):
    help = (
        "Import comments from a Disqus export into the articles their threads belong to. "
        "Running it again imports nothing twice."
    )
    source = DISQUS
