"""Split X12 text into numbered segments, with the separators each ISA declares.

The ISA segment names its own separators: the element separator is the character right after
"ISA", ISA11 is the repetition separator (5010; in 4010 it is the standards id `U`), ISA16 is the
component separator and the character after ISA16 is the segment terminator. ISA is read by
counting element separators rather than by fixed offsets, so an ISA whose fixed-width fields are
not padded still reads. Every ISA in a file is read again, so concatenated interchanges may use
different separators.

Whitespace between segments (LF, CRLF, or none; a trailing Ctrl-Z) is skipped. A file whose last segment has no
terminator is truncated: that partial segment is reported and dropped.

Component heuristic: the LinuxForHealth sample files declare ISA16 ':' but write composites with
'>' (`SVC*HC>55669`, `CLM05 11>B>1`, `HI*BK>7215`). `Segment.composite` splits an element on the
declared ISA16 when that character occurs in it; otherwise, on the first of ':' or '>' (whichever
is not a declared separator) that does occur. It is only applied to elements the IG defines as
composites (SV101, SV107, CLM05, HI, SVC01, SVC06, PLB03), whose components are codes in which
neither character is legal data, so the fallback cannot split a real value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.x12.exceptions import NotX12Error, SegmentError

_BOM = "\ufeff"
_BETWEEN_SEGMENTS = " \t\r\n\x00\x1a"  # \x1a: the DOS end-of-file mark some EDI tools append
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_ALTERNATE_COMPONENTS = (":", ">")


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters of one interchange, as its ISA declares them."""

    element: str
    component: str
    repetition: str | None
    segment: str

    def components_to_try(self) -> tuple[str, ...]:
        """ISA16 first, then the conventional ':' and '>' that are not already a delimiter."""
        taken = {self.element, self.segment, self.repetition, self.component}
        return (self.component, *(alt for alt in _ALTERNATE_COMPONENTS if alt not in taken))


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: `elements[0]` is the segment id, `elements[n]` is element n."""

    number: int
    elements: tuple[str, ...]
    separators: Separators
    garbled: bool = False

    @property
    def id(self) -> str:
        return self.elements[0]

    def get(self, index: int) -> str:
        """Element `index` (1-based), or '' when the segment is shorter."""
        return self.elements[index] if index < len(self.elements) else ""

    def composite(self, index: int) -> list[str]:
        """Components of element `index`, with the '>'-for-':' tolerance in the module docstring."""
        raw = self.get(index)
        if not raw:
            return []
        for separator in self.separators.components_to_try():
            if separator in raw:
                return raw.split(separator)
        return [raw]

    @property
    def text(self) -> str:
        """The segment as written (without terminator), for messages."""
        return self.separators.element.join(self.elements)


def decode(data: bytes | str) -> str:
    """X12 is ASCII; read UTF-8 when it is, else Latin-1 (every byte decodes), and drop a BOM."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data
    return text[1:] if text.startswith(_BOM) else text


def _is_delimiter(char: str) -> bool:
    return not char.isalnum() and char not in " \x00"


def read_isa(text: str, start: int) -> tuple[Separators, int]:
    """Read the separators of the ISA at `start`; return them and the index of its terminator."""
    if not text.startswith("ISA", start) or start + 3 >= len(text) or not _is_delimiter(text[start + 3]):
        raise NotX12Error("it does not start with an ISA interchange header")
    element = text[start + 3]
    position = start + 3
    for _ in range(15):  # ISA has 16 elements: find the separator in front of ISA16
        position = text.find(element, position + 1)
        if position == -1 or position - start > 400:
            raise NotX12Error(f"the ISA header does not have 16 elements separated by {element!r}")
    if position + 2 >= len(text):
        raise NotX12Error("the ISA header ends before its component separator and segment terminator")
    component, terminator = text[position + 1], text[position + 2]
    if len({element, component, terminator}) != 3 or not _is_delimiter(component):
        raise NotX12Error(
            f"the ISA header declares unusable separators: element {element!r}, "
            f"component {component!r}, segment terminator {terminator!r}"
        )
    fields = text[start:position].split(element)
    repetition = fields[11] if len(fields) > 12 and fields[12] >= "00501" else None
    if repetition is not None and (len(repetition) != 1 or not _is_delimiter(repetition)):
        repetition = None
    return Separators(element, component, repetition, terminator), position + 2


def looks_like_x12(data: bytes) -> bool:
    """True when the bytes start (after a BOM or whitespace) with a readable ISA header."""
    text = decode(data[:1024]).lstrip(_BETWEEN_SEGMENTS)
    try:
        read_isa(text, 0)
    except NotX12Error:
        return False
    return True


def tokenize(text: str) -> tuple[list[Segment], list[SegmentError]]:
    """All segments of the file, numbered from 1, and the problems found while splitting.

    Raises NotX12Error when the text does not start with an ISA header.
    """
    segments: list[Segment] = []
    problems: list[SegmentError] = []
    separators: Separators | None = None
    length = len(text)
    position = 0
    while True:
        while position < length and text[position] in _BETWEEN_SEGMENTS:
            position += 1
        if position >= length:
            break
        number = len(segments) + 1
        if text.startswith("ISA", position) and position + 3 < length and _is_delimiter(text[position + 3]):
            try:
                separators, end = read_isa(text, position)
            except NotX12Error as error:
                if separators is None:
                    raise
                problems.append(SegmentError(number, "ISA", f"unreadable ISA header: {error}"))
                end = text.find(separators.segment, position)
        elif separators is None:
            raise NotX12Error("it does not start with an ISA interchange header")
        else:
            end = text.find(separators.segment, position)
        if end == -1:
            partial = text[position:].rstrip("\r\n")
            problems.append(
                SegmentError(
                    number,
                    partial.split(separators.element, 1)[0][:3],
                    f"segment {partial[:40]!r} is cut off: the file ends without its segment terminator "
                    f"{separators.segment!r} (truncated file); the segment is ignored",
                )
            )
            break
        elements = tuple(text[position:end].rstrip("\r\n").split(separators.element))
        garbled = _SEGMENT_ID.fullmatch(elements[0]) is None
        if garbled:
            problems.append(SegmentError(number, elements[0][:3], f"{elements[0][:20]!r} is not a segment identifier"))
        segments.append(Segment(number, elements, separators, garbled))
        position = end + 1
    return segments, problems
