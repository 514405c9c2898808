from __future__ import annotations

from sitrep.entities import load_registry


def test_an_empty_registry_file_holds_no_entity_and_no_problem():
    registry, problems = load_registry({"actors": ("actors.yaml", ""), "locations": ("locations.yaml", "# none\n")})
    assert (registry.entities, problems) == ({"actors": (), "locations": ()}, [])


def test_a_registry_file_that_is_not_a_list_is_one_error():
    _, problems = load_registry({"actors": ("actors.yaml", "# the actors\nname: Islamic State\n")})
    assert [p.format() for p in problems] == [
        "actors.yaml:2: expected a list of entities (start each with '- name: ...')"
    ]


def test_lon_takes_minus_180_to_180():
    text = "- name: A\n  lat: 0\n  lon: -180\n- name: B\n  lat: 0\n  lon: 180\n- name: C\n  lat: 0\n  lon: -180.5\n"
    registry, problems = load_registry({"locations": ("l.yaml", text + "- name: D\n  lat: 0\n  lon: 180.5\n")})
    assert [p.format() for p in problems] == [
        "l.yaml:9: lon -180.5 is outside -180 to 180",
        "l.yaml:12: lon 180.5 is outside -180 to 180",
    ]
    assert [(e.name, e.lon) for e in registry.entities["locations"]] == [("A", -180.0), ("B", 180.0)]


def test_a_name_used_twice_is_refused_at_the_line_of_the_name():
    _, problems = load_registry({"actors": ("a.yaml", "- name: A\n- kind: group\n  name: a\n")})
    assert [p.format() for p in problems] == ["a.yaml:3: 'a' is already a name or alias of 'A'"]


def test_an_alias_given_as_one_name_is_refused_at_its_line():
    _, problems = load_registry({"actors": ("a.yaml", "- name: X\n- name: A\n  aliases: x\n")})
    assert [p.format() for p in problems] == ["a.yaml:3: 'x' is already a name or alias of 'X'"]


def test_an_entry_with_a_value_yaml_cannot_make_is_that_one_error_and_no_entity():
    text = "- name: A\n  aliases: !custom x\n- name: B\n  aliases: !!set {b, c}\n- name: C\n"
    registry, problems = load_registry({"actors": ("a.yaml", text)})  # aliases: !custom x raised TypeError
    assert [p.format() for p in problems] == [
        "a.yaml:2: invalid YAML value 'x': could not determine a constructor for the tag '!custom'",
        "a.yaml:4: invalid YAML value: a list or mapping tagged '!!set' (remove the tag)",
    ]
    assert [e.name for e in registry.entities["actors"]] == ["C"]


def test_a_lat_yaml_cannot_make_is_one_error_not_also_a_missing_lon():
    text = "- name: Y\n  lat: !x a\n  lon: 1\n"
    _, problems = load_registry({"locations": ("l.yaml", text)})  # 'give both lat and lon, or neither' came too
    assert [p.format() for p in problems] == [
        "l.yaml:2: invalid YAML value 'a': could not determine a constructor for the tag '!x'"
    ]
