"""Links of a page's many rows built from one reverse(): a plan lists thousands of targets,
a ranking hundreds of units, and one {% url %} per row cost more than the rest of the row."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class IdUrl:
    """The URL of a view whose last argument is an id, as the text around that id:
    {{ url.before }}<id>{{ url.after }} is reverse(viewname, args=[*fixed, id])."""

    before: str
    after: str

    # An id nothing has, to find where the id goes in the reversed URL.
    _MARK = 987654321

    @classmethod
    def of(cls, viewname: str, *fixed: object) -> IdUrl:
        url = reverse(viewname, args=[*fixed, cls._MARK])
        before, _mark, after = url.rpartition(str(cls._MARK))
        return cls(before=before, after=after)
