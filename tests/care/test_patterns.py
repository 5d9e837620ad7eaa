"""Missing-episode pattern analysis on a fixture whose answers are worked out by hand.

Child A (id 1) went missing on Friday 6 November 2026 at 22:00, Saturday 14 November at 23:00 and
Friday 20 November at 21:30: three missing episodes within 15 days, so A is a repeat missing child.
Child B (id 2) went missing on Friday 6 November at 22:40 and was away from placement on Monday
2 November at 15:00; B's episodes, like A's first, name "Dean, 24" (written "dean ,24" once). Child
C (id 3) went missing on 1 January, 1 February and 1 April 2026: the third is 90 days after the
first, so C is not a repeat missing child. Child D (id 4) has one episode across the night the
clocks went forward (Saturday 28 to Sunday 29 March 2026).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from masa.care import patterns
from masa.care.patterns import episodes_frame, screenings_frame

LONDON = ZoneInfo("Europe/London")
A, B, C, D = 1, 2, 3, 4


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def episode(episode_id: int, child_id: int, started_at: dt.datetime, **fields: Any) -> dict:
    return {"id": episode_id, "child_id": child_id, "kind": "M", "started_at": started_at, **fields}


FIXTURE = [
    episode(
        1,
        A,
        at(2026, 11, 6, 22),
        ended_at=at(2026, 11, 7, 8),  # 10 hours
        last_seen_location="Northbury bus station",
        found_location="Flat 3, Mill Road",
        associates=["Dean, 24"],
        exploitation_concern=True,
        rhi_offered_at=at(2026, 11, 9, 9),  # 49 hours after the return: in time
        rhi_accepted=True,
        rhi_held_on=dt.date(2026, 11, 11),
    ),
    episode(
        2,
        A,
        at(2026, 11, 14, 23),
        ended_at=at(2026, 11, 16, 23),  # 48 hours
        last_seen_location="northbury  bus station",
        found_location="flat 3,mill road",
        associates=["Kai"],
        rhi_offered_at=at(2026, 11, 20, 9),  # 82 hours: late
        rhi_accepted=False,
    ),
    episode(3, A, at(2026, 11, 20, 21, 30), last_seen_location="Retail park"),  # still missing
    episode(
        4,
        B,
        at(2026, 11, 6, 22, 40),
        ended_at=at(2026, 11, 7, 1, 40),  # 3 hours, no interview offered
        last_seen_location="Northbury bus station",
        found_location="Flat 3, Mill Road",
        associates=["dean ,24"],
    ),
    episode(
        5,
        B,
        at(2026, 11, 2, 15),
        kind="A",
        ended_at=at(2026, 11, 2, 19),
        associates=["Dean, 24", "Sam"],
    ),
    episode(6, C, at(2026, 1, 1, 10), ended_at=at(2026, 1, 1, 12)),
    episode(7, C, at(2026, 2, 1, 10), ended_at=at(2026, 2, 1, 12)),
    episode(8, C, at(2026, 4, 1, 10), ended_at=at(2026, 4, 1, 12)),
    # 20:00 GMT to 08:00 BST: 11 hours passed, not 12.
    episode(9, D, at(2026, 3, 28, 20), ended_at=at(2026, 3, 29, 8)),
]
SCREENINGS = [
    {"child_id": B, "screened_on": dt.date(2026, 6, 1), "risk": "low"},
    {"child_id": B, "screened_on": dt.date(2026, 10, 1), "risk": "high"},
    {"child_id": C, "screened_on": dt.date(2026, 3, 1), "risk": "medium"},
    {"child_id": C, "screened_on": dt.date(2026, 9, 1), "risk": "none"},
]


@pytest.fixture
def frame() -> pl.DataFrame:
    return episodes_frame(FIXTURE)


@pytest.fixture
def screenings() -> pl.DataFrame:
    return screenings_frame(SCREENINGS)


def test_hour_by_weekday_cells_count_when_each_episode_began(frame: pl.DataFrame) -> None:
    heat = patterns.hour_weekday(frame)

    assert heat.count("Friday", 22) == 2  # A on 6 November at 22:00 and B at 22:40
    assert heat.count("Saturday", 23) == 1  # A on 14 November
    assert heat.count("Friday", 21) == 1  # A on 20 November at 21:30
    assert heat.count("Monday", 15) == 1  # B away on 2 November
    assert heat.count("Thursday", 10) == 1  # C on 1 January 2026
    assert heat.count("Sunday", 10) == 1  # C on 1 February
    assert heat.count("Wednesday", 10) == 1  # C on 1 April
    assert heat.count("Saturday", 20) == 1  # D, before the clocks changed
    assert heat.count("Friday", 23) == 0
    assert heat.total == 9
    assert heat.day_totals == (1, 0, 1, 1, 3, 2, 1)
    assert heat.rows[22].total == 2
    assert heat.busiest == [("Friday", 22, 2)]


def test_three_missing_episodes_within_90_days_make_a_repeat_missing_child(
    frame: pl.DataFrame,
) -> None:
    repeats = {r["child_id"]: r for r in patterns.repeat_children(frame).to_dicts()}

    assert repeats[A]["missing"] == 3
    assert repeats[A]["repeat"] is True
    assert repeats[A]["repeat_from"] == dt.date(2026, 11, 6)
    # B: one missing episode (the away one does not count towards repeat missing).
    assert repeats[B] == {"child_id": B, "missing": 1, "repeat": False, "repeat_from": None}
    # C: 1 January to 1 April is 90 days: not within 90 days.
    assert repeats[C]["missing"] == 3
    assert repeats[C]["repeat"] is False


def test_the_third_episode_89_days_after_the_first_is_within_90_days() -> None:
    frame = episodes_frame(
        [
            episode(1, C, at(2026, 1, 1, 10)),
            episode(2, C, at(2026, 2, 1, 10)),
            episode(3, C, at(2026, 3, 31, 23, 59)),  # 89 days after 1 January
        ]
    )

    assert patterns.repeat_children(frame).get_column("repeat").to_list() == [True]


def test_an_associate_named_by_two_childrens_episodes_links_them(frame: pl.DataFrame) -> None:
    shared = patterns.shared_associates(frame)

    # "Dean, 24" and "dean ,24" are one associate: A's first episode and both of B's.
    assert shared == [patterns.SharedAssociate("Dean, 24", (A, B), 3)]


def test_associates_named_by_one_child_only_are_not_shared(frame: pl.DataFrame) -> None:
    names = {s.name for s in patterns.shared_associates(frame)}

    assert "Kai" not in names
    assert "Sam" not in names
    assert patterns.associates_of(frame, A) == [("Dean, 24", 1), ("Kai", 1)]
    assert patterns.associates_of(frame, B) == [("Dean, 24", 2), ("Sam", 1)]


def test_durations_are_elapsed_hours_even_when_the_clocks_change(frame: pl.DataFrame) -> None:
    summary = {r["child_id"]: r for r in patterns.child_summary(frame).to_dicts()}

    assert summary[D]["longest_hours"] == 11
    assert summary[A]["total_hours"] == 58  # 10 + 48; the open episode has no length yet
    assert summary[A]["longest_hours"] == 48
    assert summary[A]["open"] == 1
    assert summary[B]["episodes"] == 2
    assert summary[B]["away"] == 1
    assert patterns.duration_bands(frame) == [
        ("Under 6 hours", 5),  # B 3h and 4h, C 2h three times
        ("6 to 24 hours", 2),  # A 10h, D 11h
        ("1 to 2 days", 0),
        ("2 to 7 days", 1),  # A 48h
        ("7 days or more", 0),
        ("Not yet returned", 1),
    ]


def test_places_are_counted_as_written_ignoring_case_and_spacing(frame: pl.DataFrame) -> None:
    last_seen = patterns.top_places(frame, "last_seen")
    found = patterns.top_places(frame, "found")

    assert last_seen[0] == patterns.PlaceCount("Northbury bus station", 3, 2)
    assert last_seen[1] == patterns.PlaceCount("Retail park", 1, 1)
    assert found == [patterns.PlaceCount("Flat 3, Mill Road", 3, 2)]


def test_children_are_linked_to_exploitation_by_flagged_episodes_or_a_medium_or_high_risk(
    frame: pl.DataFrame, screenings: pl.DataFrame
) -> None:
    links = patterns.exploitation_links(frame, screenings)

    # A: one episode flagged. B: latest screening high. C: medium once, but none at the latest.
    assert links == [
        patterns.ExploitationLink(A, 1, "", None),
        patterns.ExploitationLink(B, 0, "high", dt.date(2026, 10, 1)),
    ]


def test_return_home_interview_figures_count_missing_episodes_that_ended(
    frame: pl.DataFrame,
) -> None:
    rhi = patterns.rhi_figures(frame)

    # Ended missing episodes: A 1 and 2, B 4, C 6 to 8, D 9 (B's away episode is not counted).
    assert rhi.returned == 7
    assert rhi.offered_in_time == 1
    assert rhi.offered_late == 1
    assert rhi.not_offered == 5
    assert (rhi.accepted, rhi.declined, rhi.held) == (1, 1, 1)
    assert rhi.percent(rhi.offered_in_time) == "14%"


def test_the_whole_analysis_in_one_call(frame: pl.DataFrame, screenings: pl.DataFrame) -> None:
    found = patterns.analyse(frame, screenings)

    assert (found.episodes, found.children, found.missing, found.away) == (9, 4, 8, 1)
    assert found.repeat_children == 1
    assert found.child(A)["repeat"] is True  # type: ignore[index]
    assert found.child(B)["risk"] == "high"  # type: ignore[index]
    assert found.child(99) is None
    assert [s.name for s in found.shared] == ["Dean, 24"]


def test_nothing_recorded_gives_empty_answers() -> None:
    found = patterns.analyse(episodes_frame([]))

    assert (found.episodes, found.children, found.repeat_children) == (0, 0, 0)
    assert found.heat_map.total == 0
    assert found.heat_map.busiest == []
    assert found.shared == []
    assert found.last_seen == []
    assert found.rhi.percent(0) == "none returned"


def test_the_interview_is_due_72_hours_after_the_return_whatever_the_clocks_do() -> None:
    # Friday 27 March 2026 at 6pm GMT: the clocks go forward on Sunday 29 March.
    due = patterns.rhi_due(at(2026, 3, 27, 18))

    assert due == at(2026, 3, 30, 19)
    assert due.utcoffset() == dt.timedelta(hours=1)


def test_names_are_matched_on_a_normal_form() -> None:
    assert patterns.normalise_text("  Dean ,24 ") == patterns.normalise_text("dean,   24")
    assert patterns.normalise_text("Dean, 24") != patterns.normalise_text("Dean 24")
