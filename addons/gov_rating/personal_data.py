# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A citizen's ratings in "Dữ liệu của tôi" (R-SEC-5), through
gov_portal's extension point web.user.personal_data()."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from gov_portal.personal_data import rows

RATING_FIELDS = ['dossier', 'procedure', 'agency', 'channel', 'overall',
    'convenience', 'timeliness', 'attitude', 'comment', 'rated_at',
    'changed_at']


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    def personal_data(self):
        Rating = Pool().get('gov.rating')
        sections = super().personal_data()
        with without_check_access():
            ratings = Rating.search([('web_user', '=', self.id)],
                order=[('rated_at', 'ASC'), ('id', 'ASC')])
            sections.append(('ratings', 'gov.rating',
                    rows(ratings, RATING_FIELDS)))
        return sections
