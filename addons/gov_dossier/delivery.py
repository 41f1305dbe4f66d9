# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""How the applicant receives the result (R-SUB-10, R-RES-1; Điều 17.1,
18.1, 18.3.a): at the one-stop desk, online (a procedure whose result is
electronic) or by post to an address, with a phone number the postman
calls.

- ``return_method`` (dossier.py), ``return_address`` and ``return_phone``
  hold the choice; ``delivery_address()`` / ``delivery_phone()`` are where
  and whom the post delivers to (the applicant's address and phone when
  none is given for the result);
- ``return_methods_offered()`` lists the ways offered for the dossier:
  the desk always, online when the procedure's result is electronic,
  post when ``_postal_return_offered()`` (here always; gov_postal
  requires an active postal contract);
- ``return_errors(values)`` says what is wrong with a choice; the portal's
  form reads it with ``_portal_return_values(form, errors)`` (submission.py
  saves it in the draft like the applicant's fields); a postal choice
  without address or phone is refused at submission (check_submission);
- ``portal_change_return(web_user, method, …)``: the citizen changes her
  choice until the result is ready; the history records it (event
  ``return_changed``, no change of state).

Other modules extend the hooks named in doc/index.rst ("How the result is
received")."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .bounds import ADDRESS, PHONE as PHONE_SIZE
from .exceptions import DossierAccessError, ReturnChoiceError
from .report import applicant_text, selection_labels
from .submission import PHONE, PHONE_SEPARATORS

# The fields of the choice, as the portal's form names them too.
RETURN_FIELDS = ('return_method', 'return_address', 'return_phone')
# The states in which the citizen may still change her choice online.
CHANGEABLE_STATES = {'draft', 'submitted', 'received', 'supplement',
    'processing', 'suspended'}
# The states of a ready result (the other closed states have none).
RESULT_STATES = {'result_ready', 'done'}
# The history event of a change (no change of state; not in WORKFLOW).
RETURN_CHANGED = 'return_changed'
# As return_method (dossier.py).
_STATES = {
    'readonly': Eval('state').in_(['done', 'rejected', 'withdrawn']),
    }


def clean_phone(value):
    "A phone number as typed, without its separators."
    return PHONE_SEPARATORS.sub('', value or '')


class DossierHistory(metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection.append(
            (RETURN_CHANGED, "Return Method Changed"))
        cls.public_event.selection.append(
            (RETURN_CHANGED, "Changed how to receive the result"))


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    return_address = fields.Text(
        "Return Address", states=_STATES,
        help="Where the result is sent by post; the applicant's address "
        "when empty.")
    return_phone = fields.Char(
        "Return Phone", states=_STATES,
        help="The phone number the postal service calls to deliver the "
        "result; the applicant's phone when empty.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._text_bounds = dict(cls._text_bounds,
            return_address=(ADDRESS, True),
            return_phone=(PHONE_SIZE, False))

    # ------------------------------------------------------ where to
    def delivery_address(self):
        "Where the post delivers the result: R-RES-1."
        return self.return_address or self.applicant_address

    def delivery_phone(self):
        "Whom the post calls to deliver the result: R-RES-1."
        return self.return_phone or self.applicant_phone

    # ------------------------------------------------------ what is offered
    def return_methods_offered(self):
        """The values of return_method offered for this dossier, in the
        order of the selection (R-SUB-10): 'desk' always, 'postal' when
        _postal_return_offered(), 'online' when the procedure's result is
        electronic (or both paper and electronic).

        self may be a dossier not saved yet (the portal's new form) with
        its procedure, channel and agency (None while the citizen has not
        chosen among several)."""
        procedure = getattr(self, 'procedure', None)
        methods = ['desk']
        if self._postal_return_offered():
            methods.append('postal')
        if procedure and procedure.result_type in {'electronic', 'both'}:
            methods.append('online')
        return methods

    def _postal_return_offered(self):
        """Extension point: whether the result of this dossier may be sent
        by post (R-RES-1, R-POST-3). Always here; the postal module
        overrides it to require an active postal contract of the agency
        covering the procedure. self may be unsaved (see
        return_methods_offered). Extend it with a PoolMeta class; combine
        with super() (``super()._postal_return_offered() and …``)."""
        return True

    def return_errors(self, values=None):
        """{field: message} of what is wrong with a choice (R-SUB-10):
        values maps return_method, return_address and return_phone (and
        may hold applicant_address, applicant_phone) to what is asked;
        a name missing from values is the dossier's own. No method chosen
        is no error (_default_return_method applies). A method not offered
        → return_method; post needs an address (return_address, else the
        applicant's) and a valid phone (return_phone, else the
        applicant's)."""
        values = values or {}

        def value(name):
            if name in values:
                return values[name]
            return getattr(self, name, None)
        method = value('return_method')
        errors = {}
        if not method:
            return errors
        if method not in self.return_methods_offered():
            errors['return_method'] = gettext(
                'gov_dossier.msg_return_method_not_offered')
            return errors
        if method == 'postal':
            address = value('return_address') or value('applicant_address')
            if not (address or '').strip():
                errors['return_address'] = gettext(
                    'gov_dossier.msg_return_address_required')
            phone = clean_phone(
                value('return_phone') or value('applicant_phone'))
            if not phone:
                errors['return_phone'] = gettext(
                    'gov_dossier.msg_return_phone_required')
            elif not PHONE.match(phone):
                errors['return_phone'] = gettext(
                    'gov_dossier.msg_form_phone_invalid')
        return errors

    def check_submission(self):
        """A postal choice needs its address and phone before the dossier
        is submitted or received (R-SUB-10): refused with every message,
        before anything is written."""
        super().check_submission()
        errors = {name: message
            for name, message in self.return_errors().items()
            if name != 'return_method'}
        if errors:
            raise ReturnChoiceError(gettext(
                    'gov_dossier.msg_return_postal_incomplete',
                    dossier=self.rec_name,
                    errors=' '.join(errors.values())), errors)

    # ------------------------------------------------------ the portal
    @classmethod
    def portal_return_fields(cls):
        """The names of the portal form's fields that
        _portal_return_values reads: the portal passes them from the
        request. Extend it (with _portal_return_values) to read a field
        of yours, e.g. a pickup checkbox."""
        return list(RETURN_FIELDS)

    @classmethod
    def _portal_return_values(cls, form, errors):
        """Hook: the values of the portal form's choice of how to receive
        the result (R-SUB-10), cleaned, as {field: value} written in the
        dossier; errors (by field name) gets what is wrong as typed — a
        method that does not exist, a phone that is not one. Whether the
        choice is offered and complete is return_errors'. The postal
        module extends it (PoolMeta, super() first) to read its own fields
        of portal_return_fields(), e.g. a pickup-at-home checkbox, and
        adds them to the values returned."""
        method = (form.get('return_method') or '').strip() or None
        values = {
            'return_method': method,
            'return_address': (
                form.get('return_address') or '').strip() or None,
            'return_phone': clean_phone(form.get('return_phone')) or None,
            }
        if method and method not in {
                m for m, _ in cls._fields['return_method'].selection if m}:
            errors['return_method'] = gettext(
                'gov_dossier.msg_return_method_not_offered')
            values['return_method'] = None
        if values['return_phone'] and not PHONE.match(
                values['return_phone']):
            errors['return_phone'] = gettext(
                'gov_dossier.msg_form_phone_invalid')
        return values

    def portal_return_errors(self, form):
        """(values, errors) of the portal form's choice for this dossier
        (possibly unsaved): _portal_return_values, then return_errors and
        the bounds of the texts. A wrong value is not kept (None)."""
        errors = {}
        values = self._portal_return_values(form, errors)
        for name, message in self.return_errors(values).items():
            errors.setdefault(name, message)
        for name, message in self.text_errors(values).items():
            errors.setdefault(name, message)
        for name in errors:
            if name in values:
                values[name] = None
        return values, errors

    def portal_change_return(self, web_user, method, address=None,
            phone=None, **form):
        """The citizen who owns the dossier (web_user) changes how she
        receives the result (R-SUB-10, R-RES-1) while the dossier is
        in draft, submitted, received, supplement, processing or
        suspended. form: the other fields of the portal form
        (portal_return_fields()) for _portal_return_values; only the
        fields it gives are written.

        DossierAccessError when the dossier is not hers;
        ReturnChoiceError (nothing written) once the result is ready or
        the dossier closed, or with the errors by field when the choice is
        not offered or incomplete. The change is written in the history
        (event return_changed, the state unchanged) and _on_event is
        called with it."""
        pool = Pool()
        History = pool.get('gov.dossier.history')
        if not self.search_owned(web_user, [('id', '=', self.id)], limit=1):
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_dossier_not_owner'))
        if self.state not in CHANGEABLE_STATES:
            message = ('gov_dossier.msg_return_change_ready'
                if self.state in RESULT_STATES
                else 'gov_dossier.msg_return_change_closed')
            raise ReturnChoiceError(gettext(message,
                    dossier=self.rec_name, state=self.state_string))
        given = set(form) | set(RETURN_FIELDS)
        form = dict(form, return_method=method, return_address=address,
            return_phone=phone)
        values, errors = self.portal_return_errors(form)
        # Only what the form gave: a field of another module that the
        # change form does not show keeps its value.
        values = {k: v for k, v in values.items() if k in given}
        if not values.get('return_method'):
            errors.setdefault('return_method', gettext(
                    'gov_dossier.msg_return_method_required'))
        if errors:
            raise ReturnChoiceError(' '.join(errors.values()), errors)
        self.write([self], values)
        dossier = self.__class__(self.id)
        History.create([{
                    'dossier': dossier.id,
                    'date': self._now(),
                    'user': Transaction().user or None,
                    'web_user': int(web_user),
                    'from_state': dossier.state,
                    'to_state': dossier.state,
                    'event': RETURN_CHANGED,
                    'reason': dossier.return_note(),
                    'unit': (dossier.current_unit.id
                        if dossier.current_unit else None),
                    'step_name': (dossier.current_step.name
                        if dossier.current_step else None),
                    }])
        self._on_event([dossier], RETURN_CHANGED)
        return dossier

    def return_note(self):
        """The choice in words, in the language of the forms (the
        history's note of a change): the method and, by post, the address
        and the phone."""
        method = self.return_method or self._default_return_method()
        label = selection_labels(self.__name__, 'return_method').get(
            method, method)
        if method == 'postal':
            return applicant_text('msg_return_changed_postal', method=label,
                address=(self.delivery_address() or '').replace('\n', ', '),
                phone=self.delivery_phone() or '')
        return applicant_text('msg_return_changed', method=label)
