"""What a department may read of its evaluations (:mod:`spotcheck.tenants.supervision.evaluation_figures`): the
periods of a year decided in the order they end, each shown only once ended, over five, with nothing under five
left by a subtraction of the periods shown, and no average over evaluations all of one score — decisions that never
change once made."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings, strategies as st

from spotcheck.tenants.supervision.evaluation_figures import ORDER, Tally, disclose, quarters_of
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import EVALUATIONS_WITHHELD as WITHHELD

YEAR = 2026
PERIODS = [Period(YEAR, kind, number) for kind, number in ORDER]


def tally(*scores: int) -> Tally:
    return Tally(len(scores), sum(scores), min(scores, default=None), max(scores, default=None))


def ended_by(quarter: int):
    """The periods ended once quarter ``quarter`` of the year has (0: none)."""
    return lambda period: max(quarters_of(period)) <= quarter


EVERY = ended_by(4)


def test_a_period_shows_once_ended_and_over_five():
    found = disclose(YEAR, {1: tally(5, 4, 4, 3, 5), 2: tally(3, 3, 3, 3)}, ended_by(1))
    assert (found["2026Q1"].count, found["2026Q1"].average) == (5, 4.2)
    assert found["2026Q2"].count is None and found["2026Q2"].withheld == WITHHELD["running"]
    found = disclose(YEAR, {1: tally(5, 4, 4, 3)}, EVERY)
    assert found["2026Q1"].count is None and found["2026Q1"].withheld == WITHHELD["fewer"]


def test_a_half_year_that_a_shown_quarter_would_leave_under_five_is_withheld_saying_so():
    found = disclose(YEAR, {1: tally(5, 4, 4, 3, 5), 2: tally(2)}, EVERY)
    assert found["2026Q1"].count == 5
    assert found["2026H1"].count is None and found["2026H1"].withheld == WITHHELD["subtracted"]  # 6 of its own
    assert found["2026Q2"].withheld == WITHHELD["fewer"]
    assert found["2026"].withheld == WITHHELD["subtracted"]  # the year less Q1 is one too


def test_a_year_is_withheld_when_it_less_a_half_and_a_quarter_leaves_under_five():
    # H1 (6) and Q3 (5) shown: the year (13) less both would tell Q4's two
    found = disclose(YEAR, {1: tally(3, 4, 5), 2: tally(4, 4, 2), 3: tally(1, 2, 3, 4, 5), 4: tally(5, 5)}, EVERY)
    assert [found[code].count for code in ("2026Q1", "2026H1", "2026Q2", "2026Q3")] == [None, 6, None, 5]
    assert found["2026"].withheld == found["2026H2"].withheld == WITHHELD["subtracted"]
    assert found["2026Q4"].withheld == WITHHELD["fewer"]


def test_the_average_of_evaluations_all_of_one_score_is_not_shown_only_their_count():
    found = disclose(YEAR, {1: tally(4, 4, 4, 4, 4), 2: tally(5, 4, 3, 2, 1)}, EVERY)
    assert (found["2026Q1"].count, found["2026Q1"].average, found["2026Q1"].average_withheld) == (
        5,
        None,
        WITHHELD["same"],
    )
    assert (found["2026H1"].count, found["2026H1"].average) == (10, 3.5)  # Q1's scores are not told by it
    # Q2's average with H1's would tell Q1's: H1 less Q2, all fours
    assert (found["2026Q2"].count, found["2026Q2"].average_withheld) == (5, WITHHELD["same_subtracted"])


def _disjoint_inside(member: frozenset, family: list[frozenset]):
    """Every set of pairwise disjoint members of ``family`` strictly inside ``member``."""
    inside = [other for other in family if other < member]
    for size in range(len(inside) + 1):
        for chosen in combinations(inside, size):
            if all(not a & b for a, b in combinations(chosen, 2)):
                yield frozenset().union(*chosen)


def _sum(tallies, quarters) -> Tally:
    found = Tally()
    for quarter in quarters:
        found = found + tallies.get(quarter, Tally())
    return found


scores = st.lists(st.integers(min_value=1, max_value=5), max_size=9)
years = st.fixed_dictionaries({q: scores.map(lambda s: tally(*s)) for q in (1, 2, 3, 4)})


@settings(max_examples=300, deadline=None)
@given(years)
def test_no_count_shown_leaves_under_five_by_subtraction_and_no_average_tells_a_score(tallies):
    found = disclose(YEAR, tallies, EVERY)
    shown = [quarters_of(p) for p in PERIODS if found[p.code].count is not None]
    averaged = [quarters_of(p) for p in PERIODS if found[p.code].average is not None]
    for period in PERIODS:
        if found[period.code].count is not None:
            assert found[period.code].count == _sum(tallies, quarters_of(period)).count >= 5
    for member in shown:  # whatever a department subtracts from a count shown: none, or five and more
        for taken in _disjoint_inside(member, shown):
            assert not 0 < _sum(tallies, member - taken).count < 5, (member, taken)
    for member in averaged:  # whatever it subtracts from a sum shown: never evaluations all of one score
        for taken in _disjoint_inside(member, averaged):
            assert not _sum(tallies, member - taken).uniform, (member, taken)


@settings(max_examples=300, deadline=None)
@given(years)
def test_a_decision_once_made_never_changes_as_the_year_goes_on(tallies):
    final = disclose(YEAR, tallies, EVERY)
    for quarter in (1, 2, 3):
        ended = ended_by(quarter)
        known = {q: t for q, t in tallies.items() if q <= quarter}  # what exists of the year by then
        then = disclose(YEAR, known, ended)
        for period in PERIODS:
            if ended(period):
                assert then[period.code] == final[period.code], (quarter, period.code)
            else:
                assert then[period.code].withheld == WITHHELD["running"]
