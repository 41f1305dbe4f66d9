# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's rating of the service she received (R-RATE-1; QĐ
04/2019, Điều 14).

One rating per dossier: the overall rating on three levels (Rất hài lòng,
Hài lòng, Chưa hài lòng) and, optionally, the three details of Điều 14.2.b
on the same levels — convenience (easy to use, fast), on-time handling and
results, staff attitude — with a comment.

The rules live here, once, for the three ways in:

- ``rate_as_owner(dossier, web_user, values)``: the portal ("Hồ sơ của
  tôi"): the dossier's own account only;
- ``rate_with_token(token, values)``: the link of the result notification
  (a random token of the dossier, ``dossier.py``);
- ``rate_with_pin(code, pin, values)``: the kiosk of the one-stop desk,
  with the dossier's code and PIN, checked and locked after wrong PINs by
  gov_dossier's lookup (``Dossier.lookup_facts``);

all through ``rate(dossier, values, channel, web_user)``: only a dossier
``done`` or ``rejected``; given once, changeable during the configured
period (``gov.rating.configuration``, 7 days) after it was first given,
then refused; texts within bounds (gov_procedure's TextBoundsMixin). A
"Chưa hài lòng" overall rating opens a follow-up for the agency's leader
(``followup.py``). Nobody writes a rating through RPC."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

from gov_procedure.bounds import TextBoundsMixin

from .aggregate import RatingAggregateMixin
from .exceptions import RatingAccessError, RatingError, RatingValidationError
from .levels import CRITERIA, DETAILS, LEVEL_KEYS, LEVELS

CHANNELS = [
    ('portal', "Portal: My Dossiers"),
    ('notification', "Link of the Result Notification"),
    ('kiosk', "Kiosk of the One-Stop Desk"),
    ]
# A dossier whose handling is over: the result was returned, or the
# dossier was refused (the citizen rates that service too).
RATABLE_STATES = {'done', 'rejected'}
COMMENT_SIZE = 2000


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Rating(RatingAggregateMixin, TextBoundsMixin, ModelSQL, ModelView):
    "A citizen's satisfaction rating of the service of one dossier."
    __name__ = 'gov.rating'
    __string__ = "Satisfaction Rating"
    _text_bounds = {'comment': (COMMENT_SIZE, True)}

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, readonly=True,
        ondelete='CASCADE')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT',
        help="The dossier's agency, kept for the statistics.")
    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, readonly=True,
        ondelete='RESTRICT',
        help="The dossier's procedure, kept for the statistics.")
    web_user = fields.Many2One(
        'web.user', "Portal Account", readonly=True, ondelete='SET NULL',
        help="The account that rated; empty at the kiosk.")
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, readonly=True, sort=False)
    overall = fields.Selection(
        LEVELS, "Overall Rating", required=True, readonly=True, sort=False)
    convenience = fields.Selection(
        [(None, '')] + LEVELS, "Convenience", readonly=True, sort=False,
        help="Easy to use, quick transactions and handling.")
    timeliness = fields.Selection(
        [(None, '')] + LEVELS, "On-Time Handling and Results",
        readonly=True, sort=False)
    attitude = fields.Selection(
        [(None, '')] + LEVELS, "Staff Attitude", readonly=True, sort=False,
        help="Support, dedication and speed of the civil servants.")
    comment = fields.Text("Comment", readonly=True)
    rated_at = fields.DateTime("Rated At", required=True, readonly=True)
    changed_at = fields.DateTime("Changed At", readonly=True)
    followups = fields.One2Many(
        'gov.rating.followup', 'rating', "Follow-ups", readonly=True)

    def get_rec_name(self, name):
        return self.dossier.rec_name if self.dossier else str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name',) + tuple(clause[1:])]

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('dossier_uniq', Unique(t, t.dossier),
                'gov_rating.msg_rating_dossier_unique'),
            ]
        # The levels included: the results since the nightly tally are
        # counted from the index alone (aggregate.py).
        levels = [t.overall, t.convenience, t.timeliness, t.attitude]
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality()),
                    (t.rated_at, Index.Range()), include=levels),
                Index(t, (t.procedure, Index.Equality()),
                    (t.rated_at, Index.Range()), include=levels),
                })
        cls._order = [('rated_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _now(cls):
        "The rating's clock (naive UTC); tests freeze it."
        return utcnow()

    # ------------------------------------------------------------ access
    @classmethod
    def check_modification(cls, mode, ratings, values=None, external=False):
        """Only the citizen gives or changes a rating, through the methods
        below (portal, notification link, kiosk): no back-office user,
        whatever the role, creates, edits or deletes one (R-AG-3)."""
        super().check_modification(
            mode, ratings, values=values, external=external)
        if external:
            raise RatingAccessError(gettext('gov_rating.msg_rating_rpc'))

    # ------------------------------------------------------------- rules
    @classmethod
    def change_days(cls):
        return Pool().get('gov.rating.configuration').get_change_days()

    def change_until(self):
        "Until when (naive UTC) the rating may be changed."
        return self.rated_at + dt.timedelta(days=self.change_days())

    def changeable(self, now=None):
        return (now or self._now()) <= self.change_until()

    @classmethod
    def of_dossier(cls, dossier):
        "The dossier's rating, or None."
        with without_check_access():
            ratings = cls.search([('dossier', '=', int(dossier))], limit=1)
        return ratings[0] if ratings else None

    @classmethod
    def form_errors(cls, values):
        """{field name: message} of the values of a rating form not saved
        yet (the portal shows them next to the fields): the overall rating
        is one of the three levels, a detail one of them or empty, the
        comment within its bounds."""
        errors = {}
        if values.get('overall') not in LEVEL_KEYS:
            errors['overall'] = gettext('gov_rating.msg_rating_overall')
        for name in DETAILS:
            if values.get(name) and values[name] not in LEVEL_KEYS:
                errors[name] = gettext('gov_rating.msg_rating_level',
                    field=cls.__names__(name)['field'])
        errors.update(cls.text_errors({'comment': values.get('comment')}))
        return errors

    @classmethod
    def _clean(cls, values):
        result = {n: (values.get(n) or None) for n in CRITERIA}
        comment = (values.get('comment') or '').strip()
        result['comment'] = comment or None
        return result

    @classmethod
    def rate(cls, dossier, values, channel, web_user=None):
        """Give or change the rating of dossier (the one place of the
        rules, R-RATE-1): a dossier done or rejected; values as the form
        gives them (overall, details, comment); once, then changed only
        within the configured period. Returns the rating. Raises a
        RatingError the citizen reads."""
        if dossier.state not in RATABLE_STATES:
            raise RatingError(gettext('gov_rating.msg_rating_not_finished',
                    dossier=dossier.code or ''))
        errors = cls.form_errors(values)
        if errors:
            raise RatingValidationError(next(iter(errors.values())))
        values = cls._clean(values)
        now = cls._now()
        rating = cls.of_dossier(dossier)
        with without_check_access():
            if rating:
                if not rating.changeable(now):
                    raise RatingError(gettext(
                            'gov_rating.msg_rating_change_over',
                            days=cls.change_days()))
                values.update(changed_at=now, channel=channel)
                if web_user and not rating.web_user:
                    values['web_user'] = int(web_user)
                cls.write([rating], values)
            else:
                rating, = cls.create([dict(values,
                            dossier=dossier.id,
                            agency=dossier.agency.id,
                            procedure=dossier.procedure.id,
                            web_user=int(web_user) if web_user else None,
                            channel=channel,
                            rated_at=now)])
            rating = cls(rating.id)
            Pool().get('gov.rating.followup').open_for([rating])
        return rating

    @classmethod
    def rate_as_owner(cls, dossier, web_user, values):
        "The portal's rating: by the account that owns the dossier only."
        if (not web_user or not dossier.web_user
                or dossier.web_user.id != int(web_user)):
            raise RatingAccessError(gettext('gov_rating.msg_rating_owner'))
        return cls.rate(dossier, values, 'portal', web_user=web_user)

    @classmethod
    def dossier_of_token(cls, token):
        "The dossier of the rating link's token, or None."
        Dossier = Pool().get('gov.dossier')
        if not token or len(token) < 16:
            return None
        with without_check_access():
            dossiers = Dossier.search([
                    ('rating_token', '=', token),
                    ('state', '!=', 'draft'),
                    ], limit=1)
        return dossiers[0] if dossiers else None

    @classmethod
    def rate_with_token(cls, token, values):
        """The rating of the link in the result notification: the token
        proves she received it."""
        dossier = cls.dossier_of_token(token)
        if dossier is None:
            raise RatingAccessError(gettext('gov_rating.msg_rating_token'))
        return cls.rate(dossier, values, 'notification',
            web_user=dossier.web_user)

    @classmethod
    def dossier_of_pin(cls, code, pin):
        """The dossier of code when pin is its PIN, through gov_dossier's
        lookup (which counts the wrong PINs and locks the dossier's PIN
        after too many, from whatever address). Raises a RatingError."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Failure = pool.get('gov.dossier.pin.failure')
        facts, full = Dossier.lookup_facts(code, pin=(pin or '').strip())
        if facts is not None and facts.pin_locked and not full:
            minutes = int(Failure.lock_time().total_seconds() // 60)
            raise RatingAccessError(gettext(
                    'gov_rating.msg_rating_pin_locked', minutes=minutes))
        if facts is None or not full:
            raise RatingAccessError(gettext('gov_rating.msg_rating_pin'))
        return Dossier(facts.id)

    @classmethod
    def rate_with_pin(cls, code, pin, values):
        "The kiosk's rating, with the dossier's code and PIN."
        dossier = cls.dossier_of_pin(code, pin)
        return cls.rate(dossier, values, 'kiosk')

    @classmethod
    def portal_status(cls, dossier):
        """What the portal shows of a dossier's rating: whether it may be
        rated, the rating, whether it may still be changed and until
        when (naive UTC)."""
        rating = cls.of_dossier(dossier)
        ratable = dossier.state in RATABLE_STATES
        now = cls._now()
        return {
            'ratable': ratable,
            'rating': rating,
            'changeable': ratable and (
                rating is None or rating.changeable(now)),
            'until': rating.change_until() if rating else None,
            'days': cls.change_days(),
            }

    @classmethod
    def form_values(cls, rating):
        "The form's values of a rating (empty for none)."
        if rating is None:
            return {}
        values = {n: getattr(rating, n) or '' for n in CRITERIA}
        values['comment'] = rating.comment or ''
        return values
