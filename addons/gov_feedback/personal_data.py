# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A citizen's feedback in "Dữ liệu của tôi" (R-SEC-5), through
gov_portal's extension point web.user.personal_data(): what she sent and
the answers, not the officers' internal notes."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from gov_portal.personal_data import rows

FEEDBACK_FIELDS = ['code', 'kind', 'channel', 'sender_name',
    'sender_phone', 'sender_email', 'procedure', 'subject_agency',
    'dossier', 'title', 'content', 'publication_consent', 'agency',
    'received_date', 'due_date', 'state', 'answer', 'answered_date',
    'reopened', 'reopen_reason']


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    def personal_data(self):
        Feedback = Pool().get('gov.feedback')
        sections = super().personal_data()
        with without_check_access():
            feedback = Feedback.search([('web_user', '=', self.id)],
                order=[('received_date', 'ASC'), ('id', 'ASC')])
            section = rows(feedback, FEEDBACK_FIELDS)
            for row, item in zip(section, feedback):
                row['attachments'] = [a.rec_name for a in item.attachments]
            sections.append(('feedback', 'gov.feedback', section))
        return sections
