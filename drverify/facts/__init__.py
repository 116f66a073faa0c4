"""Facts: what each host has, area by area, as plain JSON-able data (and snapshots of it).

One module per area, each pure parsers plus the shell commands or probe it needs, declared in
the area registry (:mod:`drverify.areas`) as :class:`~drverify.facts.gather.Commands` or
:class:`~drverify.facts.gather.Probe`; :mod:`drverify.facts.collect` gathers them all in one
round trip per host, then the probes over the same connection.
"""
