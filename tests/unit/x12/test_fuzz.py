"""Property-based: no mutation of a real 837P/835 raises out of the X12 reader or takes a second.

The sample files of tests/data/x12 are mutated by byte, element and segment insertions, deletions and
replacements (digits, other scripts' digits, huge numbers, separators); `convert` must answer with events
or issues naming the file and segment, never an exception, in under 1 s per file. Fixed seed
(`derandomize`) and a bounded example count, so the run is the same in CI and on a laptop.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.x12 import X12Result, convert

DATA = Path(__file__).resolve().parents[2] / "data" / "x12"
SAMPLES = {
    path.name: path.read_bytes() for path in sorted([*DATA.glob("*.83[57]"), *(DATA / "malformed").glob("*.83[57]")])
}
PAYLOADS = [
    b"0", b"7", b"12", b"99999", b"-1", b"1.5", b".", b"-",
    "²".encode(), "٣".encode(), "１".encode(), "¹²".encode(), "Ⅻ".encode(),
    b"9" * 29, b"1" * 40 + b".00", b"-" + b"9" * 60, b"1e9999", b"NaN", b"Infinity",
    b"*", b"~", b":", b">", b"^", b"|", b"\r\n", b"\n", b"\x00", b"\xff\xfe", b"",
    b"HC", b"N4", b"ZZ", b"CLP", b"SVC", b"CLM", b"SV1", b"LX", b"SE", b"ISA",
]  # fmt: skip
NUMBERS = ["²".encode(), "٣".encode(), "１".encode(), b"9" * 29, b"1" * 40 + b".00", b"-" + b"9" * 60, b"1e9999"]
payload = st.one_of(
    st.sampled_from(PAYLOADS),
    st.sampled_from(NUMBERS),
    st.binary(max_size=12),
    st.text(max_size=8).map(str.encode),
)
# segments whose elements are read as numbers, dates, codes and pointers: mutated more often
MAPPED = (b"CLM", b"SV1", b"HI", b"DTP", b"CLP", b"SVC", b"CAS", b"DTM", b"PLB", b"REF", b"LQ", b"SE", b"ISA")


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample file with 1 to 4 byte, element or segment edits."""
    name = draw(st.sampled_from(sorted(SAMPLES)))
    data = SAMPLES[name]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["byte", "element", "segment"]))
        if kind == "byte":
            at = draw(st.integers(0, len(data)))
            width = draw(st.integers(0, 3))
            data = data[:at] + draw(payload) + data[at + width :]
            continue
        segments = data.split(b"~")
        mapped = [i for i, segment in enumerate(segments) if segment.strip().startswith(MAPPED)]
        if mapped and draw(st.integers(0, 3)) > 0:
            index: int = draw(st.sampled_from(tuple(mapped)))
        else:
            index = draw(st.integers(0, len(segments) - 1))
        if kind == "segment":
            action = draw(st.sampled_from(["delete", "duplicate", "replace"]))
            if action == "delete":
                del segments[index]
            elif action == "duplicate":
                segments.insert(index, segments[index])
            else:
                segments[index] = draw(payload)
        else:
            elements = segments[index].split(b"*")
            at = draw(st.integers(0, len(elements)))
            action = draw(st.sampled_from(["insert", "delete", "replace"]))
            if action == "insert" or at == len(elements):
                elements.insert(at, draw(payload))
            elif action == "delete":
                del elements[at]
            else:
                elements[at] = draw(payload)
            segments[index] = b"*".join(elements)
        data = b"~".join(segments)
    return name, data


def _assert_answers(result: X12Result, seconds: float) -> None:
    assert seconds < 1.0, f"conversion took {seconds:.2f} s"
    assert isinstance(result, X12Result)
    for issue in result.issues:
        assert issue.source == "fuzzed"
        assert "unexpected error" not in issue.message, issue.message  # the reader's last-resort guard


@settings(
    derandomize=True,
    max_examples=1500,
    deadline=timedelta(seconds=1),
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(mutated())
def test_mutated_samples_give_events_or_issues(case: tuple[str, bytes]) -> None:
    _name, data = case
    started = time.perf_counter()
    result = convert(data, source="fuzzed")
    _assert_answers(result, time.perf_counter() - started)


@settings(derandomize=True, max_examples=200, deadline=timedelta(seconds=1), database=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_issues(data: bytes) -> None:
    started = time.perf_counter()
    result = convert(data, source="fuzzed")
    _assert_answers(result, time.perf_counter() - started)
