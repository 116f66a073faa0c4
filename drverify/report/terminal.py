"""Host-supplied text made safe for a terminal: the one helper every terminal line goes through.

A host's data (an iptables comment, a user's GECOS field, a certificate subject, a snapshot
someone edited) can hold escape sequences that retitle the window, clear the screen or hide a
line (``\\x1b]0;TITLE\\x07\\x1b[2J``), characters that reverse the text that follows
(U+202E), or a lone surrogate that makes writing to a UTF-8 terminal fail. Each such character
is replaced by its escape, so it is still visible as what it is and nothing acts on it.
"""

from __future__ import annotations

_CONTROL = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
#: characters that change the direction of the text after them ("Trojan source")
_BIDI = [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_SURROGATES = range(0xD800, 0xE000)

_ESCAPES = {
    **{code: f"\\x{code:02x}" for code in _CONTROL},
    **{code: f"\\u{code:04x}" for code in (*_BIDI, *_SURROGATES)},
}


def printable(text: object) -> str:
    """``text`` with every control, direction-changing or unencodable character escaped
    (``\\x1b`` becomes the four characters ``\\x1b``; a newline becomes ``\\x0a``).

    Apply it to each host-supplied piece, then join the pieces with your own newlines: a host
    string can then never start a line that looks like drverify's.
    """
    text = str(text)
    # every character to escape is one Python calls unprintable: most strings pass as they are
    return text if text.isprintable() else text.translate(_ESCAPES)


def printable_lines(text: object) -> str:
    """Like :func:`printable`, keeping line breaks: for text already made of whole lines."""
    return "\n".join(printable(line) for line in str(text).split("\n"))


__all__ = ["printable", "printable_lines"]
