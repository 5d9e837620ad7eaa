"""Finding a child: typo-tolerant names, dates of birth, NHS numbers, UPNs, postcodes, masa IDs.

Only children the user can see are ever found, and a search is one query however many
children there are.
"""

from __future__ import annotations

import datetime as dt

import pytest

from masa.people import search
from masa.people.selectors import likely_duplicates, search_children

from ..conftest import World
from ..factories import ChildFactory
from .factories import AddressFactory

pytestmark = pytest.mark.django_db


def names(children) -> list[str]:  # type: ignore[no-untyped-def]
    return [child.full_name for child in children]


@pytest.fixture
def people(world: World) -> World:
    """A few children owned by the local authority team, with similar names."""
    team = world.la_team
    for first, last, born in [
        ("John", "Smith", dt.date(2015, 6, 1)),
        ("Jane", "Smith", dt.date(2012, 1, 9)),
        ("Jamie", "Smart", dt.date(2016, 3, 3)),
        ("Mohammed", "Hussain", dt.date(2014, 4, 14)),
        ("Stephen", "Thompson", dt.date(2011, 11, 11)),
        ("Kira", "Holton", dt.date(2013, 5, 5)),
        ("Yusuf", "Bell", dt.date(2010, 8, 8)),
        ("Jamal", "Warsame", dt.date(2012, 2, 2)),
    ]:
        ChildFactory(
            partnership=world.partnership,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            owning_team=team,
        )
    return world


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Jon Smyth", "John Smith"),
        ("Kiera Holt", "Kira Holt"),
        ("Keira Holt", "Kira Holt"),
        ("Kiri Holt", "Kira Holt"),  # a wrong letter: most of the trigrams still match
        ("Jon Smitj", "John Smith"),  # a slip that changes the sound: trigrams again
        ("Muhammad Husain", "Mohammed Hussain"),
        ("Steven Tomson", "Stephen Thompson"),
        ("smith john", "John Smith"),  # any order, any case
        ("Hol", "Kira Holt"),  # the start of a name
        ("Yusuf Blel", "Yusuf Bell"),  # two letters the wrong way round
        ("Jamal Wasrame", "Jamal Warsame"),
    ],
)
def test_names_with_typing_and_spelling_slips_are_found_best_first(
    people: World, typed: str, found: str
) -> None:
    results = names(search_children(people.users["social_worker"], typed))
    assert results[0] == found or found in results[:2]
    assert found in results


def test_a_close_name_comes_before_a_looser_one(people: World) -> None:
    results = names(search_children(people.users["social_worker"], "Jon Smyth"))
    assert results.index("John Smith") < results.index("Jane Smith")
    assert "Jamie Smart" not in results
    # Every word typed must match: a shared first name alone is not enough.
    assert names(search_children(people.users["social_worker"], "Kira Smith")) == []


def test_date_of_birth_in_the_ways_people_type_it(people: World) -> None:
    user = people.users["social_worker"]
    for typed in ["1/6/2015", "01/06/2015", "2015-06-01", "1 June 2015", "1.6.2015"]:
        found = names(search_children(user, typed))
        # The world's two children were also born on 1 June 2015.
        assert set(found) == {"John Smith", "Kira Holt", "Jay Moss"}, typed
    assert names(search_children(user, "Smith 1/6/2015")) == ["John Smith"]
    assert names(search_children(user, "31/2/2015")) == []


def test_nhs_number_upn_and_masa_id(people: World) -> None:
    user = people.users["social_worker"]
    child = people.child
    type(child).objects.filter(pk=child.pk).update(nhs_number="9434765919", upn="B801200005001")
    assert names(search_children(user, "943 476 5919")) == ["Kira Holt"]
    assert names(search_children(user, "9434765919")) == ["Kira Holt"]
    assert names(search_children(user, "b801200005001")) == ["Kira Holt"]
    assert names(search_children(user, child.masa_id)) == ["Kira Holt"]
    assert names(search_children(user, "999 999 9999")) == []


def test_postcode_of_a_current_or_past_address(people: World) -> None:
    user = people.users["social_worker"]
    AddressFactory(
        child=people.child, postcode="NB1 2AB", from_date=dt.date(2020, 1, 1),
        to_date=dt.date(2023, 12, 31),
    )  # fmt: skip
    AddressFactory(child=people.child, postcode="NB7 4QT", from_date=dt.date(2024, 1, 1))
    assert names(search_children(user, "NB7 4QT")) == ["Kira Holt"]
    assert names(search_children(user, "nb12ab")) == ["Kira Holt"]  # moved away since
    assert names(search_children(user, "NB7")) == ["Kira Holt"]  # the first half only
    assert names(search_children(user, "Holt NB1 2AB")) == ["Kira Holt"]
    assert names(search_children(user, "Smith NB1 2AB")) == []


def test_search_finds_only_children_the_user_can_see(people: World) -> None:
    police = people.users["police_officer"]  # the police are involved with Kira Holt only
    assert names(search_children(police, "Kira Holt")) == ["Kira Holt"]
    assert names(search_children(police, "John Smith")) == []
    assert names(search_children(police, "1/6/2015")) == ["Kira Holt"]
    assert names(search_children(people.users["data_analyst"], "Kira Holt")) == []


def test_the_search_page_shows_matches_and_says_when_there_are_none(
    people: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    body = client.get("/children/", {"q": "Jon Smyth"}).content.decode()
    assert ">John Smith</a>" in body and "closest matches first" in body
    none = client.get("/children/", {"q": "Zebedee Quixote"}).content.decode()
    assert "0 children matching" in none and "No children you can see match" in none
    too_long = client.get("/children/", {"q": "x" * 101}).content.decode()
    assert "Search must be 100 characters or fewer" in too_long


def test_a_name_search_is_one_query_and_so_is_its_count(
    people: World, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    user = people.users["police_officer"]
    with django_assert_num_queries(1):
        list(search_children(user, "Kiera Holt 1/6/2015 NB1 2AB"))
    with django_assert_num_queries(1):
        search_children(user, "Kiera Holt 1/6/2015 NB1 2AB").count()
    with django_assert_num_queries(1):
        likely_duplicates(
            user, first_name="Kiera", last_name="Holt", date_of_birth=dt.date(2015, 6, 1)
        )


def test_the_search_page_uses_a_fixed_number_of_queries(
    people: World, client_for, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("social_worker")
    client.get("/children/", {"q": "Smith"})  # warm the session
    with django_assert_max_num_queries(15) as few:
        client.get("/children/", {"q": "Smith"})
    for _ in range(20):
        ChildFactory(partnership=people.partnership, last_name="Smith", owning_team=people.la_team)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/children/", {"q": "Smith"})


def test_query_parsing_separates_identifiers_dates_postcodes_and_names() -> None:
    parsed = search.parse_query("Kira O'Brien-Holt 943 476 5919 1/6/2015 nb1 2ab C000042")
    assert parsed.nhs_number == "9434765919"
    assert parsed.dates == [dt.date(2015, 6, 1)]
    assert parsed.postcode == "NB1 2AB"
    assert parsed.masa_id == 42
    assert search.name_tokens(*parsed.names) == ["kira", "obrien", "holt"]
    assert search.parse_query("!!!").is_empty


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Jon", "John"),
        ("Smyth", "Smith"),
        ("Kiera", "Kira"),
        ("Stephen", "Steven"),
        ("Catherine", "Kathryn"),
        ("Philip", "Filip"),
        ("McDonald", "MacDonald"),
        ("Mohammed", "Muhammad"),
        ("Zainab", "Zaynab"),
        ("Wójcik", "Wojcik"),
    ],
)
def test_names_that_sound_alike_share_a_phonetic_key(one: str, other: str) -> None:
    assert search.phonetic_code(search.name_tokens(one)[0]) == search.phonetic_code(
        search.name_tokens(other)[0]
    )


@pytest.mark.parametrize(("one", "other"), [("Jon", "Jamie"), ("Smith", "Smart"), ("Holt", "Hall")])
def test_names_that_sound_different_do_not(one: str, other: str) -> None:
    assert search.phonetic_code(one.lower()) != search.phonetic_code(other.lower())


def test_the_index_can_be_rebuilt_after_the_key_rules_change(people: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    from masa.people.models import PersonSearchKey

    PersonSearchKey.objects.all().delete()
    assert names(search_children(people.users["social_worker"], "Jon Smyth")) == []
    out = StringIO()
    call_command("rebuild_search_keys", stdout=out)
    assert "for 10 children" in out.getvalue()
    assert "John Smith" in names(search_children(people.users["social_worker"], "Jon Smyth"))
