"""The pytest item of a drift check: its failure is its message.

A check fails with ``pytest.fail(message, pytrace=False)``: the message *is* the report (each
difference on its line). pytest would still walk and filter the whole traceback of every failing
check before printing only that message, about half a millisecond per check, seconds for an
estate of thousands; pytest's documented way to own a failure's text is an item's
``repr_failure``, so the checks' items are made of this class, with the same name, parameters and
markers pytest gave them. An unverified check errors in setup, which pytest formats through
``_repr_failure_py`` (15 ms a traceback through the fixture machinery); its reason is its report
too (the plugin words it "unverified: ..."). Anything else (a comparator that raised), and
everything under ``--drverify-debug``, keeps pytest's own representation.
"""

from __future__ import annotations

from typing import Any

import pytest

from drverify.errors import FactsUnavailable


class DriftCheck(pytest.Function):
    """A check of one area of one pair (``test_users[mft-eu]``)."""

    @classmethod
    def remade(cls, collector: pytest.Collector, item: pytest.Function) -> DriftCheck:
        """The same check as pytest made it (name, function, parameters, keywords), sharing the
        fixture resolution pytest made once for the function (without it, each of thousands of
        items would resolve its fixtures again; a pytest that names it otherwise just costs that)."""
        return cls.from_parent(collector, name=item.name, callspec=item.callspec, callobj=item.obj,
                               keywords={item.callspec.id: True}, originalname=item.originalname,
                               fixtureinfo=getattr(item, "_fixtureinfo", None))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        error = excinfo.value
        if isinstance(error, pytest.fail.Exception) and not error.pytrace:
            return error.msg
        return super().repr_failure(excinfo, style)

    def _repr_failure_py(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, FactsUnavailable) and not self.config.getoption("drverify_debug"):
            return str(excinfo.value)
        return super()._repr_failure_py(excinfo, style)
