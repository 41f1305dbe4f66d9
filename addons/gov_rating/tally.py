# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The ratings that can no longer change, counted once a night (R-RATE-2).

The procedure page shows the results of all the procedure's ratings; the
busiest procedure has tens of thousands, and counting them at each view
cost 20 ms. A rating can only be changed during the configured period
after it was given (rating.py, ``change_days``), so the ratings given
before that period are final: each night ``gov.rating|tally`` counts them
per procedure and agency up to the start of a local day (``until``), and
``aggregates`` adds the ratings given since, counted live (the index on
procedure and date). The result is the same as counting them all.

A tally whose ``until`` is inside the change period (the period was made
longer since) is left aside until the next night: everything is counted
live then."""
import datetime as dt

from sql import Literal

from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .aggregate import COUNTS, count_columns, local_day_start

class RatingTally(ModelSQL):
    "The final ratings of a procedure at an agency, counted."
    __name__ = 'gov.rating.tally'
    __string__ = "Rating Tally"

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='CASCADE')
    until = fields.DateTime("Until", required=True,
        help="The ratings given before are counted.")
    # The counts, as COUNTS names them.
    overall_count = fields.Integer("Overall: Ratings")
    overall_very_satisfied = fields.Integer("Overall: Very Satisfied")
    overall_satisfied = fields.Integer("Overall: Satisfied")
    overall_unsatisfied = fields.Integer("Overall: Not Satisfied")
    convenience_count = fields.Integer("Convenience: Ratings")
    convenience_very_satisfied = fields.Integer("Convenience: Very Satisfied")
    convenience_satisfied = fields.Integer("Convenience: Satisfied")
    convenience_unsatisfied = fields.Integer("Convenience: Not Satisfied")
    timeliness_count = fields.Integer("On-Time: Ratings")
    timeliness_very_satisfied = fields.Integer("On-Time: Very Satisfied")
    timeliness_satisfied = fields.Integer("On-Time: Satisfied")
    timeliness_unsatisfied = fields.Integer("On-Time: Not Satisfied")
    attitude_count = fields.Integer("Attitude: Ratings")
    attitude_very_satisfied = fields.Integer("Attitude: Very Satisfied")
    attitude_satisfied = fields.Integer("Attitude: Satisfied")
    attitude_unsatisfied = fields.Integer("Attitude: Not Satisfied")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.until, Index.Range())),
                Index(t, (t.procedure, Index.Equality())),
                })

    @classmethod
    def frozen(cls):
        "The moment (naive UTC) before which no rating can change."
        Rating = Pool().get('gov.rating')
        return Rating._now() - dt.timedelta(days=Rating.change_days())

    @classmethod
    def tally(cls):
        """Count again the ratings given before the start of the local day
        of frozen() (the cron, each night)."""
        pool = Pool()
        Rating = pool.get('gov.rating')
        Calendar = pool.get('gov.calendar')
        until = local_day_start(Calendar.to_local(cls.frozen()).date())
        table, rating = cls.__table__(), Rating.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete())
        keys = [rating.procedure, rating.agency]
        columns = [table.procedure, table.agency, table.until] + [
            getattr(table, name) for name in COUNTS]
        cursor.execute(*table.insert(columns, rating.select(
                    *keys, Literal(until), *count_columns(rating),
                    where=rating.rated_at < until, group_by=keys)))
        return until
