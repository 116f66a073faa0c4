"""The one exception the lab raises, so callers can tell a broken lab from a failing check."""

from __future__ import annotations


class LabError(RuntimeError):
    """A lab step failed; the message is one line naming the step and the reason.

    Fixtures that build the lab let it propagate, so pytest reports a setup *error*
    (the lab is unusable) rather than a test failure that could be mistaken for drift.
    """
