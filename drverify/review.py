"""What happens to drift records after the comparison: waivers that accept them, and the baseline
run that tells new drift from old. Both are optional; without them every record counts.

Applied on the process that runs the check (an xdist worker too), so the check's verdict and the
records it reports already say which difference is waived or new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from drverify.drift.records import Drift
from drverify.waivers import Waivers, load_waivers


@dataclass
class Review:
    """The run's waivers and baseline, applied to each check's records."""

    waivers: Waivers | None = None

    @classmethod
    def load(cls, config: pytest.Config) -> Review:
        """From the command line; a broken file raises :class:`~drverify.errors.InventoryError`."""
        path = config.getoption("waivers", None)
        return cls(waivers=load_waivers(path) if path else None)

    def annotate(self, records: Iterable[Drift]) -> tuple[Drift, ...]:
        """The records, each with what the waivers and the baseline say of it."""
        return tuple(self._annotated(record) for record in records)

    def _annotated(self, record: Drift) -> Drift:
        waiver = self.waivers.match(record) if self.waivers is not None else None
        return replace(record, waiver=waiver)

    def counts(self, record: Drift) -> bool:
        """Whether a record at or above the threshold fails its check: not when a waiver in force
        accepts it."""
        return not record.waived

    def provenance(self) -> dict[str, Any]:
        """The waivers in force and the baseline, for every report's provenance."""
        return {"waivers": self.waivers.provenance()} if self.waivers is not None else {}
