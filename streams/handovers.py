"""Unnamed hand-overs, matched where they happen: one region at a time, free of Kafka.

A leg that says it handed the parcel on without naming the receiver's number (Lion's
``PAKET AKAN DIKIRIMKAN OLEH (PT POS. ), PALEMBANG``), and the legs that could have
received such a parcel (:attr:`~lintas.streams.linking.LegSummary.could_receive`), are
sent here keyed by the region of the hand-over and of the receiver's first scan: a match
needs both in one place (:func:`~lintas.streams.linking.score`), so each region is
decided on its own, by whichever worker holds its partition.

In a region hand-overs and candidates scoring at least
:data:`~lintas.streams.linking.THRESHOLD` are paired best first (score, then the shorter
time between the hand-over and the candidate's first scan, then the leg ids), each once:
the result depends only on the set of legs, not on their order. A match is sent to the
receiving leg as a heuristic :class:`Parent`; a match that no longer holds is withdrawn.
Legs too old to match anything new leave the region's state (:data:`KEEP`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from lintas.streams.legs import Output, Parent, region_key
from lintas.streams.linking import EARLY, THRESHOLD, WINDOW, Handover, LegSummary, score

__all__ = ["KEEP", "RegionRecord", "RegionStep"]

#: How far behind a region's newest scan a leg may be and still be kept for matching.
KEEP = 2 * WINDOW + EARLY


@dataclass
class RegionRecord:
    """What is kept of one region and receiving partner (its key,
    :func:`~lintas.streams.legs.region_key`): its givers and candidates, and the matches
    sent."""

    region: str
    givers: dict[str, LegSummary] = field(default_factory=dict)
    candidates: dict[str, LegSummary] = field(default_factory=dict)
    #: candidate leg -> (giver leg, score) last sent to it
    matches: dict[str, tuple[str, float]] = field(default_factory=dict)
    offset: int = -1


def _handover(giver: LegSummary, key: str) -> Handover | None:
    return next((h for h in giver.handovers_to if h.tracking_number is None and h.region
                 and region_key(h.partner, h.region) == key), None)


class RegionStep:
    """One leg's summary applied to one region: the new record and what to send."""

    def __init__(self, record: RegionRecord) -> None:
        self.record = record

    def apply(self, summary: LegSummary, offset: int = -1) -> list[Output]:
        record = self.record
        if 0 <= offset <= record.offset:
            return self._all_matches()  # read again after a restart: send them again
        record.offset = max(record.offset, offset)
        record.givers.pop(summary.leg, None)
        record.candidates.pop(summary.leg, None)
        if _handover(summary, record.region) is not None:
            record.givers[summary.leg] = summary
        if summary.could_receive and summary.first_region and region_key(
                summary.partner, summary.first_region) == record.region:
            record.candidates[summary.leg] = summary
        self._forget_the_old()
        return self._rematch()

    def _forget_the_old(self) -> None:
        record = self.record
        times = [s.first_at for s in record.candidates.values()]
        times += [h.at for s in record.givers.values()
                  if (h := _handover(s, record.region)) is not None]
        if not times:
            return
        horizon = max(times) - KEEP
        record.candidates = {k: s for k, s in record.candidates.items()
                             if s.first_at >= horizon or k in record.matches}
        record.givers = {k: s for k, s in record.givers.items()
                         if ((h := _handover(s, record.region)) is not None and h.at >= horizon)
                         or k in {g for g, _ in record.matches.values()}}

    def _rematch(self) -> list[Output]:
        record = self.record
        # Candidates by first scan: a hand-over scores only those starting in its window.
        starts = sorted((s.first_at, leg) for leg, s in record.candidates.items())
        times = [at for at, _ in starts]
        edges: list[tuple[float, float, str, str]] = []
        for giver_leg, giver in record.givers.items():
            handover = _handover(giver, record.region)
            assert handover is not None
            window = starts[bisect_left(times, handover.at - EARLY):
                            bisect_right(times, handover.at + WINDOW)]
            for _at, leg in window:
                candidate = record.candidates[leg]
                if leg == giver_leg:
                    continue
                points = score(handover, giver, candidate)
                if points >= THRESHOLD:
                    gap = abs((candidate.first_at - handover.at).total_seconds())
                    edges.append((-points, gap, giver_leg, leg))
        matches: dict[str, tuple[str, float]] = {}
        givers_taken: set[str] = set()
        for neg_points, _gap, giver_leg, leg in sorted(edges):
            if leg not in matches and giver_leg not in givers_taken:
                givers_taken.add(giver_leg)
                matches[leg] = (giver_leg, -neg_points)
        out: list[Output] = []
        for leg, (was, _points) in sorted(record.matches.items()):
            if matches.get(leg, ("",))[0] != was:
                out.append(("legs", leg, Parent(was, "heuristic", 0.0, withdraw=True)))
        for leg, (now, points) in sorted(matches.items()):
            if record.matches.get(leg) != (now, points):
                out.append(("legs", leg, Parent(now, "heuristic", points)))
        record.matches = matches
        return out

    def _all_matches(self) -> list[Output]:
        return [("legs", leg, Parent(giver, "heuristic", points))
                for leg, (giver, points) in sorted(self.record.matches.items())]
