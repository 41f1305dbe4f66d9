"""The staff's day for bench/staff.py (issue #22): a sao session that
records every JSON-RPC call it makes, and the scripts of the four roles.

Each script is a generator that yields after each click (an *interaction*:
the calls sao makes for it), so that the runner thinks between clicks.
The calls are those of sao 8.0 (var/sao/src): a tab is `search` (80 rows,
the action's order), `search_count` when the page is full, `read` of the
list view's fields, then `search_count` of every tab that shows a count
(screen.js count_tab_domain); a button is `model.gov.dossier.<button>`
with [ids, context], then the record is read again; a button that needs
input returns its wizard, which runs as sao runs it (create, execute the
start state, execute the button's state, delete); a report is
`report.<name>.execute` with [ids, data, context]."""
import base64
import datetime as dt
import gzip
import json
import time

from bench import load

REFUSALS = {'UserError', 'UserWarning', 'ConcurrencyException'}
PAGE = 80
# The order of the Dossiers action (addons/gov_dossier/dossier.xml).
ORDER = [['due_date', 'ASC NULLS LAST'], ['received_date', 'ASC'],
    ['submitted_date', 'ASC'], ['id', 'ASC']]
# The action's context (agency names without their parents).
ACTION_CONTEXT = {'agency_short_name': True}
VIETNAM = dt.timezone(dt.timedelta(hours=7))


def json_date(day):
    return {'__class__': 'date', 'year': day.year, 'month': day.month,
        'day': day.day}


def tab_domains(uid):
    """The tabs of the Dossiers action (ir.action.act_window.domain of
    gov_dossier's dossier.xml, inbox.xml, assignment.xml) in their order,
    as sao decodes their PYSON: (name, domain, shows a count)."""
    today = dt.datetime.now(VIETNAM).date()
    return [
        ('new', [['arrival', '!=', None]], True),
        ('to_check', [['state', 'in', ['submitted', 'supplement']]], True),
        ('assigned', [['assignee', '=', uid]], True),
        ('received_today', [['received_day', '=', json_date(today)]], True),
        ('processing', [['state', 'in', ['received', 'processing']]], True),
        ('due_soon', [['deadline_status', '=', 'due_soon']], True),
        ('overdue', [['deadline_status', '=', 'overdue']], True),
        ('suspended', [['state', '=', 'suspended']], False),
        ('result_ready', [['state', '=', 'result_ready']], True),
        ]


class Refused(Exception):
    "A business refusal served by the server (UserError…)."


class Failed(Exception):
    "An HTTP error, a server error or no answer."


class Recorder:
    "The calls of one step: (kind, seconds, outcome, detail)."

    def __init__(self, record_from, deadline):
        self.record_from, self.deadline = record_from, deadline
        self.calls = []
        self.enabled = True

    def add(self, t0, kind, seconds, outcome, detail=None):
        # Only the calls started in the measured window count.
        if self.enabled and self.record_from <= t0 < self.deadline:
            self.calls.append((kind, seconds, outcome, detail))


class Session:
    "One sao session of an officer, recording its calls."

    def __init__(self, port, database, login, password):
        self.port, self.database = port, database
        self.path = f'/admin/{database}/rpc/'
        self.login_name = login
        self.id = 0
        self.recorder = None
        self.headers = {'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip'}
        (self.uid, token, *_) = self._post('common.db.login',
            [login, {'password': password}, 'vi'])
        session = f'{login}:{self.uid}:{token}'
        self.headers['Authorization'] = 'Session ' + base64.b64encode(
            session.encode()).decode()
        self.context = self._post('model.res.user.get_preferences',
            [True, {}])

    def _post(self, method, params):
        "A call that is not measured (log in, the views at start)."
        self.id += 1
        body = json.dumps({'id': self.id, 'method': method,
                'params': params}).encode()
        r = load.http(self.port, 'POST', self.path, self.headers, body)
        content = r.body
        if content[:2] == b'\x1f\x8b':
            content = gzip.decompress(content)
        data = json.loads(content) if r.status == 200 else {}
        if r.status != 200 or data.get('error'):
            raise RuntimeError(f'{method}: status {r.status} '
                f'{data.get("error")}'[:300])
        return data['result']

    def call(self, kind, method, params):
        "A measured call; raise Refused or Failed."
        self.id += 1
        body = json.dumps({'id': self.id, 'method': method,
                'params': params}).encode()
        t0 = time.perf_counter()
        try:
            r = load.http(self.port, 'POST', self.path, self.headers, body)
        except OSError as exception:
            self._record(t0, kind, 'error', type(exception).__name__)
            raise Failed(kind) from exception
        seconds = time.perf_counter() - t0
        if r.status != 200:
            self._record(t0, kind, 'error', f'status {r.status}', seconds)
            raise Failed(kind)
        content = r.body
        if content[:2] == b'\x1f\x8b':
            content = gzip.decompress(content)
        data = json.loads(content)
        error = data.get('error')
        if error:
            if isinstance(error, list) and error and error[0] in REFUSALS:
                message = error[1][0] if (len(error) > 1 and isinstance(
                        error[1], list) and error[1]) else error[0]
                self._record(t0, kind, 'refused', str(message)[:100],
                    seconds)
                raise Refused(message)
            self._record(t0, kind, 'error', str(error)[:100], seconds)
            raise Failed(kind)
        self._record(t0, kind, 'ok', None, seconds)
        return data['result']

    def _record(self, t0, kind, outcome, detail, seconds=None):
        if self.recorder is not None:
            if seconds is None:
                seconds = time.perf_counter() - t0
            self.recorder.add(t0, kind, seconds, outcome, detail)


def view_fields(session, model, view_type):
    """The fields sao reads for a view: the view's fields, rec_name of the
    many2one, the labels of eager selections, the x2m rows sao reads with
    the record when the view gives their sub-view; then rec_name,
    _timestamp, _write, _delete (sao's model.js)."""
    view = session._post(f'model.{model}.fields_view_get',
        [None, view_type, session.context])
    names = []
    for name, field in view['fields'].items():
        names.append(name)
        if field['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(name + '.rec_name')
        elif field['type'] in {'selection', 'multiselection'} and (
                field.get('loading', 'lazy') == 'eager'):
            names.append(name + ':string')
        elif field['type'] in {'one2many', 'many2many'} and field.get(
                'visible') and field.get('views'):
            (sub,) = list(field['views'].values())[:1] or [{}]
            for sub_name, sub_field in (sub.get('fields') or {}).items():
                names.append(f'{name}.{sub_name}')
                if sub_field['type'] in {'many2one', 'reference'}:
                    names.append(f'{name}.{sub_name}.rec_name')
            names += [f'{name}._timestamp', f'{name}._write',
                f'{name}._delete']
    if 'rec_name' not in names:
        names.append('rec_name')
    return names + ['_timestamp', '_write', '_delete']


class Views:
    "What sao loads once per session when the windows open (not measured)."

    def __init__(self, session):
        self.list = view_fields(session, 'gov.dossier', 'tree')
        self.form = view_fields(session, 'gov.dossier', 'form')
        self.documents = view_fields(session, 'gov.dossier.document', 'tree')
        self.steps = view_fields(session, 'gov.dossier.step', 'tree')
        self.statistics = None


class User:
    "A simulated officer: a session, a role, the units he acts for."

    def __init__(self, session, role, units, views, rnd, actions, config):
        self.session, self.role, self.units = session, role, set(units)
        self.views, self.rnd, self.actions = views, rnd, actions
        self.config = config  # receipt action id, statistics model…
        self.context = dict(session.context, **ACTION_CONTEXT)

    def call(self, kind, method, params):
        return self.session.call(kind, method, params)

    def count(self, action):
        self.actions[(self.role, action)] += 1

    # ------------------------------------------------------ interactions

    def tab(self, name, extra=None):
        "Open a tab of the Dossiers window (with a filter): its rows."
        tabs = tab_domains(self.session.uid)
        domain = dict((n, d) for n, d, _ in tabs)[name]
        if extra:
            domain = ['AND', domain, extra]
        search = ['AND', [], domain]
        ids = self.call('tab.search', 'model.gov.dossier.search',
            [search, 0, PAGE, ORDER, self.context])
        if len(ids) == PAGE:
            self.call('tab.count', 'model.gov.dossier.search_count',
                [search, 0, 1000, self.context])
        rows = self.call('tab.read', 'model.gov.dossier.read',
            [ids, self.views.list, self.context]) if ids else []
        if extra is None:
            # Sao counts every tab that shows a count after loading.
            for _, tab_domain, counted in tabs:
                if counted:
                    self.call('tab.counts', 'model.gov.dossier.search_count',
                        [['AND', tab_domain, []], 0, 1000, self.context])
        return rows

    def open(self, dossier_id, kind='open.read'):
        "The form of a dossier: its record."
        record, = self.call(kind, 'model.gov.dossier.read',
            [[dossier_id], self.views.form, self.context])
        return record

    def lines(self, record, field):
        "The rows of the documents' or the steps' tab of the form."
        ids = record.get(field) or []
        if not ids:
            return []
        if field == 'documents':
            context = dict(self.context, **{'gov.dossier.document.data':
                    'size'})
            return self.call('components.read',
                'model.gov.dossier.document.read',
                [ids, self.views.documents, context])
        return self.call('steps.read', 'model.gov.dossier.step.read',
            [ids, self.views.steps, self.context])

    def button(self, name, dossier_id):
        "A button without input; the form is read again."
        self.call(name, f'model.gov.dossier.{name}',
            [[dossier_id], self.context])
        self.open(dossier_id, 'open.reload')

    def wizard(self, name, button, dossier_id, state, values):
        """A button that opens a wizard, run as sao runs it; the form is
        read again."""
        kind = name + '.wizard'
        action = self.call(name, f'model.gov.dossier.{button}',
            [[dossier_id], self.context])
        if isinstance(action, int):
            action = self.call(kind, 'model.ir.action.get_action_value',
                [action, self.context])
        wiz_name = action['wiz_name']
        session_id, start, _ = self.call(kind, f'wizard.{wiz_name}.create',
            [self.session.context])
        context = dict(self.context, active_id=dossier_id,
            active_ids=[dossier_id], active_model='gov.dossier',
            action_id=action['id'])
        try:
            view = self.call(kind, f'wizard.{wiz_name}.execute',
                [session_id, {}, start, context])['view']
            data = {k: v for k, v in dict(view.get('defaults') or {},
                    **(view.get('values') or {})).items() if '.' not in k}
            data.update(values)
            self.call(kind, f'wizard.{wiz_name}.execute',
                [session_id, {view['state']: data}, state, context])
        finally:
            self.call(kind, f'wizard.{wiz_name}.delete',
                [session_id, self.session.context])
        self.open(dossier_id, 'open.reload')

    def nothing_to_do(self, action, rows):
        "No dossier to act on: a read instead (a look at the first row)."
        self.count(action + ': nothing to do')
        if rows:
            self.open(self.rnd.choice(rows)['id'])

    def act(self, action, do):
        "Run one action; a refusal is counted apart."
        try:
            do()
        except Refused:
            self.count(action + ': refused')
        else:
            self.count(action)


# ------------------------------------------------------------ scripts

def one_stop(user):
    """The one-stop desk: the To Check tab, a dossier opened, its
    components checked, received, its receipt printed."""
    rows = user.tab('to_check')
    yield
    candidates = [r for r in rows if r['state'] == 'submitted'] or rows
    if not candidates:
        user.nothing_to_do('receive', rows)
        yield
        return
    dossier = user.rnd.choice(candidates)
    record = user.open(dossier['id'])
    yield
    user.lines(record, 'documents')
    yield
    received = []

    def receive():
        user.button('receive', dossier['id'])
        received.append(True)
    user.act('receive', receive)
    yield
    if received:
        user.act('receipt', lambda: user.call('receipt',
                'report.gov.dossier.receipt.execute',
                [[dossier['id']], {'model': 'gov.dossier',
                        'id': dossier['id'], 'ids': [dossier['id']],
                        'action_id': user.config['receipt_action']},
                    dict(user.context, direct_print=False)]))
        yield


# The share of the dossiers sent back to the previous step (when there is
# one) by a specialist, and by a head of unit instead of approving.
SEND_BACK = 0.3
HEAD_SEND_BACK = 0.2
# The kinds of step a dossier is sent back to (gov_dossier steps.py).
ROUTED_KINDS = {'check', 'process', 'approve'}
OPINION = 'Hồ sơ đủ điều kiện, đề nghị phê duyệt.'
REASON = 'Đề nghị kiểm tra lại thành phần hồ sơ trước khi xử lý.'


def can_send_back(steps):
    "Whether the running step has a routed step done before it."
    running = [s for s in steps if s.get('state') == 'running']
    return bool(running) and any(s.get('state') == 'done'
        and s.get('kind') in ROUTED_KINDS
        and (s.get('sequence') or 0) < (running[0].get('sequence') or 0)
        for s in steps)


def send_back(user, dossier_id):
    user.act('send_back', lambda: user.wizard('send_back', 'send_back',
            dossier_id, 'apply', {'reason': REASON}))


def specialist(user):
    """A specialist: the Processing tab, a dossier of his unit opened with
    its steps and documents, forwarded (with an opinion) or sent back."""
    rows = user.tab('processing')
    yield
    mine = [r for r in rows if r['state'] == 'processing'
        and r.get('current_unit') in user.units]
    if not mine:
        user.nothing_to_do('forward', rows)
        yield
        return
    dossier = user.rnd.choice(mine)
    record = user.open(dossier['id'])
    steps = user.lines(record, 'steps')
    yield
    user.lines(record, 'documents')
    yield
    kind = record.get('current_step_kind')
    if (kind != 'approve' and can_send_back(steps)
            and user.rnd.random() < SEND_BACK):
        send_back(user, dossier['id'])
    elif kind != 'approve' and record.get('has_next_step'):
        user.act('forward', lambda: user.wizard('forward',
                'forward_opinion', dossier['id'], 'forward',
                {'opinion': OPINION}))
    else:
        user.nothing_to_do('forward', rows)
    yield


def head(user):
    """A head of unit: the Processing tab, then the dossiers waiting for
    his approval (the tab filtered on his unit and the approval step, as
    a saved filter of sao sends it), one opened with its steps, approved
    (or, two times in ten, sent back to the specialist)."""
    tab = user.tab('processing')
    yield
    rows = user.tab('processing', [['current_unit', 'in', sorted(user.units)],
            ['current_step.kind', '=', 'approve']])
    yield
    if not rows:
        user.nothing_to_do('approve', tab)
        yield
        return
    dossier = user.rnd.choice(rows)
    record = user.open(dossier['id'])
    steps = user.lines(record, 'steps')
    yield
    if record.get('current_step_kind') != 'approve':
        user.nothing_to_do('approve', rows)
    elif can_send_back(steps) and user.rnd.random() < HEAD_SEND_BACK:
        send_back(user, dossier['id'])
    else:
        user.act('approve', lambda: user.button('approve', dossier['id']))
    yield


def leader(user):
    """A leader: the Overdue tab, one overdue dossier opened with its
    steps, then the statistics per agency of the year to date (gov_report's
    sao statistics: the context's defaults, search and read of the rows)."""
    rows = user.tab('overdue')
    yield
    if rows:
        record = user.open(user.rnd.choice(rows)['id'])
        user.lines(record, 'steps')
        yield
    model = 'gov.report.statistics.agency'
    fields = ['start', 'end', 'agency', 'subtree', 'sector', 'field',
        'procedure']
    values = user.call('statistics.defaults',
        'model.gov.report.statistics.context.'
        'default_get', [fields, user.session.context])
    context = dict(user.session.context, **{k: values.get(k)
            for k in fields}, context_model='gov.report.statistics.context')
    ids = user.call('statistics.search', f'model.{model}.search',
        [[], 0, 1000, None, context])
    if ids:
        user.call('statistics.read', f'model.{model}.read',
            [ids, user.config['statistics_fields'], context])
    user.count('statistics')
    yield


SCRIPTS = {'one_stop': one_stop, 'specialist': specialist, 'head': head,
    'leader': leader}
# The demo officers of gov_server/data_load.py.
LOGINS = {'one_stop': 'motcua', 'specialist': 'chuyenvien',
    'head': 'truongphong', 'leader': 'lanhdao'}
PASSWORD = 'dvc@2026'
