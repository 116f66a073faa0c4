"""What every inventory model shares: strictness, and paths relative to the inventory file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from drverify.inventory.shown import KEY_LIMIT, quoted

Name = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")]
Port = Annotated[int, Field(ge=1, le=65535)]


class Strict(BaseModel):
    """Every inventory model refuses unknown keys and cannot be changed after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def resolve_path(value: Path | None, info: ValidationInfo) -> Path | None:
    """Paths in an inventory are relative to the inventory file, as a reader expects; ``~`` and
    ``~user`` are expanded as the shell would."""
    if value is None:
        return None
    if not str(value).isprintable():
        raise ValueError(f"expected a path without control characters (got {quoted(str(value))})")
    base = (info.context or {}).get("base_dir")
    try:
        value = value.expanduser()
    except RuntimeError:
        raise ValueError(f"expected a path, ~/PATH or ~USER/PATH for a user of this machine "
                         f"({quoted(value.parts[0], KEY_LIMIT)} names no user here)") from None
    return value if value.is_absolute() or base is None else (Path(base) / value)


class SecretRef(Strict):
    """Where a password lives: an environment variable or a file, never the inventory text.

    Only the reference is in the inventory (and so in snapshots and reports); the value is read
    on the machine running pytest, just before it is used.
    """

    env: str | None = None
    file: Path | None = None

    @field_validator("file")
    @classmethod
    def _relative(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_path(value, info)

    @model_validator(mode="after")
    def _one_source(self) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise ValueError("expected exactly one of 'env' (a variable name) or 'file' (a path)")
        return self


def no_password_in_url(value: str | None) -> str | None:
    """A password written into a URL would travel into reports, snapshots and argv: refuse it."""
    if value is None or "://" not in value:
        return value
    authority = value.split("://", 1)[1].split("/", 1)[0]
    userinfo = authority.rpartition("@")[0]
    if ":" in userinfo:
        raise ValueError("a password in a URL or connection string would end up in reports and "
                         "process lists: use an SSH key, or a {env: ...}/{file: ...} reference")
    return value
