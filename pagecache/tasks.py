"""Purges at a set time, run by `manage.py db_worker`.

`purge_at(tags, when)` invalidates pages at a set time, such as the moment a
scheduled article is published. (Purges an HTTP cache did not confirm are
sent again by pagecache/retries.py.)
"""

from django_tasks import task

from . import tags as page_tags


@task
def purge_tags(tags):
    """Invalidate every page showing these tags, in every cache."""
    page_tags.purge_now(tags)


def purge_at(tags, when):
    """Invalidate pages showing `tags` at `when` (an aware datetime), from the worker.

    Queued in the current transaction: if it rolls back, nothing is scheduled.
    """
    return purge_tags.using(run_after=when).enqueue(sorted(set(tags)))
