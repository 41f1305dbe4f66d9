# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of gov_report share.

``ReportTestCase`` is gov_dossier's world (agencies, users, procedure P1
of 5 working days, committed once per class) on a database where
gov_report is activated. ``june(world)`` builds, in the test's
transaction, the small province of the figures' tests: one dossier of
each kind with known dates around June 2026, whose expected figures the
tests write by hand (see JUNE's comments)."""
import datetime as dt

from trytond.pool import Pool

from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, at, local, make_dossier, reload)

JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


class ReportTestCase(ModuleDossierTestCase):
    "gov_dossier's world on a database with gov_report activated."
    module = 'gov_report'


def received(world, moment, channel='desk', agency='desk_a'):
    """A dossier of P1 received at moment (local naive datetime): an
    online one is submitted then received, the others received at once."""
    Dossier = Pool().get('gov.dossier')
    dossier = make_dossier(world, channel=channel, agency=agency)
    with at(local(*moment)):
        if channel == 'online':
            Dossier.submit([dossier])
        Dossier.receive([reload(dossier)])
    return reload(dossier)


def completed(dossier, moment, returned=None):
    """The result of a received dossier of P1 ready at moment (process,
    forward, approve), and returned at `returned` when given."""
    Dossier = Pool().get('gov.dossier')
    with at(local(*moment)):
        for method in ['process', 'forward', 'approve']:
            getattr(Dossier, method)([reload(dossier)])
    if returned:
        with at(local(*returned)):
            Dossier.done([reload(dossier)])
    dossier = reload(dossier)
    assert dossier.completed_date == local(*moment), dossier.completed_date
    return dossier


def june(world):
    """The dossiers of the figures' tests, by name. Due dates: P1 takes 5
    working days, so received on Monday 1 June → due Monday 8 June."""
    Dossier = Pool().get('gov.dossier')
    d = {}
    # District A's one-stop desk (a sub-unit of district A)
    d['carried'] = completed(received(world, (2026, 5, 20, 9)),
        (2026, 6, 3, 10), returned=(2026, 6, 4, 10))      # late, returned
    d['early'] = completed(received(world, (2026, 6, 1, 9), 'online'),
        (2026, 6, 4, 10), returned=(2026, 6, 5, 10))      # early, returned
    d['on_time'] = completed(received(world, (2026, 6, 1, 9)),
        (2026, 6, 8, 10))                                 # on time
    d['late'] = completed(received(world, (2026, 6, 1, 9), 'postal'),
        (2026, 6, 10, 10))                                # late
    d['overdue'] = received(world, (2026, 6, 10, 9))     # due 17 June
    d['in_time'] = received(world, (2026, 6, 29, 9))     # due 6 July
    d['supplement'] = make_dossier(world, channel='online')
    with at(local(2026, 6, 2, 9)):
        Dossier.submit([d['supplement']])
    with at(local(2026, 6, 3, 9)):
        Dossier.request_supplement([reload(d['supplement'])],
            reason="Thiếu bản sao")
    d['rejected'] = received(world, (2026, 6, 2, 9))
    with at(local(2026, 6, 4, 9)):
        Dossier.reject([reload(d['rejected'])], reason="Không đủ điều kiện")
    d['withdrawn'] = received(world, (2026, 6, 2, 9))
    with at(local(2026, 6, 5, 9)):
        Dossier.withdraw([reload(d['withdrawn'])], reason="Đơn rút")
    # Outside June: received in July, and a draft.
    d['july'] = received(world, (2026, 7, 1, 9))
    d['draft'] = make_dossier(world, channel='desk')
    # District B's desk: online, in progress, due 22 June.
    d['b_online'] = received(world, (2026, 6, 15, 9), 'online', 'desk_b')
    # District A itself (not its desk): due 23 June, in progress.
    d['a_direct'] = received(world, (2026, 6, 16, 9), 'desk', 'a')
    return {k: reload(v) for k, v in d.items()}
