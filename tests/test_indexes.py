"""Entity indexes over plain reports: alias folding, slugs, counts, co-occurrence, related."""

from collections import Counter
from dataclasses import replace

import pytest
from markupsafe import Markup

import sitrep.cores
import sitrep.related
from conftest import CONFIG, REGISTRY, newest_first, report
from sitrep.dates import parse_moment
from sitrep.entities import initial, load_registry
from sitrep.indexes import MonthCount, build_index, display_name, monthly
from sitrep.related import _Posting, _rank, _shared_weight, related_key, related_reports


def entry(index, facet, name):
    return next(e for e in index.facets[facet] if e.ref.name == name)


def test_aliases_and_case_variants_fold_into_one_entity():
    reports = newest_first(
        report("a", "2016-01-05", ["Islamic State"]),  # a registered alias is resolved when reading
        report("b", "2016-01-07", ["Libya Dawn"]),
        report("c", "2016-02-01", ["libya dawn ", "Islamic State"]),
        report("d", "2016-02-02", ["Libya  Dawn"]),
    )
    index, problems = build_index(reports, REGISTRY, CONFIG)
    assert problems == []
    assert [e.ref.name for e in index.facets["actors"]] == ["Islamic State", "Libya Dawn"]
    dawn = entry(index, "actors", "Libya Dawn")
    assert (dawn.ref.slug, dawn.ref.url, dawn.count) == ("libya-dawn", "actors/libya-dawn/", 3)
    assert [r.source for r in dawn.reports] == ["d", "c", "b"]
    assert dawn.spellings == ("Libya  Dawn", "libya dawn ")
    assert (dawn.first.iso(), dawn.last.iso()) == ("2016-01-07", "2016-02-02")
    assert entry(index, "actors", "Islamic State").details.kind == "armed group"


def test_names_that_differ_only_in_unicode_form_are_one_entity():
    composed, decomposed = "\u00c9tat islamique", "E\u0301tat islamique"  # the same on screen: É typed, or E and ´
    reports = newest_first(report("a", "2016-01-05", [composed]), report("b", "2016-01-06", [decomposed]))
    index, problems = build_index(reports, REGISTRY, CONFIG)
    assert problems == []  # it was a slug collision between two names that look identical
    assert [(e.ref.slug, e.count) for e in index.facets["actors"]] == [("etat-islamique", 2)]


def test_entity_with_one_report_and_every_facet():
    reports = [report("a", "2016-03-01", ["Italy"], ["Rome"], ["International"], "Diplomacy")]
    index, _ = build_index(reports, REGISTRY, CONFIG)
    assert {f: [(e.ref.url, e.count) for e in entries] for f, entries in index.facets.items()} == {
        "actors": [("actors/italy/", 1)],
        "locations": [("locations/rome/", 1)],
        "regions": [("regions/international/", 1)],
        "categories": [("categories/diplomacy/", 1)],
    }
    assert [r.name for r in index.refs(reports[0], "locations")] == ["Rome"]


def test_two_names_with_one_slug_fail_with_both_named():
    reports = newest_first(report("a.md", "2016-01-01", ["Al-Qaeda"]), report("b.md", "2016-01-02", ["Al Qaeda"]))
    _, problems = build_index(reports, REGISTRY, CONFIG)
    message = "actors 'Al Qaeda' and 'Al-Qaeda' would share the URL actors/al-qaeda/"
    hint = "(use one spelling, or tie them with an alias in the registry)"
    assert [p.format() for p in problems] == [f"b.md:5: {message} {hint}", f"a.md:5: {message} {hint}"]


def test_names_that_look_alike_are_one_entity():
    said = [
        "Abu-Salim Brigade",
        "Abu\u2013Salim Brigade",
        "Abu-Salim\u200b Brigade",
        "Haftar's men",
        "Haftar\u2019s men",
    ]
    reports = newest_first(*(report(f"{n}.md", f"2016-01-0{n}", [name]) for n, name in enumerate(said, 1)))
    index, problems = build_index(reports, REGISTRY, CONFIG)  # an en dash, a zero-width space, a curly apostrophe
    assert problems == []
    assert [(e.ref.slug, e.count) for e in index.facets["actors"]] == [("abu-salim-brigade", 3), ("haftars-men", 2)]


@pytest.mark.parametrize(
    "plain, written",
    [
        ("داعش", "داعـــش"),  # tatweel, a stretch of the line
        ("طرابلس", "طَرَابُلُس"),  # short vowel marks, optional in Arabic writing
        ("طرابلس", "طرابلس\u0670"),  # a superscript alef
    ],
)
def test_arabic_names_with_and_without_tatweel_or_vowel_marks_are_one_entity(plain, written):
    reports = newest_first(report("a.md", "2016-01-01", [plain]), report("b.md", "2016-01-02", [plain, written]))
    index, problems = build_index(reports, REGISTRY, CONFIG)
    assert problems == []  # they were two entities, or one URL claimed by two names
    assert [(e.ref.name, e.count, e.spellings) for e in index.facets["actors"]] == [(plain, 2, (written,))]


@pytest.mark.parametrize(
    "name, letter",
    [
        ("Es Sider", "E"),
        ("Ōbari", "O"),  # a Latin letter with an accent is filed under its letter
        ("Æsir", "A"),
        ("'Ayn Zara", "A"),
        ("طرابلس", "ط"),  # other scripts under their own letter, not their transliteration's (T)
        ("أحمد", "ا"),  # alef with hamza is alef
        ("Ελλάδα", "Ε"),
        ("116 Brigade", "#"),
        ("١٢ كتيبة", "#"),  # Arabic-Indic digits are digits
    ],
)
def test_a_name_is_filed_under_its_own_initial(name, letter):
    assert initial(name) == letter


def test_entities_are_in_a_to_z_order_whatever_their_accents_or_vowel_marks():
    said = ["Ozone", "Ōbari", "Obari", "أحمد", "ابراهيم", "Zliten"]
    reports = [report(f"{n}.md", "2016-01-01", [name]) for n, name in enumerate(said)]
    index, _ = build_index(reports, REGISTRY, CONFIG)
    assert [e.ref.name for e in index.facets["actors"]] == ["Obari", "Ōbari", "Ozone", "Zliten", "ابراهيم", "أحمد"]


@pytest.mark.parametrize(
    "name, registered",
    [
        ("ISIS!", "alias 'ISIS'"),  # would take the alias's pointer page
        ("Gamma Unit", "name 'Gamma-Unit'"),  # registered, named by no report yet
    ],
)
def test_a_name_with_the_url_of_another_registered_name_or_alias_is_an_error(name, registered):
    text = "- name: Islamic State\n  aliases: [ISIS]\n- name: Gamma-Unit\n"
    registry = load_registry({"actors": ("actors.yaml", text)})[0]
    _, problems = build_index([report("a.md", "2016-01-01", [name])], registry, CONFIG)
    slug = "isis" if name == "ISIS!" else "gamma-unit"
    assert [p.format() for p in problems] == [
        f"a.md:5: '{name}' would have the URL actors/{slug}/ of the registered {registered} "
        f"(write '{registered.split(chr(39))[1]}' if it is {'Islamic State' if slug == 'isis' else 'Gamma-Unit'}, "
        f"or register '{name}')"
    ]


def test_a_name_too_long_for_a_folder_is_an_error_at_its_report():
    name = "Brigade " * 40
    _, problems = build_index([report("a.md", "2016-01-01", [name])], REGISTRY, CONFIG)
    assert [p.format() for p in problems] == [
        "a.md:5: actor 'Brigade Brigade Brigade Brigade Brigade ...' gives a URL slug longer than a folder name "
        "can be (255) (shorten it, or register a short name with this as an alias)"
    ]


def test_name_without_slug_is_an_error():
    _, problems = build_index([report("a.md", "2016-01-01", ["???"])], REGISTRY, CONFIG)
    assert [p.format() for p in problems] == [
        "a.md:5: actor '???' gives an empty URL slug (spell it with letters or digits)"
    ]


def test_co_occurrence_counts_actors_and_locations():
    reports = newest_first(
        report("a", "2016-01-01", ["Islamic State", "LNA"], ["Sirte"]),
        report("b", "2016-01-02", ["Islamic State"], ["Sirte", "Derna"]),
        report("c", "2016-01-03", ["LNA"], ["Benghazi"]),
    )
    index, _ = build_index(reports, REGISTRY, CONFIG)
    isis = entry(index, "actors", "Islamic State")
    assert [(r.name, n) for r, n in isis.co_occurring["locations"]] == [("Sirte", 2), ("Derna", 1)]
    assert [(r.name, n) for r, n in isis.co_occurring["actors"]] == [("LNA", 1)]
    western = entry(index, "regions", "Western")
    assert [(r.name, n) for r, n in western.co_occurring["actors"]] == [("Islamic State", 2), ("LNA", 2)]


def test_monthly_activity_includes_empty_months_across_years():
    reports = [report("a", "2015-11-03"), report("b", "2016-02-01"), report("c", "2016-02-20")]
    assert monthly(reports) == (
        MonthCount(2015, 11, 1),
        MonthCount(2015, 12, 0),
        MonthCount(2016, 1, 0),
        MonthCount(2016, 2, 2),
    )


def test_registered_aliases_get_redirects_to_the_canonical_page():
    index, _ = build_index([report("a", "2016-01-01", ["Islamic State"])], REGISTRY, CONFIG)
    assert [(r.url, r.title, r.target_url) for r in index.redirects] == [
        ("actors/isis/", "ISIS: see Islamic State", "actors/islamic-state/"),
        ("actors/is/", "IS: see Islamic State", "actors/islamic-state/"),
        ("actors/daesh/", "Daesh: see Islamic State", "actors/islamic-state/"),
    ]


def test_alias_redirect_never_hides_a_real_entity():
    registry = load_registry({"actors": ("a.yaml", "- name: Islamic State\n  aliases: [Daesh Watch]\n")})[0]
    reports = newest_first(report("a", "2016-01-01", ["Islamic State"]), report("b", "2016-01-02", ["Daesh-Watch"]))
    index, _ = build_index(reports, registry, CONFIG)
    assert index.redirects == ()


def test_related_prefers_rare_shared_entities_and_nearby_dates():
    reports = newest_first(
        report("target", "2016-01-10", ["Rare group", "Common"]),
        report("shares-rare", "2016-01-12", ["Rare group"]),
        report("shares-common", "2016-01-11", ["Common"]),
        report("rare-but-old", "2015-01-10", ["Rare group"]),
        report("unrelated", "2016-01-10", ["Other"], regions=["Eastern"]),
        *[report(f"filler{n}", f"2016-02-{n + 1:02}", ["Common"]) for n in range(5)],
    )
    index, _ = build_index(reports, REGISTRY, CONFIG)
    related = related_reports(reports, index)
    assert [r.source for r in related["target"]][:2] == ["shares-rare", "shares-common"]
    assert [r.source for r in related["shares-rare"]][:2] == ["target", "rare-but-old"]
    assert "unrelated" not in [r.source for r in related["target"]]
    assert len(related["target"]) == 5


def related_key_after(change) -> tuple[str, str]:
    """Return the related key of a small site before and after changing its first report."""
    reports = newest_first(report("a", "2016-01-10", ["IS"]), report("b", "2016-01-11", ["IS", "Other"]))
    changed = newest_first(change(reports[-1]), *reports[:-1])
    return tuple(related_key(rs, build_index(rs, REGISTRY, CONFIG)[0]) for rs in (reports, changed))


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda r: replace(r, body_html=Markup("<p>New body</p>"), feed_html="x", summary="New"), True),
        (lambda r: replace(r, title="Retitled"), False),
        (lambda r: replace(r, actors=("Other",)), False),
        (lambda r: replace(r, date=parse_moment("2016-01-09")), False),
    ],
)
def test_related_reports_are_kept_across_builds_unless_what_they_come_from_changed(change, same):
    before, after = related_key_after(change)
    assert (before == after) is same


def test_related_reports_come_from_the_memory_when_their_key_is_there():
    reports = newest_first(
        report("a", "2016-01-10", ["IS"]), report("b", "2016-01-11", ["IS"]), report("c", "2016-01-12")
    )
    index, _ = build_index(reports, REGISTRY, CONFIG)
    kept: dict[str, object] = {}
    made = []

    def remember(key, make):
        made.append(key not in kept)
        return kept.setdefault(key, make())

    first = related_reports(reports, index, remember)
    assert related_reports(reports, index, remember) == first == related_reports(reports, index)
    assert made == [True, False] and [r.source for r in first["a"]] == ["b"]


def test_related_candidates_are_the_ten_nearest_on_each_side_in_each_entity_list():
    posting = _Posting(list(range(30)), 0.5, {n: n for n in range(30)})
    scores = _shared_weight(12, [posting, posting])
    assert sorted(scores) == [*range(2, 12), *range(13, 23)]
    assert set(scores.values()) == {1.0}
    assert _shared_weight(0, [_Posting([0, 1], 0.0, {0: 0, 1: 1})]) == {}  # named by every report


def test_related_weight_halves_ninety_days_away():
    ties = [("near",), ("far",)]
    assert _rank((1, 3.0), 0, [0, 180], ties) == (-1.0, "far")
    assert _rank((0, 3.0), 90, [90, 180], ties) == (-3.0, "near")
    assert _rank((1, 3.0), 90, [90, 180], ties) == (-1.5, "far")


@pytest.mark.parametrize("count", [1, 2])
def test_related_never_includes_itself(count):
    reports = newest_first(*[report(f"r{n}", f"2016-01-0{n + 1}", ["A"]) for n in range(count)])
    index, _ = build_index(reports, REGISTRY, CONFIG)
    related = related_reports(reports, index)
    assert all(r.source not in {x.source for x in related[r.source]} for r in reports)


def test_related_reports_on_every_core_are_those_of_one(monkeypatch):
    actors = [["A"], ["A", "B"], ["B"], ["B", "C"], ["C"], ["A", "C"], ["D"]]
    reports = newest_first(*[report(f"r{n}", f"2016-0{n % 9 + 1}-1{n % 7}", actors[n % 7]) for n in range(40)])
    index, _ = build_index(reports, REGISTRY, CONFIG)
    alone = related_reports(reports, index)
    monkeypatch.setattr(sitrep.related, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sitrep.cores, "usable_cores", lambda: 2)
    shared = related_reports(reports, index)
    assert list(shared.items()) == list(alone.items())  # the same reports, in the same order
    assert sum(len(found) for found in alone.values()) > 150


def test_index_is_linear_in_pairs():
    """10,000 reports x 500 actors: every posting list together holds exactly the (report, entity) pairs."""
    reports = newest_first(
        *[
            report(f"r{n}", f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}", [f"Actor {(n * 7 + k) % 500}" for k in range(3)])
            for n in range(10_000)
        ]
    )
    index, problems = build_index(reports, REGISTRY, CONFIG)
    assert problems == []
    assert len(index.facets["actors"]) == 500
    assert sum(e.count for e in index.facets["actors"]) == 30_000


def test_display_name_is_the_registry_s_else_the_most_used_spelling_then_a_to_z():
    assert display_name("actors", Counter({"ISIS": 3}), REGISTRY) == "Islamic State"
    assert display_name("actors", Counter({"LIBYA  DAWN": 1, "Libya Dawn": 2}), REGISTRY) == "Libya Dawn"
    assert display_name("actors", Counter({"Brak": 1, "Awbari": 1}), REGISTRY) == "Awbari"


def test_an_entity_shows_its_twelve_most_frequent_partners_and_its_months():
    actors = [f"Actor {n:02}" for n in range(14)]
    reports = newest_first(report("a", "2016-01-05", actors), report("b", "2016-03-01", actors[:2]))
    index, _ = build_index(reports, REGISTRY, CONFIG)
    first = next(e for e in index.facets["actors"] if e.ref.name == "Actor 00")
    assert [(r.name, n) for r, n in first.co_occurring["actors"]] == [("Actor 01", 2)] + [
        (f"Actor {n:02}", 1) for n in range(2, 13)
    ]
    assert first.activity == (MonthCount(2016, 1, 1), MonthCount(2016, 2, 0), MonthCount(2016, 3, 1))
    assert monthly([]) == ()


def test_an_entity_s_aliases_are_the_registered_ones_and_other_spellings_seen():
    reports = newest_first(
        report("a", "2016-01-05", ["Libya Dawn"]),
        report("b", "2016-01-06", ["Islamic State", "libya dawn"]),
        report("c", "2016-01-07", ["Libya Dawn"]),
    )
    index, _ = build_index(reports, REGISTRY, CONFIG)
    assert [(e.ref.name, e.aliases) for e in index.facets["actors"]] == [
        ("Islamic State", ("ISIS", "IS", "Daesh")),
        ("Libya Dawn", ("libya dawn",)),
    ]
