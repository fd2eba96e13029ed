"""Verdict rules (lintas.streams.ops.verdicts) on synthetic histories."""

from __future__ import annotations

import pytest

from lintas.streams.ops.verdicts import (
    Observation,
    Verdict,
    group_verdict,
    is_full,
    partition_verdict,
    window_of,
)

WINDOW = 60.0


def history(*rows: tuple[float, int, int]) -> list[Observation]:
    """Observations from (time, committed, lag) rows."""
    return [Observation(t, committed, lag) for t, committed, lag in rows]


def every_10s(committed: list[int], lags: list[int], start: float = 1000.0) -> list[Observation]:
    pairs = zip(committed, lags, strict=True)
    return [Observation(start + 10 * i, c, lag) for i, (c, lag) in enumerate(pairs)]


def test_severity_order_is_ok_warn_stall_stop_rewind():
    assert Verdict.OK < Verdict.WARN < Verdict.STALL < Verdict.STOP < Verdict.REWIND
    assert [v.name for v in sorted(Verdict)] == ["OK", "WARN", "STALL", "STOP", "REWIND"]


def test_empty_history_is_ok():
    assert partition_verdict([], WINDOW) is Verdict.OK
    assert window_of([], WINDOW) == []
    assert not is_full([], WINDOW)


def test_a_single_lagging_observation_is_ok():
    assert partition_verdict(history((1000, 5, 300)), WINDOW) is Verdict.OK


def test_caught_up_consumer_is_ok():
    obs = every_10s([10, 20, 30, 40, 50, 60, 70, 80], [0] * 8)
    assert partition_verdict(obs, WINDOW) is Verdict.OK


def test_steady_progress_with_steady_lag_is_ok():
    obs = every_10s([100, 200, 300, 400, 500, 600, 700, 800], [50, 52, 49, 51, 50, 50, 48, 51])
    assert partition_verdict(obs, WINDOW) is Verdict.OK


def test_shrinking_lag_is_ok():
    obs = every_10s([100, 300, 500, 700, 900, 1100, 1300, 1500],
                    [900, 800, 700, 600, 500, 400, 300, 200])
    assert partition_verdict(obs, WINDOW) is Verdict.OK


def test_growing_lag_while_commits_advance_is_warn():
    obs = every_10s([100, 110, 120, 130, 140, 150, 160, 170],
                    [10, 40, 70, 100, 130, 160, 190, 220])
    assert partition_verdict(obs, WINDOW) is Verdict.WARN


def test_growing_lag_that_touched_zero_in_the_window_is_ok():
    obs = every_10s([100, 110, 120, 130, 140, 150, 160, 170], [10, 40, 0, 30, 60, 90, 120, 150])
    assert partition_verdict(obs, WINDOW) is Verdict.OK


def test_growing_lag_before_the_window_is_full_is_ok():
    obs = every_10s([100, 110, 120, 130], [10, 40, 70, 100])
    assert partition_verdict(obs, WINDOW) is Verdict.OK


def test_offset_not_moving_for_a_full_window_while_lagging_is_stop_without_an_owner():
    obs = every_10s([500] * 8, [20, 30, 40, 50, 60, 70, 80, 90])
    assert partition_verdict(obs, WINDOW) is Verdict.STOP
    assert partition_verdict(obs, WINDOW, owned=False) is Verdict.STOP


def test_offset_not_moving_while_a_live_member_owns_the_partition_is_stall():
    obs = every_10s([500] * 8, [20, 30, 40, 50, 60, 70, 80, 90])
    assert partition_verdict(obs, WINDOW, owned=True) is Verdict.STALL


def test_stuck_offset_with_constant_lag_is_stall_or_stop_too():
    obs = every_10s([500] * 8, [40] * 8)
    assert partition_verdict(obs, WINDOW, owned=True) is Verdict.STALL
    assert partition_verdict(obs, WINDOW) is Verdict.STOP


def test_stuck_offset_without_lag_is_ok():
    obs = every_10s([500] * 8, [0] * 8)
    assert partition_verdict(obs, WINDOW, owned=False) is Verdict.OK


def test_stop_follows_once_the_offset_stood_still_for_a_whole_window():
    # the offset moves until t=1020 and then stands at 300; readings every 10 s
    committed = [100, 200, 300] + [300] * 10
    obs = every_10s(committed, [50 + 10 * i for i in range(13)])
    verdicts = [partition_verdict(obs[: n + 1], WINDOW).name for n in range(len(obs))]
    # the first full windows (t=1060, 1070) still see moves and a growing lag: WARN;
    # t=1080 is the first reading whose window (back to t=1020) saw no move: STOP
    assert verdicts == ["OK"] * 6 + ["WARN"] * 2 + ["STOP"] * 5


def test_rewind_beats_everything():
    obs = every_10s([500, 500, 500, 500, 400, 400, 400, 400], [20, 30, 40, 50, 160, 170, 180, 190])
    assert partition_verdict(obs, WINDOW) is Verdict.REWIND
    assert partition_verdict(obs, WINDOW, owned=True) is Verdict.REWIND


def test_rewind_counts_even_without_lag_and_with_two_observations():
    assert partition_verdict(history((1000, 50, 0), (1005, 10, 0)), WINDOW) is Verdict.REWIND


def test_rewind_older_than_the_window_is_forgotten():
    moving = [(1000 + 10 * i, 10 + 20 * i, 5) for i in range(8)]
    obs = history((900, 50, 10), (905, 10, 50), *moving)
    assert partition_verdict(obs, WINDOW) is Verdict.OK


def test_window_keeps_the_newest_observation_at_or_before_its_start():
    obs = every_10s(list(range(10)), [1] * 10)  # times 1000..1090
    window = window_of(obs, 60)
    assert [o.time for o in window] == [1030, 1040, 1050, 1060, 1070, 1080, 1090]
    assert is_full(window, 60)
    assert not is_full(window_of(obs[:6], 60), 60)


def test_irregular_readings_use_the_boundary_observation():
    obs = history((1000, 500, 30), (1100, 500, 40), (1130, 500, 45))
    # the reading at 1000 is older than the window start (1070) and makes it full
    assert window_of(obs, WINDOW)[0].time == 1000
    assert partition_verdict(obs, WINDOW) is Verdict.STOP


def test_observations_at_one_instant_are_not_a_full_window():
    obs = history((1000, 500, 30), (1000, 500, 30))
    assert partition_verdict(obs, WINDOW) is Verdict.OK


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([], Verdict.OK),
        ([Verdict.OK, Verdict.OK], Verdict.OK),
        ([Verdict.OK, Verdict.WARN], Verdict.WARN),
        ([Verdict.STALL, Verdict.WARN, Verdict.OK], Verdict.STALL),
        ([Verdict.STALL, Verdict.STOP], Verdict.STOP),
        ([Verdict.STOP, Verdict.REWIND, Verdict.OK], Verdict.REWIND),
    ],
)
def test_a_group_takes_its_worst_partition(verdicts, expected):
    assert group_verdict(verdicts) is expected
    assert group_verdict(iter(verdicts)) is expected
