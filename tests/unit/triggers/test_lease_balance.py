"""triggers/remote/balance.py: fair share, one steal a round from the most loaded worker,
parents before children."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.triggers.remote.balance import plan, ready
from headwater.triggers.remote.lease_table import LeaseRow


def row(shard: str, owner: str | None = None, parent: str | None = None,
        checkpoint: str = "TRIM_HORIZON", handoff: str | None = None) -> LeaseRow:
    return LeaseRow(f"f|s|{shard}", "f", "s", shard, parent, owner, 1, checkpoint, None, None,
                    handoff, None)


def test_a_lone_worker_takes_every_free_lease() -> None:
    rows = [row(f"s{i}") for i in range(4)]
    assert len(plan("a", {"a"}, rows, set()).take) == 4


def test_a_worker_takes_only_its_fair_share() -> None:
    rows = [row(f"s{i}") for i in range(6)]
    choice = plan("a", {"a", "b", "c"}, rows, set())
    assert choice.target == 2 and len(choice.take) == 2


def test_expired_leases_are_taken_before_stealing() -> None:
    rows = [row("s0", "b"), row("s1", "b"), row("s2", "dead"), row("s3", "dead")]
    choice = plan("a", {"a", "b"}, rows, {"f|s|s2", "f|s|s3"})
    assert {r.shard_id for r in choice.take} == {"s2", "s3"} and choice.steal is None


def test_one_lease_is_stolen_from_the_most_loaded() -> None:
    rows = [row(f"b{i}", "b") for i in range(4)] + [row(f"c{i}", "c") for i in range(2)]
    choice = plan("a", {"a", "b", "c"}, rows, set())
    assert choice.take == [] and choice.steal is not None and choice.steal.owner == "b"


def test_nobody_steals_from_a_worker_at_its_share() -> None:
    rows = [row("s0", "b"), row("s1", "b"), row("s2", "a")]
    assert plan("a", {"a", "b"}, rows, set()).steal is None


def test_a_lease_being_handed_over_is_not_asked_for_again() -> None:
    rows = [row("s0", "b", handoff="c"), row("s1", "b", handoff="c"), row("s2", "b", handoff="c")]
    assert plan("a", {"a", "b", "c"}, rows, set()).steal is None


def test_children_wait_for_their_parent_to_finish() -> None:
    rows = [row("p"), row("c", parent="p")]
    assert [r.shard_id for r in ready(rows)] == ["p"]
    rows = [row("p", checkpoint="SHARD_END"), row("c", parent="p")]
    assert [r.shard_id for r in ready(rows)] == ["c"]
    # A parent without a lease (trimmed away) does not hold its child back.
    assert [r.shard_id for r in ready([row("c", parent="gone")])] == ["c"]


@settings(deadline=None, max_examples=25)
@given(st.integers(1, 64), st.integers(1, 8))
def test_rounds_converge_to_an_even_spread(shards: int, workers: int) -> None:
    """Simulated rounds (a steal completes by the next round) end with no lease unowned and
    no worker above its fair share."""
    names = [f"w{i}" for i in range(workers)]
    owner: dict[str, str | None] = {f"s{i}": None for i in range(shards)}
    for _ in range(shards * 2 + 4):
        for name in names:
            rows = [row(s, o) for s, o in owner.items()]
            choice = plan(name, set(names), rows, set())
            for taken in choice.take:
                owner[taken.shard_id] = name
            if choice.steal is not None:
                owner[choice.steal.shard_id] = name
    counts = [sum(1 for o in owner.values() if o == n) for n in names]
    assert None not in owner.values()
    assert max(counts) <= -(-shards // workers)
