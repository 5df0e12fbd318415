"""Which fields of a response body a scenario read: the parts of an API it depends on.

A JSON body can be handed out *tracked*: dicts and lists that note, as JSON pointers,
each member a check or a save looked at (``/total``, ``/items/*/price``; ``*`` for any
element of an array). Nothing else changes: they are ``dict`` and ``list``, equal to
untracked ones, and dump to the same JSON. ``handoff contracts diff`` uses what was read
to say which scenarios a change of the API description would break
(handoff/contracts/drift.py).
"""

from __future__ import annotations

from typing import Any


def tracked(value: Any, reads: set[str], pointer: str = "") -> Any:
    """``value`` (parsed JSON) with every member access below ``pointer`` noted in ``reads``."""
    if isinstance(value, dict):
        return TrackedDict({key: tracked(item, reads, f"{pointer}/{_escape(key)}") for key, item in value.items()},
                           reads, pointer)  # fmt: skip
    if isinstance(value, list):
        return TrackedList([tracked(item, reads, f"{pointer}/*") for item in value], reads, pointer)
    return value


class TrackedDict(dict):
    def __init__(self, members: dict, reads: set[str], pointer: str) -> None:
        super().__init__(members)
        self._reads, self._pointer = reads, pointer

    def _note(self, key: Any) -> None:
        if isinstance(key, str) and dict.__contains__(self, key):
            self._reads.add(f"{self._pointer}/{_escape(key)}")

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def items(self):
        for key in self:
            self._note(key)
        return super().items()

    def values(self):
        for key in self:
            self._note(key)
        return super().values()


class TrackedList(list):
    def __init__(self, items: list, reads: set[str], pointer: str) -> None:
        super().__init__(items)
        self._reads, self._pointer = reads, pointer

    def __getitem__(self, index):
        self._reads.add(f"{self._pointer}/*")
        return super().__getitem__(index)

    def __iter__(self):
        self._reads.add(f"{self._pointer}/*")
        return super().__iter__()


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
