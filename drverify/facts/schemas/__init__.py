"""Snapshot schemas: what a snapshot file may hold, checked when it is loaded.

A snapshot is facts written to a file, and a file is not trusted: this package says, area by
area, which shapes the facts modules write (types, ranges, string contents, sizes), so that a
comparison only ever sees facts of those shapes. :mod:`.fields` holds the bounded value types,
:mod:`.host`, :mod:`.network`, :mod:`.probes` and :mod:`.keys` the areas' models,
:mod:`.snapshot` the file's header and the registry, :mod:`.messages` the one-line reasons.

Nothing here imports :mod:`drverify.drift`: the schema describes facts, not their comparison.
"""

from drverify.facts.schemas.snapshot import AREA_SCHEMAS, SCHEMA, check_area, check_header

__all__ = ["AREA_SCHEMAS", "SCHEMA", "check_area", "check_header"]
