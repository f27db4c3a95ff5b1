"""Rendered pages kept in this process's memory, within a byte budget.

Least recently used pages go first when the budget is full; a page larger
than a quarter of the budget is never kept. Entries also carry a deadline
and the tag generations they were rendered under (see tags.py), so a stale
entry is simply never returned.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import NamedTuple

# What an entry costs besides its body: headers, tuple, key.
ENTRY_OVERHEAD = 1024


class Page(NamedTuple):
    expires_at: float
    generations: dict
    status: int
    headers: Mapping  # name -> value
    content: bytes
    last_modified: int | None = None  # Last-Modified, as a timestamp

    @property
    def size(self):
        headers = sum(len(name) + len(value) for name, value in self.headers.items())
        return len(self.content) + ENTRY_OVERHEAD + headers


class PageStore:
    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.used_bytes = 0
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._pages)

    def get(self, key, now=None):
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if (now or time.time()) >= page.expires_at:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def set(self, key, page):
        size = page.size
        with self._lock:
            if key in self._pages:
                self._drop(key)
            if size > self.max_bytes // 4:
                return False
            while self._pages and self.used_bytes + size > self.max_bytes:
                self._drop(next(iter(self._pages)))
            self._pages[key] = page
            self.used_bytes += size
            return True

    def discard(self, key):
        with self._lock:
            if key in self._pages:
                self._drop(key)

    def clear(self):
        with self._lock:
            self._pages.clear()
            self.used_bytes = 0

    def _drop(self, key):
        self.used_bytes -= self._pages.pop(key).size
