"""components/text.py: messages quote bounded text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from components.text import counted, listing


def test_up_to_the_limit_every_name_is_listed():
    assert listing(["a", "b", "c", "d", "e"]) == "a, b, c, d, e"


def test_past_the_limit_a_few_names_then_how_many_more():
    assert listing([f"m{i}" for i in range(20_000)]) == "m0, m1, m2, m3, m4 and 19995 more"
    assert listing(["a", "b", "c"], limit=2) == "a, b and 1 more"


def test_an_empty_list_says_so():
    assert listing([]) == "none"
    assert listing([], empty="empty") == "empty"


def test_each_name_is_cut_short():
    assert listing(["x" * 10_000]) == "x" * 60 + "..."


@given(st.lists(st.text(max_size=500), max_size=300))
def test_the_listing_is_bounded_whatever_the_names(names):
    assert len(listing(names)) <= 5 * (63 + 2) + len(" and 300 more")


def test_a_count_of_one_is_singular_and_any_other_plural():
    assert [counted(n, "day") for n in (0, 1, 2, -1)] == ["0 days", "1 day", "2 days", "-1 days"]
    assert counted(2.5, "more unit") == "2.5 more units"


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_a_count_is_written_whole_never_in_exponent_form(count):
    assert counted(count, "unit").split(" ")[0] == str(count)


def test_one_line_escapes_characters_that_do_not_print_so_a_quoted_answer_cannot_drive_the_terminal():
    from components.text import one_line

    assert one_line("boom\n\x1b[31mforged line\x00 \u200b!") == "boom \\x1b[31mforged line\\x00 \\u200b!"
