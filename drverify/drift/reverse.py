"""Failing back: the same comparisons with recovery as the reference, said the right way round.

During an outage, recovery *is* the service: users are created, passwords changed, keys imported,
firewall rules added there. Before switching back, production must have all of it. A reversible
area's comparator is therefore run with the roles swapped — recovery's facts as the reference,
production's as the side that must match, the pair's translation inverted — and what it says is
turned back: the values go into their own columns again, and the words "production" and
"recovery" trade places in items, messages and reasons, so "mounted on production but not on
recovery" (reference but not target) reads "mounted on recovery but not on production".
"""

from __future__ import annotations

import re
from dataclasses import replace

from drverify.drift.records import Drift, Unverified

#: a role word in prose, not inside a path, a name or an address ("/srv/production", "recovery-db")
_ROLE_WORD = re.compile(r"(?<![\w/.\-@:])(production|recovery|Production|Recovery|PRODUCTION|RECOVERY)"
                        r"(?![\w/\-@:]|\.\w)")
_SWAP = {"production": "recovery", "recovery": "production", "Production": "Recovery",
         "Recovery": "Production", "PRODUCTION": "RECOVERY", "RECOVERY": "PRODUCTION"}


def swap_roles(text: str) -> str:
    """Each role word replaced by the other, case kept."""
    return _ROLE_WORD.sub(lambda match: _SWAP[match.group(0)], text)


def drift_record(record: Drift) -> Drift:
    """A record made with the roles swapped, put back: each value in its own column, the hint
    said the right way round. ``translated`` stays the reference's value as it reads on the other
    site: recovery's, in production's terms (the report shows it beside recovery's column when
    the result's direction is ``failback``)."""
    return replace(record, item=swap_roles(record.item), production=record.recovery,
                   recovery=record.production, message=swap_roles(record.message), hint=swap_roles(record.hint))


def unverified_item(item: Unverified) -> Unverified:
    """An unverified item made with the roles swapped, said the right way round (its host was
    named through the swapped host labels already)."""
    return replace(item, item=swap_roles(item.item), reason=swap_roles(item.reason))
