"""X12 837P and 835 in, `claim.submitted.v1` / `remit.received.v1` events out.

    from workers.x12 import convert, looks_like_x12
    result = convert(path.read_bytes(), source=path.name)   # X12Result(claims, remits, issues, provider_adjustments)

X12 is an edge format: only this package and the worker that reads `x12.raw.v1` see it; the rule
engine receives the validated pydantic events.

Why a small reader of our own, not a library
--------------------------------------------
Both candidates were run on the nine public sample files in tests/data/x12 (LinuxForHealth/x12 and
azoner/pyx12) and on x12sdk-generated files of 2,000 claims:

- pyx12 4.0.0 (validates against the IG maps) ships no 005010X222A2 map, so it refuses all four
  837 samples ("Map not found ... vriic=005010X222A2"). On the LinuxForHealth 835s it treats
  `SVC*HC>55669` ('>' composites under ISA16 ':') as an unknown segment and loses the whole 2110
  loop. Its errors do carry line numbers (it flags tertiary-payment's SVC at line 20), but its
  999 generation raised an EngineError on 4 of the 5 835s. About 0.13 s per small file (map
  loading) and 3.5 s for a 2,000-claim 835.
- x12sdk 2.2.0 (pydantic v2 models, continuation of LinuxForHealth x12) parses all nine, but leaves
  composites as raw strings (`SV101 'HC:99213'`, `SVC01 'HC>12345>26'`, `CLM05 '11>B>1'`; HI is
  split on ':' only, so `'BK>7215'` stays whole); reads tertiary-payment's malformed SVC silently
  (revenue code '187.50', charge 24599.00); accepts a truncated 837 as zero transactions and a file
  without IEA without a word; reports errors as pydantic loop paths without segment numbers; and
  rejects a whole transaction when one claim's CLM02 does not match its lines. 1.8 s for a
  2,000-claim 835, 5.5 s for a 2,000-claim 837.

Neither maps to the contract without a second walk over its output, neither tolerates the real
files' separators, and neither isolates a bad claim. The reader here (about 1,400 lines with
docstrings) is: `tokenizer` (ISA-driven separators, the '>' heuristic), `envelope` (ISA/GS/ST
trailers), `loops837`/`claim837` and `loops835`/`remit835` (loop walking and mapping, one claim
at a time), `values` (element readers, event ids), `convert`. Parsing, mapping and validating the
2,000-claim 837 takes about 0.85 s and the 835 about 0.25 s (x12sdk: 5.5 s and 1.8 s to parse
only; same shared 2-CPU machine). It does not validate every IG rule (situational segments, code
lists beyond those the contract needs); the pydantic models are the gate for what is emitted.

Event ids are uuid5 over ISA06, ISA13, GS06, ST02, CLM01/CLP01 and the claim's ordinal in its
transaction, so converting a file again gives the same ids. `occurred_at` is the interchange
date/time (ISA09/ISA10, read as UTC; X12 carries no zone).
"""

from workers.x12.convert import convert
from workers.x12.result import X12Issue, X12Result
from workers.x12.tokenizer import looks_like_x12

__all__ = ["X12Issue", "X12Result", "convert", "looks_like_x12"]
