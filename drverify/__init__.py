"""drverify: prove that a disaster-recovery host can take over a Managed File Transfer service.

Layers, each a subpackage: ``inventory`` (what to compare) → ``facts`` (what each host has) →
``drift`` (how the recovery host differs, pure functions) → ``report`` (what people and machines
read). ``plugin`` is the thin pytest glue that runs them as one test per pair and area.

PYTEST_DONT_REWRITE: the package holds no tests; the ``drverify`` command imports it before pytest
starts, so pytest must not warn that it cannot rewrite its asserts (it has none to rewrite).
"""

__version__ = "0.1.0"
