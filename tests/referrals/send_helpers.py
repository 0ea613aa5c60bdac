"""A world where the caseworker may refer: the demo protocol, the agencies, consent given."""

from __future__ import annotations

from tests.referrals.test_views import World, give_consent, make_world


def referral_world() -> World:
    world = make_world()
    give_consent(world)
    return world
