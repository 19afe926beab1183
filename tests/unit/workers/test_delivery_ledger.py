"""OffsetLedger: the committed offset never passes a message that was not processed."""

from __future__ import annotations

from workers.delivery import OffsetLedger

TP = ("claims.submitted.v1", 0)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_contiguous_acks_advance_the_commit() -> None:
    ledger = OffsetLedger()
    ledger.position(TP, 1200)
    for offset in range(1200, 1210):
        ledger.processed(TP, offset)
    assert 1210 == ledger.committable(TP)


def test_messages_skipped_after_a_rebalance_hold_the_commit_back() -> None:
    """The failure seen in the field: the fetcher hands 1204.. before 1201-1203 after a takeover."""
    ledger = OffsetLedger()
    ledger.position(TP, 1201)
    for offset in range(1204, 1230):
        ledger.processed(TP, offset)
    assert 1201 == ledger.committable(TP)
    for offset in (1201, 1202, 1203):  # re-read after the seek back
        ledger.processed(TP, offset)
    assert 1230 == ledger.committable(TP)


def test_acks_before_the_partition_is_positioned_are_kept_not_committed() -> None:
    ledger = OffsetLedger()
    ledger.processed(TP, 1250)
    assert ledger.committable(TP) is None
    ledger.position(TP, 1249)
    assert 1249 == ledger.committable(TP)
    ledger.processed(TP, 1249)
    assert 1251 == ledger.committable(TP)


def test_redelivered_offsets_below_the_position_change_nothing() -> None:
    ledger = OffsetLedger()
    ledger.position(TP, 10)
    ledger.processed(TP, 3)
    assert 10 == ledger.committable(TP)
    assert [] == ledger.holes(0.0)


def test_a_hole_is_reported_after_the_grace_period_only() -> None:
    clock = Clock()
    ledger = OffsetLedger(clock)
    ledger.position(TP, 50)
    ledger.processed(TP, 53)
    ledger.processed(TP, 54)
    assert [] == ledger.holes(5.0)
    clock.now += 5.0
    assert [(TP, 50, 53)] == ledger.holes(5.0)


def test_an_empty_hole_is_stepped_over() -> None:
    """Offsets with no record (transaction markers, compaction), proven by reading the log."""
    ledger = OffsetLedger()
    ledger.position(TP, 50)
    ledger.processed(TP, 52)
    ledger.processed(TP, 53)
    ledger.skip_empty(TP, 52)
    assert 54 == ledger.committable(TP)
    assert [] == ledger.holes(0.0)


def test_skip_never_moves_the_commit_backwards_or_past_unproven_offsets() -> None:
    ledger = OffsetLedger()
    ledger.position(TP, 50)
    ledger.skip_empty(TP, 40)
    assert 50 == ledger.committable(TP)
    ledger.processed(TP, 60)
    ledger.skip_empty(TP, 55)  # 55-59 are still unproven
    assert 55 == ledger.committable(TP)
    assert [(TP, 55, 60)] == ledger.holes(0.0)


def test_a_revoked_partition_commits_nothing_until_positioned_again() -> None:
    ledger = OffsetLedger()
    ledger.position(TP, 5)
    ledger.processed(TP, 5)
    ledger.forget([TP])
    assert ledger.committable(TP) is None
    ledger.position(TP, 6)
    assert 6 == ledger.committable(TP)


def test_repositioning_backwards_keeps_later_acks() -> None:
    """faust seeks back to the committed offset when flow stops; acks already made are still good."""
    ledger = OffsetLedger()
    ledger.position(TP, 0)
    for offset in (0, 1, 2, 5, 6):
        ledger.processed(TP, offset)
    ledger.position(TP, 1)
    assert 1 == ledger.committable(TP)
    ledger.processed(TP, 1)
    ledger.processed(TP, 2)
    ledger.processed(TP, 3)
    ledger.processed(TP, 4)
    assert 7 == ledger.committable(TP)


def test_a_partition_that_has_not_moved_is_reported_as_stalled() -> None:
    """A skipped *last* message leaves no processed offset after it: only the lack of progress shows it."""
    clock = Clock()
    ledger = OffsetLedger(clock)
    ledger.position(TP, 9)
    assert [] == ledger.stalled(15.0)
    clock.now += 15.0
    assert [(TP, 9)] == ledger.stalled(15.0)
    ledger.touch(TP)
    assert [] == ledger.stalled(15.0)
    clock.now += 10.0
    ledger.processed(TP, 9)
    clock.now += 10.0
    assert [] == ledger.stalled(15.0)


def test_a_partition_with_a_hole_is_left_to_the_hole_check_and_rechecked_only_after_the_grace() -> None:
    clock = Clock()
    ledger = OffsetLedger(clock)
    ledger.position(TP, 0)
    ledger.processed(TP, 2)
    clock.now += 20.0
    assert [] == ledger.stalled(15.0)
    assert [(TP, 0, 2)] == ledger.holes(5.0)
    ledger.touch(TP)  # sought back to 0: the re-read gets a full grace period
    assert [] == ledger.holes(5.0)
    clock.now += 5.0
    assert [(TP, 0, 2)] == ledger.holes(5.0)
