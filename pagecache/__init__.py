"""Shared pages for anonymous readers, and one way to say that they changed.

Views mark their responses with `@shared_page(tags=...)`: the tags name what
the page shows (see `tags.py`). Every change calls `purge(*tags)`, which, once
the transaction commits, invalidates those pages in every process's cache and
in every HTTP cache in front (Varnish, by xkey) at once.
"""
