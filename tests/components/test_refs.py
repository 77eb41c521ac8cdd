"""components.refs: a name resolves exactly or is refused with the nearest names; near misses never match."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.refs import UnresolvedNameError, lookalike, nearest, resolve, unresolved, why_not

REGIONS = ["eastus", "eastus2", "swedencentral", "westeurope", "francecentral"]


def test_an_exact_name_resolves_and_nothing_else_does():
    assert resolve("eastus2", REGIONS, "f.json:3", "region") == "eastus2"
    assert unresolved("eastus2", REGIONS, "region") is None
    for miss in ("eastus2 ", " eastus2", "EastUS2", "eastus2\u200b", "\uff45astus2", "\u0435astus2", "eastsu2"):
        with pytest.raises(UnresolvedNameError) as caught:
            resolve(miss, REGIONS, "f.json:3", "region")
        (line,) = caught.value.lines()
        assert line.startswith("f.json:3: unknown region ") and "did you mean 'eastus2'" in line


def test_the_message_says_why_a_near_miss_misses():
    assert why_not("eastus2 ", REGIONS) == "has whitespace around it"
    assert why_not("EastUS2", REGIONS) == "differs in case"
    assert why_not(" EastUS2", REGIONS) == "differs in case and whitespace"
    assert why_not("\u0435astus2", REGIONS) == "has look-alike or invisible characters"  # Cyrillic e
    assert why_not("east\u200bus2", REGIONS) == "has look-alike or invisible characters"  # zero-width space
    assert why_not("eastsu2", REGIONS) == ""  # a typo resembles, but is not the same name
    assert why_not("eastus2", REGIONS) == ""  # a valid name misses nothing
    assert "(has whitespace around it; names must match exactly)" in unresolved("eastus2 ", REGIONS, "region")


def test_nearest_puts_the_same_name_in_other_case_first_and_caps_the_list():
    assert nearest("EASTUS", REGIONS)[0] == "eastus"
    assert len(nearest("east", REGIONS)) <= 3
    same = ["eastus", "EastUS", "EASTUS ", "eastUS", "eastus2"]
    assert nearest("EASTUS", same) == ["EASTUS ", "EastUS", "eastUS"]  # at most three, even of the same name
    assert nearest("x" * 1000, REGIONS) == []  # no name is this long: not compared
    assert nearest("eastus2" + " " * 194, REGIONS) == []  # not even one that only pads a valid name


def test_with_nothing_near_it_lists_a_few_known_names_and_the_fix():
    message = unresolved("atlantis", [f"r{i}" for i in range(20)], "region", "use a catalog region")
    assert message == (
        "unknown region 'atlantis'; known: r0, r1, r10, r11, r12 and 15 more; use a catalog region"
    )
    assert unresolved(3, REGIONS, "region").startswith("unknown region 3; known:")  # not text: never a name


def test_an_open_set_refuses_near_misses_only():
    filters = ["Microsoft.DefaultV2", "strict-eu"]
    assert lookalike("team-filter", filters, "content filter") is None  # may be a filter the stack adds later
    assert lookalike("strictest", filters, "content filter") is None  # like strict-eu, but not a near miss
    assert lookalike("stricter-au", filters, "content filter") is not None  # one that is
    assert lookalike("strict-eu", filters, "content filter") is None
    for miss in ("Strict-EU", "strict-eu ", "strict-ue", "microsoft.defaultv2", "Microsoft.DefaultV2\u200b"):
        assert lookalike(miss, filters, "content filter") is not None, miss
    assert lookalike("strict-ue", filters, "usage name", cutoff=1.0) is None  # only case, space, look-alikes


NAME = st.sampled_from(REGIONS)
EDIT = st.sampled_from(["upper", "title", "space", "tab", "zero-width", "fullwidth", "cyrillic", "drop", "swap"])


def near_miss(name: str, edit: str, at: int) -> str:
    """`name` changed the way a person or a hostile pull request would change it, at position `at`."""
    at = at % len(name)
    if edit == "upper":
        return name.upper()
    if edit == "title":
        return name.title()
    if edit in ("space", "tab"):
        pad = " " if edit == "space" else "\t"
        return name + pad if at % 2 else pad + name
    if edit == "zero-width":
        return name[:at] + "\u200b" + name[at:]
    if edit == "fullwidth":
        return name[:at] + chr(ord(name[at]) + 0xFEE0) + name[at + 1 :] if name[at].isalnum() else name.upper()
    if edit == "cyrillic":
        table = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"}
        spot = next((i for i, c in enumerate(name) if c in table), None)
        return name.upper() if spot is None else name[:spot] + table[name[spot]] + name[spot + 1 :]
    if edit == "drop":
        return name[:at] + name[at + 1 :]
    return name[:at] + name[at + 1 : at + 2] + name[at] + name[at + 2 :] if at + 1 < len(name) else name + name[-1]


@given(NAME, EDIT, st.integers(min_value=0, max_value=50))
def test_no_near_miss_of_a_valid_name_resolves(name, edit, at):
    miss = near_miss(name, edit, at)
    if miss in REGIONS:
        return  # an edit that lands on another valid name is that name (e.g. eastus2 -> eastus)
    message = unresolved(miss, REGIONS, "region")
    assert message is not None and message.startswith("unknown region")
    assert lookalike(miss, REGIONS, "region") is not None or edit in ("drop", "swap")
