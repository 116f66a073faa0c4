"""What happens to drift records after the comparison: waivers that accept them, and the baseline
run that tells new drift from old. Both are optional; without them every record counts.

Applied on the process that runs the check (an xdist worker too), so the check's verdict and the
records it reports already say which difference is waived or new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from drverify.drift.records import Drift


@dataclass
class Review:
    """The run's waivers and baseline, applied to each check's records."""

    def annotate(self, records: Iterable[Drift]) -> tuple[Drift, ...]:
        """The records, each with what the waivers and the baseline say of it."""
        return tuple(records)

    def counts(self, record: Drift) -> bool:
        """Whether a record at or above the threshold fails its check."""
        return True

    def provenance(self) -> dict[str, Any]:
        """The waivers in force and the baseline, for every report's provenance."""
        return {}
