"""The old blog's clock (issue #13): WordPress stores each date twice, in the blog's
local time (`wp:post_date`, whose day is in the permalink) and in UTC
(`wp:post_date_gmt`). Drafts have no UTC date; their local date is read with the old
blog's UTC offset on the nearest day that the export shows both dates for, which
follows its summer and winter time, and in this blog's time zone only when the file
gives no offset at all.
"""

import bisect
import datetime
import zoneinfo

from django.conf import settings

# UTC offsets run from −12:00 to +14:00, in steps of 15 minutes.
_MAX_OFFSET = datetime.timedelta(hours=14)
_STEP = datetime.timedelta(minutes=15)


class OldBlogClock:
    """UTC offsets of the old blog learnt from an export, one per day (bounded memory)."""

    def __init__(self):
        self._by_day: dict[datetime.date, datetime.timedelta] = {}
        self._days: list[datetime.date] | None = None

    def learn(self, local: datetime.datetime | None, gmt: datetime.datetime | None) -> None:
        """Note the offset local − gmt of one date written both ways."""
        if local is None or gmt is None:
            return
        offset = local - gmt
        if abs(offset) <= _MAX_OFFSET and offset % _STEP == datetime.timedelta(0):
            self._by_day[local.date()] = offset
            self._days = None

    def offset_near(self, local: datetime.datetime) -> datetime.timedelta | None:
        """The offset learnt for the day nearest to `local`, or None."""
        if not self._by_day:
            return None
        if self._days is None:
            self._days = sorted(self._by_day)
        day = local.date()
        i = bisect.bisect_left(self._days, day)
        candidates = self._days[max(i - 1, 0) : i + 1]
        return self._by_day[min(candidates, key=lambda d: abs(d - day))]

    def to_utc(
        self, local: datetime.datetime | None, gmt: datetime.datetime | None
    ) -> datetime.datetime | None:
        """An aware date: the GMT one when written, else the local one read with the old
        blog's offset (this blog's time zone when none is known); None for neither."""
        if gmt is not None:
            return gmt.replace(tzinfo=datetime.UTC)
        if local is None:
            return None
        offset = self.offset_near(local)
        if offset is None:
            return local.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return (local - offset).replace(tzinfo=datetime.UTC)
