"""The one exception the lab raises (defined with the project's others, in :mod:`drverify.errors`)."""

from drverify.errors import LabError

__all__ = ["LabError"]
