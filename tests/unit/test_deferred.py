"""The area registry names its facts and drift functions by module (imported when an area first
runs): every name it declares resolves to a function of that area's module in the right layer,
and a deferred function behaves as the function itself."""

from __future__ import annotations

import pytest

from drverify.areas import AREAS
from drverify.deferred import Deferred, resolve
from drverify.facts.gather import Commands


def declared(area) -> list[tuple[str, Deferred]]:
    """(layer, deferred function) of everything the registry line of ``area`` names by module."""
    gather = [area.gather.commands, area.gather.parse] if isinstance(area.gather, Commands) else [area.gather.probe]
    named = [("facts", function) for function in gather] + [("drift", area.compare), ("drift", area.reference)]
    return [(layer, function) for layer, function in named if isinstance(function, Deferred)]


@pytest.mark.parametrize("name", AREAS)
def test_every_declared_function_resolves_in_its_own_area_module(name):
    functions = declared(AREAS[name])
    assert len(functions) >= 2
    for layer, function in functions:
        assert function.module == f"drverify.{layer}.{name}"
        assert callable(resolve(function.module, function.name)), function


def test_a_deferred_function_is_called_as_the_function_itself():
    split = Deferred("shlex", "split")
    assert split("a 'b c'") == ["a", "b c"]
    assert str(split) == "shlex.split"


def test_a_name_the_module_lacks_fails_when_called():
    with pytest.raises(AttributeError):
        Deferred("shlex", "no_such_function")()
