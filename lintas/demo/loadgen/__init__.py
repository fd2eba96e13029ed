"""``lintas loadgen``: a national mix of partner payloads into a running pipeline, at a
target rate or as a compressed Lebaran day, with throughput and end-to-end latency (raw
append to the view row committed in SQL) measured as it goes."""

from lintas.demo.loadgen.mix import SHARES, Leg, MixSettings, NationalMix, Parcel, Payload
from lintas.demo.loadgen.profile import LEBARAN_HOURS, RateProfile
from lintas.demo.loadgen.run import LoadOptions, LoadProgress, LoadReport, plan, run_load

__all__ = [
    "LEBARAN_HOURS", "SHARES", "Leg", "LoadOptions", "LoadProgress", "LoadReport", "MixSettings",
    "NationalMix", "Parcel", "Payload", "RateProfile", "plan", "run_load",
]
