"""Fuzzing every partner's parse: whatever arrives, the parse raises nothing but a
one-line PayloadError naming the partner, every event it makes encodes as a
ShipmentEvent, every problem it reports is one line naming the partner, and a push
partner's webhook is one event or one problem.

Three targets a partner, each seeded with the partner's own payloads (its recordings,
a push partner's webhooks one by one, and its hand-written cases): those payloads
mutated by :mod:`tests.support.mutations`, one to three times; their JSON with values
swapped for other values of the partner's payloads or any JSON; and any JSON, bytes or
text. The budget is a quick look by default; ``HYPOTHESIS_PROFILE=fuzz`` runs a long hunt.
"""

from __future__ import annotations

import copy
import json
import os
import random
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintas.connectors.partner import Partner
from lintas.connectors.registry import PARTNERS
from lintas.core.errors import PayloadError
from lintas.schemas.codec import codec
from tests.support.mutations import CLASSES, mutate, set_value, value_paths
from tests.support.partners import ALL, assert_one_line, cases, each, wire
from tests.support.record import recordings_on_disk, sent_payloads

_RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("contract", max_examples=40, deadline=None,
                          suppress_health_check=_RELAXED)
settings.register_profile("fuzz", max_examples=20_000, deadline=None,
                          suppress_health_check=_RELAXED)
BUDGET = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "contract"))
_EVENT = codec("ShipmentEvent")

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=24)
_KEYS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=16,
)


@cache
def _seeds(partner_id: str) -> tuple[bytes, ...]:
    """The partner's own payloads, as bytes."""
    partner = PARTNERS[partner_id]
    recorded = [sent for path in recordings_on_disk(partner_id)
                for sent in sent_payloads(partner, path.read_bytes())]
    handwritten = cases(partner_id)
    written = [body for key in ("not_found", "foreign") for body in handwritten.get(key, [])]
    written += [case["body"] for key in ("errors", "problems") for case in handwritten.get(key, [])]
    if "unlisted" in handwritten:
        written.append(handwritten["unlisted"]["body"])
    return tuple(p if isinstance(p, bytes) else wire(p) for p in recorded + written)


@cache
def _documents(partner_id: str) -> tuple[Any, ...]:
    """The partner's own payloads that are JSON objects or arrays, decoded."""
    docs = []
    for payload in _seeds(partner_id):
        try:
            doc = json.loads(payload)
        except ValueError:
            continue
        if isinstance(doc, (dict, list)) and doc:
            docs.append(doc)
    return tuple(docs)


@cache
def _vocabulary(partner_id: str) -> tuple[Any, ...]:
    """Every scalar value in the partner's payloads: its codes, dates, places and texts."""
    values = {json.dumps(v) for doc in _documents(partner_id)
              for v in (_value(doc, p) for p in value_paths(doc))
              if not isinstance(v, (dict, list))}
    return tuple(json.loads(v) for v in sorted(values))


def _value(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def _mutated(draw: st.DrawFn, partner: Partner) -> bytes:
    payload = draw(st.sampled_from(_seeds(partner.id)))
    rng = random.Random(draw(st.integers(0, 2**32)))
    for kind in draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=3)):
        _, payload = mutate(payload, rng, kind)
    return payload


@st.composite
def _rewritten(draw: st.DrawFn, partner: Partner) -> bytes:
    doc = copy.deepcopy(draw(st.sampled_from(_documents(partner.id))))
    for _ in range(draw(st.integers(1, 4))):
        paths = value_paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        holder = _value(doc, path[:-1])
        if isinstance(holder, dict) and draw(st.booleans()):
            del holder[path[-1]]
        else:
            set_value(doc, path, draw(st.sampled_from(_vocabulary(partner.id)) | _JSON))
    return json.dumps(doc).encode()


_ANYTHING = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    _JSON.map(json.dumps),
    st.dictionaries(_KEYS, _JSON, max_size=6),
)


def _holds(partner: Partner, payload: bytes | str | dict[str, Any]) -> None:
    try:
        result = partner.parse(payload)
    except PayloadError as exc:
        assert_one_line(partner, str(exc))
        return
    for event in result.events:
        assert event.occurred_at.tzinfo is not None
        _EVENT.encode(event.to_record())
    for problem in result.problems:
        assert_one_line(partner, problem.message)
    if partner.mode == "push":
        assert len(result.events) + len(result.problems) == 1


@each(ALL)
@BUDGET
@given(data=st.data())
def test_a_mutated_payload_of_the_partner_gives_events_or_a_payload_error(partner, data):
    _holds(partner, data.draw(_mutated(partner)))


@each(ALL)
@BUDGET
@given(data=st.data())
def test_its_payloads_with_values_swapped_give_events_or_a_payload_error(partner, data):
    _holds(partner, data.draw(_rewritten(partner)))


@each(ALL)
@BUDGET
@given(payload=_ANYTHING)
def test_any_json_bytes_or_text_give_events_or_a_payload_error(partner, payload):
    _holds(partner, payload)
