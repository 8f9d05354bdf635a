"""The last-writer-wins order of item versions: later write time wins, the region name breaks
a tie, the same for every replica."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from headwater.dynamodb.item_versions import Version

versions = st.builds(Version, st.floats(min_value=0, max_value=2e9, allow_nan=False),
                     st.sampled_from(["us-east-1", "us-west-2", "eu-west-1"]))


def test_later_time_wins_and_region_breaks_ties() -> None:
    assert Version(2.0, "eu-west-1") > Version(1.0, "us-west-2")
    assert Version(1.0, "us-west-2") > Version(1.0, "us-east-1")


@given(st.lists(versions, min_size=1, max_size=8), st.randoms())
def test_every_arrival_order_picks_the_same_winner(writes: list[Version], rnd) -> None:
    def winner(order: list[Version]) -> Version:
        held = None
        for version in order:
            if held is None or version > held:
                held = version
        assert held is not None
        return held
    shuffled = list(writes)
    rnd.shuffle(shuffled)
    assert winner(writes) == winner(shuffled) == max(writes)
