"""Two people acting on one case at once: one wins, the other is refused with a clear message."""

import threading

import pytest
from django.db import connection, connections

from civicdesk.cases import actions
from civicdesk.cases.errors import ActionError, CaseConflict, InvalidTransition
from civicdesk.cases.models import Case, CaseEvent, CaseState


def test_stale_version_is_refused_and_names_the_winner(city, submit):
    case = actions.dispatch(submit(), city.dispatcher)
    screen_a = Case.objects.get(pk=case.pk)  # two people opened the same case
    screen_b = Case.objects.get(pk=case.pk)
    actions.redispatch(screen_a, city.dispatcher, "jtj", reason="属交通局")
    with pytest.raises(CaseConflict) as err:
        actions.accept(screen_b, city.handler)
    assert "dispatcher" in str(err.value) and "改派" in str(err.value)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.responsible_unit == city.dept2 and fresh.state == CaseState.DISPATCHED
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 0


def test_explicit_expected_version(city, submit):
    case = submit()
    with pytest.raises(CaseConflict):
        actions.dispatch(case.pk, city.dispatcher, expected_version=case.version + 5)
    dispatched = actions.dispatch(case.pk, city.dispatcher, expected_version=case.version)
    assert dispatched.version == case.version + 1


def race(case_id, attempts):
    """Runs each attempt in its own thread and database connection, started together."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait()
            outcomes[index] = attempt()
        except ActionError as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("rounds", [5])
def test_real_connections_race_one_wins(city, submit, rounds):
    """Two database connections act on the same case version; exactly one change lands each round.

    Runs on both backends: PostgreSQL locks the row (SELECT FOR UPDATE), SQLite queues writers with
    BEGIN IMMEDIATE; in both the loser re-reads the row and is refused."""
    for _ in range(rounds):
        case = actions.dispatch(submit(), city.dispatcher)
        seen = Case.objects.get(pk=case.pk)
        outcomes = race(
            case.pk,
            [
                lambda seen=seen: actions.redispatch(
                    seen, city.dispatcher, "jtj", reason="改派交通局", expected_version=seen.version
                ),
                lambda seen=seen, case=case: actions.accept(
                    case.pk, city.handler, expected_version=seen.version
                ),
            ],
        )
        winners = [o for o in outcomes if isinstance(o, Case)]
        losers = [o for o in outcomes if isinstance(o, ActionError)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert isinstance(losers[0], CaseConflict)
        fresh = Case.objects.get(pk=case.pk)
        assert fresh.version == seen.version + 1
        assert CaseEvent.objects.filter(case=case).count() == 3  # receive, dispatch, the winner


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_race_without_version_loser_sees_new_state(city, submit):
    """Two handlers press "accept" at the same moment without a version: one accepts, the other is told."""
    case = actions.dispatch(submit(), city.dispatcher)
    outcomes = race(
        case.pk, [lambda: actions.accept(case.pk, city.handler), lambda: actions.accept(case.pk, city.leader)]
    )
    assert sum(isinstance(o, Case) for o in outcomes) == 1
    refusal = next(o for o in outcomes if isinstance(o, ActionError))
    assert isinstance(refusal, InvalidTransition) and "办理中" in str(refusal)
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_case_numbers_unique_under_parallel_intake(city, submit):
    outcomes = race(None, [lambda i=i: submit(phone=f"1390000{i:04d}") for i in range(6)])
    numbers = [o.number for o in outcomes]
    assert len(set(numbers)) == 6, numbers


def test_backend_under_test():
    assert connection.vendor in ("sqlite", "postgresql")
