# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public Q&A (Hỏi đáp, QĐ 04/2019 Điều 30.2.c; R-FB-1, R-SEC-2).

An answered feedback whose sender agreed to publication is published by an
officer after writing the question and the answer as the public reads them
(published_question, published_answer: reviewed texts without personal
data — publish refuses texts that still hold the sender's name, phone,
e-mail or dossier code). The public reads only these reviewed fields,
through public_qa() and search_qa(): never the feedback itself. The search
ignores case and diacritics as the catalogue's does (gov_procedure's
normalize)."""
import re

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from gov_procedure.catalogue import normalize

from .exceptions import PublicationError

_DIGITS = re.compile(r'\d')


class PublicationMixin:
    "The Q&A publication of gov.feedback."
    __slots__ = ()

    published_question = fields.Text("Published Question",
        states={'readonly': Eval('published', False)},
        help="The question as the public reads it: no name, phone, e-mail, "
        "address or dossier code.")
    published_answer = fields.Text("Published Answer",
        states={'readonly': Eval('published', False)})
    published = fields.Boolean("Published", readonly=True)
    published_by = fields.Many2One('res.user', "Published By",
        readonly=True, ondelete='RESTRICT')
    published_date = fields.DateTime("Published At", readonly=True)
    slug = fields.Char("Address in the Q&A", readonly=True)
    qa_search_text = fields.Char("Q&A Search Text", readonly=True)

    @classmethod
    def default_published(cls):
        return False

    def personal_data(self):
        "The sender's data that must not appear in the published texts."
        values = [self.sender_name, self.sender_email]
        if self.sender_phone:
            values.append(''.join(_DIGITS.findall(self.sender_phone)))
        if self.dossier and self.dossier.code:
            values.append(self.dossier.code)
        if self.web_user and self.web_user.party:
            values.append(self.web_user.party.name)
        return [v for v in values if v and len(v) >= 4]

    def check_publishable(self):
        if not self.publication_consent:
            raise PublicationError(gettext(
                    'gov_feedback.msg_publish_consent',
                    feedback=self.rec_name))
        if self.state not in {'answered', 'closed'} or self.out_of_scope:
            raise PublicationError(gettext(
                    'gov_feedback.msg_publish_answered',
                    feedback=self.rec_name))
        question = (self.published_question or '').strip()
        answer = (self.published_answer or '').strip()
        if not question or not answer:
            raise PublicationError(gettext(
                    'gov_feedback.msg_publish_reviewed',
                    feedback=self.rec_name))
        text = question + '\n' + answer
        compact = ''.join(_DIGITS.findall(text))
        for value in self.personal_data():
            found = (value in compact if value.isdigit()
                else value.lower() in text.lower())
            if found:
                raise PublicationError(gettext(
                        'gov_feedback.msg_publish_personal',
                        feedback=self.rec_name))

    @classmethod
    @ModelView.button
    def publish(cls, feedbacks):
        "Publish the reviewed question and answer in the Q&A."
        History = Pool().get('gov.feedback.history')
        cls._check_acting(feedbacks)
        for feedback in feedbacks:
            feedback.check_publishable()
            words = normalize(feedback.published_question).split()[:10]
            cls._write([feedback], {
                    'published': True,
                    'published_by': Transaction().user or None,
                    'published_date': cls._now(),
                    'slug': '-'.join([str(feedback.id)] + words)[:120],
                    'qa_search_text': ' | '.join(normalize(t) for t in [
                            feedback.published_question,
                            feedback.published_answer]),
                    })
            History.add([feedback], 'published', feedback.state,
                feedback.state)

    @classmethod
    @ModelView.button
    def unpublish(cls, feedbacks):
        "Withdraw from the Q&A (the reviewed texts may then be edited)."
        History = Pool().get('gov.feedback.history')
        cls._check_acting(feedbacks)
        published = [f for f in feedbacks if f.published]
        cls._write(published, {'published': False})
        for feedback in published:
            History.add([feedback], 'unpublished', feedback.state,
                feedback.state)

    # --------------------------------------------------------- the public

    @classmethod
    def _qa_view(cls, feedback):
        "What the public reads of a published item: reviewed fields only."
        sector = feedback.sector
        return {
            'id': feedback.id,
            'slug': feedback.slug,
            'question': feedback.published_question,
            'answer': feedback.published_answer,
            'agency': feedback.agency.name if feedback.agency else '',
            'sector': sector.name if sector else '',
            'procedure': (feedback.procedure.name
                if feedback.procedure else ''),
            'date': feedback.published_date,
            'answered_date': feedback.answered_date,
            }

    @classmethod
    def search_qa(cls, text=None, sector=None, agency=None, offset=0,
            limit=20):
        """(views, count) of the published items matching every word of
        text with or without diacritics, of a sector and an agency (ids),
        the latest first."""
        domain = [('published', '=', True)]
        for word in normalize(text).split()[:10]:
            domain.append(['OR',
                    ('qa_search_text', 'like', f'{word}%'),
                    ('qa_search_text', 'like', f'% {word}%'),
                    ])
        if sector:
            domain.append(('sector', '=', int(sector)))
        if agency:
            domain.append(('agency', '=', int(agency)))
        count = cls.search_count(domain)
        feedbacks = cls.search(domain, offset=offset, limit=limit,
            order=[('published_date', 'DESC'), ('id', 'DESC')])
        return [cls._qa_view(f) for f in feedbacks], count

    @classmethod
    def public_qa(cls, key):
        "The view of a published item by its id or its slug, else None."
        match = re.match(r'^(\d{1,12})(?:-|$)', str(key or ''))
        if not match:
            return None
        feedbacks = cls.search([
                ('id', '=', int(match.group(1))),
                ('published', '=', True),
                ], limit=1)
        return cls._qa_view(feedbacks[0]) if feedbacks else None

    @classmethod
    def qa_filters(cls):
        """The sectors and agencies of published items, for the filters:
        ([(id, name)], [(id, name)])."""
        feedbacks = cls.search([('published', '=', True)])
        sectors, agencies = {}, {}
        for feedback in feedbacks:
            if feedback.sector:
                sectors[feedback.sector.id] = feedback.sector.name
            if feedback.agency:
                agencies[feedback.agency.id] = feedback.agency.name
        return (sorted(sectors.items(), key=lambda i: i[1]),
            sorted(agencies.items(), key=lambda i: i[1]))
