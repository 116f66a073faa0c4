"""drverify: prove that a disaster-recovery host can take over a Managed File Transfer service.

Layers, each a subpackage: ``inventory`` (what to compare) → ``facts`` (what each host has) →
``drift`` (how the recovery host differs, pure functions) → ``report`` (what people and machines
read). ``plugin`` is the thin pytest glue that runs them as one test per pair and area.
"""

__version__ = "0.1.0"
