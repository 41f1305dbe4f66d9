# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of gov_feedback share.

``FeedbackTestCase`` is gov_dossier's DossierTestCase (the world of
``dossier_fixtures``: agencies, users, procedure P1, committed once per
class) on a database where gov_feedback is activated, dropped afterwards.
``at(moment)`` freezes the feedback's clock as dossier_fixtures.at does
the dossiers'."""
from contextlib import contextmanager
from unittest.mock import patch

from trytond.pool import Pool

from gov_dossier.tests import dossier_fixtures
from gov_dossier.tests.dossier_fixtures import ModuleDossierTestCase

MODULE = 'gov_feedback'
# Monday 3 March 2025, 9:00 in Đắk Nông; Friday 7 March the same week.
MONDAY = dossier_fixtures.local(2025, 3, 3, 9, 0)
FRIDAY = dossier_fixtures.local(2025, 3, 7, 9, 0)


@contextmanager
def at(moment):
    "Freeze the clocks of feedback and dossiers at moment (naive UTC)."
    Feedback = Pool().get('gov.feedback')
    with patch.object(Feedback, '_now', classmethod(lambda cls: moment)), \
            dossier_fixtures.at(moment):
        yield


class FeedbackTestCase(ModuleDossierTestCase):
    "DossierTestCase with gov_feedback activated on a database of its own."
    module = MODULE


def make_feedback(world=None, moment=MONDAY, **values):
    "A feedback entered by staff (as root) at moment."
    Feedback = Pool().get('gov.feedback')
    values = dict({
            'kind': 'feedback',
            'channel': 'phone',
            'sender_name': "Trần Văn Hùng",
            'sender_phone': '0905 123 456',
            'title': "Thời gian giải quyết quá lâu",
            'content': "Tôi nộp hồ sơ đã lâu mà chưa có kết quả.",
            }, **values)
    with at(moment):
        feedback, = Feedback.create([values])
    return feedback


def submitted_dossier(world, web_user, moment=MONDAY):
    "A dossier of web_user, submitted and received (it has a code)."
    Dossier = Pool().get('gov.dossier')
    dossier = dossier_fixtures.make_dossier(world, web_user=web_user.id)
    with dossier_fixtures.at(moment):
        Dossier.submit([dossier])
    return Dossier(dossier.id)
