"""The audit's reconciliation: inputs, the records that name them and the committed offset -> the report."""

from __future__ import annotations

from workers.reconcile import Coordinates, OutputKind, OutputRef, offset_ranges, reconcile
from workers.routing import Record, Source, traced

T = "p.claims.submitted.v1"


def out(offset: int, kind: OutputKind = OutputKind.OUTPUT, body: bytes = b"v", partition: int = 0) -> OutputRef:
    return OutputRef(Coordinates(T, partition, offset), kind, body)


def inputs(*offsets: int, partition: int = 0) -> list[Coordinates]:
    return [Coordinates(T, partition, o) for o in offsets]


class TestReconcile:
    def test_committed_input_without_any_record_is_missing(self) -> None:
        """Offsets 2 and 3 are below the committed offset 6 and nothing names them: exactly those are lost."""
        report = reconcile(inputs(0, 1, 2, 3, 4, 5), [out(0), out(1), out(4), out(5)], {(T, 0): 6})
        assert [2, 3] == report.partitions[0].missing
        assert 2 == report.missing

    def test_dead_letters_and_ledger_entries_count_as_processed(self) -> None:
        """A dead letter or a no-output ledger entry accounts for an input as well as an output does."""
        records = [out(0), out(1, OutputKind.DEAD_LETTER), out(2, OutputKind.NO_OUTPUT)]
        part = reconcile(inputs(0, 1, 2), records, {(T, 0): 3}).partitions[0]
        assert (1, 1, 1, []) == (part.with_output, part.dead_lettered, part.no_output, part.missing)

    def test_inputs_at_or_above_the_commit_are_uncommitted_not_missing(self) -> None:
        """Offsets 3-4 are not committed: uncommitted, one of them still without output; nothing is missing."""
        part = reconcile(inputs(0, 1, 2, 3, 4), [out(0), out(1), out(2), out(3)], {(T, 0): 3}).partitions[0]
        assert (2, 1, []) == (part.uncommitted, part.awaiting, part.missing)

    def test_a_group_that_never_committed_has_everything_uncommitted(self) -> None:
        """No committed offset: nothing can be called lost yet."""
        part = reconcile(inputs(0, 1), [], {(T, 0): None}).partitions[0]
        assert (2, 2, []) == (part.uncommitted, part.awaiting, part.missing)

    def test_an_identical_record_written_twice_is_a_duplicate(self) -> None:
        """Redelivery writes the same bytes again; two different items of one remittance are not duplicates."""
        records = [out(0, body=b"a"), out(0, body=b"a"), out(1, body=b"a"), out(1, body=b"b")]
        part = reconcile(inputs(0, 1), records, {(T, 0): 2}).partitions[0]
        assert (1, 2) == (part.duplicated, part.with_output)

    def test_records_of_inputs_outside_the_range_are_ignored_and_empty_partitions_get_a_row(self) -> None:
        """An output naming offset 99 (not audited) changes nothing; partition 1 has no inputs but a row."""
        report = reconcile(inputs(0), [out(0), out(99)], {(T, 0): 1, (T, 1): 7})
        assert [(0, 1, 1), (1, 0, 7)] == [(p.partition, p.inputs, p.committed) for p in report.partitions]

    def test_totals_sum_the_partitions(self) -> None:
        """The topic row adds up its partitions and lists every missing offset."""
        report = reconcile(inputs(0, 1) + inputs(0, partition=1), [out(0)], {(T, 0): 2, (T, 1): 1})
        total = report.totals(T)
        assert (3, 1, [1, 0]) == (total.inputs, total.with_output, total.missing)

    def test_offset_ranges(self) -> None:
        """Consecutive offsets print as ranges, capped at the limit."""
        assert "1201-1203, 1214, 1216-1217" == offset_ranges([1201, 1202, 1203, 1214, 1216, 1217])
        assert "1, 3 (+1 more ranges)" == offset_ranges([1, 3, 5], limit=2)


class TestTraced:
    source = Source(T, 4, 1234, b"PCN-1")

    def test_outputs_carry_the_source_coordinates_and_keep_their_bytes(self) -> None:
        """Headers gain source_topic/partition/offset; key, value and existing headers are unchanged."""
        record = Record("claims_validated", b"PCN-1", b'{"x":1}', (("status", b"clean"),))
        (sent,) = traced([record], self.source)
        assert (record.topic, record.key, record.value) == (sent.topic, sent.key, sent.value)
        assert (
            ("status", b"clean"),
            ("source_topic", T.encode()),
            ("source_partition", b"4"),
            ("source_offset", b"1234"),
        ) == sent.headers

    def test_no_output_becomes_one_ledger_entry(self) -> None:
        """An input with nothing to emit leaves one ledger record naming it, keyed like the input."""
        (entry,) = traced([], self.source)
        assert ("processed", b"PCN-1") == (entry.topic, entry.key)
        assert ("why", b"no_output") in entry.headers
        assert ("source_offset", b"1234") in entry.headers

    def test_a_dead_letter_keeps_its_own_coordinates_once(self) -> None:
        """A record that already names its source (a dead letter) is not given the headers twice."""
        record = Record("deadletter", b"k", b"{}", (("source_topic", b"t"), ("source_partition", b"0")))
        assert [record] == traced([record], self.source)
