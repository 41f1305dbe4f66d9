# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of gov_rating share.

``RatingTestCase`` is gov_fee's FeeTestCase (gov_dossier's world:
agencies, users, procedure P1, committed once per class) on a database
where gov_rating is activated. ``finished`` makes a dossier done (or
rejected) to rate; ``rated_at`` freezes the rating's clock."""
import itertools
from contextlib import contextmanager
from unittest.mock import patch

from trytond.pool import Pool

from gov_dossier.tests.dossier_fixtures import make_web_user, reload
from gov_fee.tests.tools import FeeTestCase, to_result_ready

VERY = 'very_satisfied'
SATISFIED = 'satisfied'
UNSATISFIED = 'unsatisfied'
_EMAILS = itertools.count(1)


class RatingTestCase(FeeTestCase):
    "FeeTestCase with gov_rating activated."
    module = 'gov_rating'

    def finished(self, world, state='done', email=None, **values):
        """A dossier of P1 submitted online by a new portal account (or
        email's), taken to state: 'done' (result returned) or 'rejected'."""
        Dossier = Pool().get('gov.dossier')
        web_user = make_web_user(email or f'citizen{next(_EMAILS)}@example.vn')
        dossier = self.submitted(world, web_user=web_user.id, **values)
        if state == 'rejected':
            Dossier.reject([dossier], reason="Hồ sơ không đủ điều kiện")
        elif state == 'done':
            Dossier.done([to_result_ready(dossier)])
        return reload(dossier)


@contextmanager
def rated_at(moment):
    "Freeze the ratings' clock (Rating._now) at moment (naive UTC)."
    Rating = Pool().get('gov.rating')
    with patch.object(Rating, '_now', classmethod(lambda cls: moment)):
        yield


def form(overall, convenience='', timeliness='', attitude='', comment=''):
    "The values of a rating form."
    return {'overall': overall, 'convenience': convenience,
        'timeliness': timeliness, 'attitude': attitude, 'comment': comment}
