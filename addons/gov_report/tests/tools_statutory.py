# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of the statutory reports and of form 07 share: the
module's database with gov_dossier's world, and a small hand-built set of
dossiers around the six-monthly period 2026 (15/12/2025–14/06/2026) whose
figures the tests write by hand (see semester_2026)."""
import datetime as dt
import io

from trytond.pool import Pool

from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, at, local, make_dossier, reload)

SEMESTER_2026 = (dt.date(2025, 12, 15), dt.date(2026, 6, 14))


class StatutoryTestCase(ModuleDossierTestCase):
    "gov_dossier's world on a database with gov_report activated."
    module = 'gov_report'


def received(world, moment, channel='desk', agency='desk_a'):
    """A dossier of P1 received at moment (local wall-clock tuple): an
    online one is submitted first, the others received at once."""
    Dossier = Pool().get('gov.dossier')
    dossier = make_dossier(world, channel=channel, agency=agency)
    with at(local(*moment)):
        if channel == 'online':
            Dossier.submit([dossier])
        Dossier.receive([reload(dossier)])
    return reload(dossier)


def completed(dossier, moment, returned=None):
    "The result ready at moment (and returned at `returned`)."
    Dossier = Pool().get('gov.dossier')
    with at(local(*moment)):
        for method in ['process', 'forward', 'approve']:
            getattr(Dossier, method)([reload(dossier)])
    if returned:
        with at(local(*returned)):
            Dossier.done([reload(dossier)])
    return reload(dossier)


def on_due_day(dossier):
    "Complete a received dossier at 10:00 on its due day (on time)."
    due = dossier.due_date
    return completed(dossier, (due.year, due.month, due.day, 10))


def semester_2026(world):
    """The dossiers, by name. District A (its desk) in the period:
    carried over 1 (received 01/12/2025, never finished: overdue at the
    end), received 4 (online 1, desk 2, post 1), resolved 3 (early 1,
    on time 1, late 1), in progress at the end 2 (1 within its due date,
    the carried one overdue). District B: 1 received at the desk, still
    open and overdue at the end. 'old' was done before the period: it
    counts nowhere."""
    d = {}
    d['old'] = completed(received(world, (2025, 11, 3, 9)),
        (2025, 11, 5, 10), returned=(2025, 11, 6, 9))
    d['carried'] = received(world, (2025, 12, 1, 9))
    d['early'] = completed(received(world, (2026, 3, 2, 9), 'online'),
        (2026, 3, 4, 10), returned=(2026, 3, 5, 10))
    d['late'] = completed(received(world, (2026, 3, 2, 9), 'postal'),
        (2026, 3, 16, 10))
    d['on_time'] = on_due_day(received(world, (2026, 5, 11, 9)))
    d['in_time'] = received(world, (2026, 6, 11, 9))
    d['b'] = received(world, (2026, 3, 2, 9), agency='desk_b')
    return d


def read_xlsx(data):
    "The workbook (formulas as written) and its first sheet."
    import openpyxl
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook, workbook.worksheets[0]


def pdf_text(data):
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    return '\n'.join(page.extract_text() for page in reader.pages)


def make_leader_b(world):
    "A leader of district B (the world has none), in the transaction."
    pool = Pool()
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    user = User(login='leader_b', name='leader_b',
        groups=[ModelData.get_id('gov_agency', 'group_leader')])
    user.save()
    Officer.create([{'user': user.id, 'agency': world['b'].id,
                'head': True}])
    return user
