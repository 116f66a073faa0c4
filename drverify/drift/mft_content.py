"""What one MFT configuration has that another lacks: ProFTPD sections, directives and virtual
users, or the entries of a JSON/YAML export. Pure; used by :mod:`drverify.drift.mft_config`.

A :class:`Diff` compares a *reference* (what must be restorable: production's live configuration)
with a *checked* copy (the export shipped to recovery, or recovery's live configuration against
that export) and words each record for its ``subject`` ("recovery's newest export"). Missing in
the checked copy or changed: MAJOR; only in the checked copy: MINOR (restoring would bring back
something production no longer has). A password hash is compared as its SHA-256 and never shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from drverify.drift.records import Context, Drift, Severity

Content = Mapping[str, Any]
USER_FIELDS = ("uid", "gid", "home", "shell")
HIDDEN = "(not shown)"


@dataclass(frozen=True)
class Diff:
    """One comparison of two configurations, and how its records are named and worded."""

    reference: str  #: who holds the reference, as messages say it ("production")
    subject: str  #: what is checked, as messages say it ("recovery's newest export (PATH)")
    prefix: str = ""  #: before every item ("live ")
    #: what a missing user means, and what an extra one means
    lost: str = "a restore would lose the account (its partner could not log in)"
    revived: str = "a restore would bring back an account deleted since"

    def records(self, reference: Content, checked: Content, ctx: Context[Any]) -> Iterator[Drift]:
        if "entries" in reference or "entries" in checked:
            yield from self._entries(reference.get("entries", {}), checked.get("entries", {}), ctx)
            return
        yield from self._users(reference.get("users", {}), checked.get("users", {}), ctx)
        yield from self._directives(reference, checked, ctx)

    # --- virtual users ------------------------------------------------------------------------

    def _users(self, reference: Mapping[str, Any], checked: Mapping[str, Any], ctx: Context[Any]) -> Iterator[Drift]:
        for name in sorted(reference.keys() | checked.keys()):
            item = f"{self.prefix}user {name}"
            ours, theirs = reference.get(name), checked.get(name)
            if theirs is None:
                yield ctx.drift(item, _shown(ours), None, Severity.MAJOR,
                                f"virtual user {name}: {self.reference} has it, {self.subject} does not: {self.lost}")
            elif ours is None:
                yield ctx.drift(item, None, _shown(theirs), Severity.MINOR,
                                f"virtual user {name}: {self.subject} has it, {self.reference} does not: {self.revived}")
            else:
                yield from self._user_fields(name, ours, theirs, ctx)

    def _user_fields(self, name: str, ours: Mapping[str, Any], theirs: Mapping[str, Any],
                     ctx: Context[Any]) -> Iterator[Drift]:
        item = f"{self.prefix}user {name}"
        changed = [field for field in USER_FIELDS if ours.get(field) != theirs.get(field)]
        if changed:
            yield ctx.drift(f"{item} {'/'.join(changed)}", {f: ours.get(f) for f in changed},
                            {f: theirs.get(f) for f in changed}, Severity.MAJOR,
                            f"virtual user {name}'s {', '.join(changed)} differ between {self.reference} and {self.subject}")
        if ours.get("hash_sha256") != theirs.get("hash_sha256"):
            yield ctx.drift(f"{item} password", HIDDEN, HIDDEN, Severity.MAJOR,
                            f"virtual user {name}'s password hash differs between {self.reference} and {self.subject}: "
                            "the partner's password would not be the one it uses (compared as SHA-256 digests, never shown)")

    # --- sections and directives --------------------------------------------------------------

    def _directives(self, reference: Content, checked: Content, ctx: Context[Any]) -> Iterator[Drift]:
        ours, theirs = set(reference.get("sections", [])), set(checked.get("sections", []))
        missing = {section for section in ours - theirs if not _inside(section, ours - theirs)}
        for section in sorted(missing):
            yield ctx.drift(f"{self.prefix}section <{section}>", section, None, Severity.MAJOR,
                            f"the section <{section}> of {self.reference} is missing from {self.subject}, "
                            "with every directive in it")
        for section in sorted(theirs - ours):
            if not _inside(section, theirs - ours):
                yield ctx.drift(f"{self.prefix}section <{section}>", None, section, Severity.MINOR,
                                f"{self.subject} has the section <{section}>, {self.reference} does not")
        skipped = (ours - theirs) | (theirs - ours)
        grouped = (_grouped(reference.get("directives", []), skipped), _grouped(checked.get("directives", []), skipped))
        for key in sorted(grouped[0].keys() | grouped[1].keys()):
            record = self._directive(key, grouped[0].get(key), grouped[1].get(key), ctx)
            if record is not None:
                yield record

    def _directive(self, key: tuple[str, str], ours: list[str] | None, theirs: list[str] | None,
                   ctx: Context[Any]) -> Drift | None:
        context, name = key
        where = f" in <{context}>" if context else ""
        item = f"{self.prefix}directive {name}{where}"
        if ours == theirs:
            return None
        if theirs is None:
            return ctx.drift(item, ours, None, Severity.MAJOR,
                             f"{self.reference} sets {name}{where}, {self.subject} does not: {_args(ours)}")
        if ours is None:
            return ctx.drift(item, None, theirs, Severity.MINOR,
                             f"{self.subject} sets {name}{where}, {self.reference} does not: {_args(theirs)}")
        return ctx.drift(item, ours, theirs, Severity.MAJOR,
                         f"{name}{where} differs: {self.reference} {_args(ours)}, {self.subject} {_args(theirs)}")

    # --- JSON/YAML entries --------------------------------------------------------------------

    def _entries(self, reference: Mapping[str, Any], checked: Mapping[str, Any], ctx: Context[Any]) -> Iterator[Drift]:
        for name in sorted(reference.keys() | checked.keys()):
            ours, theirs = reference.get(name), checked.get(name)
            item = f"{self.prefix}entry {name}"
            if theirs is None:
                yield ctx.drift(item, name, None, Severity.MAJOR, f"{name}: {self.reference} has it, {self.subject} does not")
            elif ours is None:
                yield ctx.drift(item, None, name, Severity.MINOR, f"{name}: {self.subject} has it, {self.reference} does not")
            else:
                for field in sorted(ours.keys() | theirs.keys()):
                    if ours.get(field) != theirs.get(field):
                        shown = [_field(ours.get(field)), _field(theirs.get(field))]
                        yield ctx.drift(f"{item} {field}", *shown, Severity.MAJOR,
                                        f"{name}'s {field} differs: {self.reference} {shown[0]}, {self.subject} {shown[1]}")


def _inside(section: str, sections: set[str]) -> bool:
    """Whether ``section`` sits within another of ``sections`` (reported once, as the outer one)."""
    return any(section.startswith(other + " > ") for other in sections)


def _grouped(directives: list[list[str]], skipped: set[str]) -> dict[tuple[str, str], list[str]]:
    """Directive arguments by (section, name), sorted: a repeated directive (``SFTPHostKey``) is
    one list, compared whole."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for context, name, args in directives:
        if context in skipped or any(context.startswith(s + " > ") for s in skipped):
            continue
        grouped.setdefault((context, name), []).append(args)
    return {key: sorted(values) for key, values in grouped.items()}


def _args(values: list[str]) -> str:
    return " | ".join(values) if values else "(no arguments)"


def _shown(user: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A virtual user as records show it: its ids, home and shell, never its hash's digest."""
    return None if user is None else {field: user.get(field) for field in USER_FIELDS}


def _field(value: Any) -> Any:
    """A JSON/YAML field as records show it: a secret field's digest is never shown."""
    return HIDDEN if isinstance(value, dict) and "digest" in value else value
