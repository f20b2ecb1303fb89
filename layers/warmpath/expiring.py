"""A small in-memory cache whose entries expire and whose size is bounded: per container, never shared.

Used where remembering an answer for a little while spares a remote call on every request, and where the keys
come from outside (a URL's path), so the cache must not grow with what an attacker sends: past
``max_entries`` the least recently used entry is forgotten.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_EVERY_CACHE: weakref.WeakSet[ExpiringLru] = weakref.WeakSet()


class ExpiringLru:
    """Keys remembered for ``ttl_seconds`` each (with a value), at most ``max_entries`` of them.

    ``clock`` is monotonic seconds (tests pass their own).
    """

    def __init__(self, max_entries: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1 or ttl_seconds <= 0:
            raise ValueError("an expiring cache needs room for one entry and a positive lifetime")
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        _EVERY_CACHE.add(self)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        """Whether ``key`` was remembered less than ``ttl_seconds`` ago (an expired entry is dropped)."""
        entry = self._entries.get(key)
        if entry is None:
            return False
        if self.clock() >= entry[0]:
            del self._entries[key]
            return False
        self._entries.move_to_end(key)
        return True

    def get(self, key: Hashable, default: Any = None) -> Any:
        return self._entries[key][1] if key in self else default

    def remember(self, key: Hashable, value: Any = True) -> None:
        self._entries[key] = (self.clock() + self.ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def clear_every_cache() -> None:
    """Empty every expiring cache in this process (``wiring.reset``: tests and the local stack)."""
    for cache in list(_EVERY_CACHE):
        cache.clear()
