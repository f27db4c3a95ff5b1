from django.core.management.base import BaseCommand
from django.db import transaction

from comments.models import Comment
from comments.rendering import rerender_stored
from immunoblog import pagecache


class Command(BaseCommand):
    help = (
        "Re-sanitise and re-render every stored comment (run after changing the comment "
        "card template, the date format or the sanitiser)."
    )

    def handle(self, **options):
        with transaction.atomic():
            count = rerender_stored(Comment.objects.all())
        pagecache.invalidate_all()
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {count} comments."))
