"""Lag arithmetic on synthetic samples: lag in seconds, trend, time to clear, history."""

from __future__ import annotations

import pytest

from lintas.streams.ops.estimates import (
    LogEndSample,
    committed_time,
    lag_slope,
    lag_trend,
    time_to_clear,
)
from lintas.streams.ops.history import LagHistory
from lintas.streams.ops.lag import lag_seconds
from lintas.streams.ops.offsets import RecordTime
from lintas.streams.ops.verdicts import Observation


def samples(*rows: tuple[float, int]) -> list[LogEndSample]:
    return [LogEndSample(t, end) for t, end in rows]


# -- when was the committed offset the log end -------------------------------------------


def test_no_samples_tell_nothing():
    assert committed_time([], 10) is None


def test_interpolates_between_the_samples_around_the_committed_offset():
    # 100 records in 10 s between t=1000 and t=1010
    assert committed_time(samples((1000, 0), (1010, 100)), 25) == (1002.5, "interpolated")
    history = samples((1000, 0), (1010, 100), (1020, 100), (1030, 400))
    assert committed_time(history, 250) == (1025.0, "interpolated")


def test_an_offset_equal_to_a_sampled_log_end_takes_that_sample_time():
    assert committed_time(samples((1000, 0), (1010, 100), (1020, 200)), 100) == (
        1010.0, "interpolated")


def test_while_the_log_end_stood_still_the_latest_moment_counts():
    # nothing produced from 1010 to 1030: offset 100 was the log end until (at least) 1030
    history = samples((1000, 0), (1010, 100), (1020, 100), (1030, 100), (1040, 200))
    assert committed_time(history, 100) == (1030.0, "interpolated")
    assert committed_time(history, 150) == (1035.0, "interpolated")


def test_a_committed_offset_at_the_log_end_is_now():
    assert committed_time(samples((1000, 0), (1010, 100)), 100) == (1010.0, "interpolated")


def test_below_every_sample_it_extrapolates_at_the_average_rate():
    # 10 records/s: offset 50 was the log end 5 s before the first sample
    assert committed_time(samples((1000, 100), (1010, 200)), 50) == (995.0, "extrapolated")


def test_below_a_log_end_that_never_moved_nothing_can_be_said():
    assert committed_time(samples((1000, 100), (1010, 100)), 50) is None
    assert committed_time(samples((1000, 100)), 50) is None


# -- lag in seconds -----------------------------------------------------------------------


def test_lag_seconds_from_the_next_record_timestamp():
    record = RecordTime(offset=7, timestamp_ms=1_000_000, timestamp_type="create")
    assert lag_seconds(3, 7, record, [], now=1_042.5) == (42.5, "record")


def test_lag_seconds_never_negative_with_a_producer_clock_ahead():
    record = RecordTime(offset=7, timestamp_ms=2_000_000, timestamp_type="create")
    assert lag_seconds(3, 7, record, [], now=1_000.0) == (0.0, "record")


def test_lag_seconds_falls_back_to_the_samples():
    history = samples((1000, 0), (1010, 100))
    assert lag_seconds(75, 25, None, history, now=1012.5) == (10.0, "interpolated")
    missing_timestamp = RecordTime(offset=25, timestamp_ms=-1, timestamp_type="create")
    assert lag_seconds(75, 25, missing_timestamp, history, now=1012.5) == (10.0, "interpolated")


def test_lag_seconds_of_a_caught_up_or_unknown_partition():
    assert lag_seconds(0, 100, None, [], now=5.0) == (0.0, "caught-up")
    assert lag_seconds(None, 100, None, [], now=5.0) == (None, None)
    assert lag_seconds(5, 100, None, samples((1000, 105)), now=1010.0) == (None, None)


# -- trend and time to clear ----------------------------------------------------------------


def test_slope_of_a_straight_line_is_exact():
    points = [(1000 + 10 * i, 500 - 30 * i) for i in range(7)]
    assert lag_slope(points) == pytest.approx(-3.0)


def test_slope_needs_two_distinct_times():
    assert lag_slope([]) is None
    assert lag_slope([(1000, 5)]) is None
    assert lag_slope([(1000, 5), (1000, 9)]) is None


def test_slope_sees_through_a_sawtooth():
    # a consumer committing in bursts: lag goes 100, 140, 60, 100, 140, 60, ...
    lags = [100, 140, 60] * 4
    assert abs(lag_slope([(10 * i, lag) for i, lag in enumerate(lags)])) < 0.5


@pytest.mark.parametrize(
    ("lags", "expected"),
    [
        ([10, 40, 70, 100], "growing"),
        ([100, 70, 40, 10], "shrinking"),
        ([50, 50, 50, 50], "steady"),
        ([1000, 1002, 998, 1001], "steady"),  # within 1 % of the mean lag
        ([0, 0, 1, 0], "steady"),  # less than one message of change
    ],
)
def test_trend_labels(lags, expected):
    assert lag_trend([(10 * i, lag) for i, lag in enumerate(lags)]) == expected


def test_trend_unknown_with_one_point():
    assert lag_trend([(0, 10)]) is None


def test_time_to_clear_is_lag_over_the_net_drain_rate():
    assert time_to_clear(300, -3.0, "shrinking") == pytest.approx(100.0)


def test_time_to_clear_when_not_draining():
    assert time_to_clear(0, None, None) == 0.0
    assert time_to_clear(-2, 5.0, "growing") == 0.0
    assert time_to_clear(300, 3.0, "growing") is None
    assert time_to_clear(300, -0.001, "steady") is None
    assert time_to_clear(300, None, None) is None


# -- the history between readings -----------------------------------------------------------


def test_history_keeps_one_window_of_observations_plus_its_boundary():
    history = LagHistory(window=60)
    for i in range(20):
        history.add_observation("g/t/0", Observation(1000 + 10 * i, i, 5))
    kept = history.observations("g/t/0")
    assert [o.time for o in kept] == [1130 + 10 * i for i in range(7)]


def test_history_ignores_readings_out_of_order():
    history = LagHistory(window=60)
    history.add_observation("k", Observation(1000, 1, 1))
    history.add_observation("k", Observation(990, 2, 1))
    history.add_log_end("p", LogEndSample(1000, 10))
    history.add_log_end("p", LogEndSample(1000, 11))
    assert len(history.observations("k")) == 1 and len(history.log_ends("p")) == 1


def test_log_end_samples_restart_when_the_log_end_goes_down():
    history = LagHistory(window=60)
    history.add_log_end("p", LogEndSample(1000, 500))
    history.add_log_end("p", LogEndSample(1010, 600))
    history.add_log_end("p", LogEndSample(1020, 3))  # topic recreated
    assert history.log_ends("p") == [LogEndSample(1020, 3)]


def test_log_end_samples_are_bounded_in_time_and_count():
    history = LagHistory(window=60, sample_seconds=100, max_samples=5)
    for i in range(20):
        history.add_log_end("p", LogEndSample(1000 + 10 * i, i))
    assert len(history.log_ends("p")) == 5
    timed = LagHistory(window=60, sample_seconds=100, max_samples=1000)
    for i in range(20):
        timed.add_log_end("p", LogEndSample(1000 + 10 * i, i))
    assert timed.log_ends("p")[0].time == 1090  # one sample before the horizon


def test_history_forgets_what_the_latest_reading_did_not_see():
    history = LagHistory(window=60)
    history.add_log_end("p", LogEndSample(1000, 1))
    history.add_observation("k", Observation(1000, 1, 0))
    history.retain(set(), set())
    assert history.log_ends("p") == [] and history.observations("k") == []


def test_history_needs_a_positive_window():
    with pytest.raises(ValueError):
        LagHistory(window=0)
