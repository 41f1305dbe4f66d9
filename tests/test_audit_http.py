"""The audit log over real HTTP (R-OPS-3, R-SEC-1): sao's calls to the
live server — a staff sign-in with a wrong then the right password, a form
opened on one dossier, a list, an export — each leave exactly the expected
event, written although RPC reads run in read-only transactions; the
auditor (`kiemtra`) reads them and can neither change nor delete one; an
officer cannot read them."""
import urllib.error

from gov_server.settings import DEMO_PASSWORD as DEMO

FORM_FIELDS = ['code', 'state', 'applicant_name', 'applicant_id_number',
    'applicant_address', 'procedure.rec_name']


def call(server, session, model, method, *args):
    answer = server.rpc(f'model.{model}.{method}', [*args, {}],
        session=session)
    return answer


def ok(server, session, model, method, *args):
    answer = call(server, session, model, method, *args)
    assert 'error' not in answer, answer
    return answer['result']


def test_audit_log_over_http(live_server):
    """R-OPS-3, R-SEC-1: sign-ins, a form read, a list read and an export
    through sao's RPC are logged with the IP address; the auditor reads
    the log and cannot change it; an officer cannot read it"""
    server = live_server
    auditor, _ = server.login('kiemtra', DEMO)
    last = ok(server, auditor, 'gov.audit.event', 'search', [], 0, 1,
        [('id', 'DESC')])
    start = last[0] if last else 0

    try:
        server.rpc('common.db.login', ['motcua', {'password': 'sai-mat-khau'},
                'vi'])
    except urllib.error.HTTPError as error:
        assert error.code == 401
    else:
        raise AssertionError("a wrong password signed in")
    officer, officer_id = server.login('motcua', DEMO)

    dossiers = ok(server, officer, 'gov.dossier', 'search',
        [('applicant_name', '!=', None)], 0, 3, [('id', 'ASC')])
    assert len(dossiers) == 3
    # A list (sao reads a page of records), then a form on one dossier.
    ok(server, officer, 'gov.dossier', 'read', dossiers, FORM_FIELDS)
    ok(server, officer, 'gov.dossier', 'read', dossiers[:1], FORM_FIELDS)
    ok(server, officer, 'gov.dossier', 'export_data', dossiers,
        ['code', 'applicant_name'])

    events = ok(server, auditor, 'gov.audit.event', 'search_read',
        [('id', '>', start), ['OR', ('login', '=', 'motcua'),
                ('user', '=', officer_id)]],
        0, None, [('id', 'ASC')],
        ['kind', 'user', 'login', 'ip_address', 'model', 'record_ids',
            'record_count', 'details'])
    assert [(e['kind'], e['ip_address']) for e in events] == [
        ('staff_login_failure', '127.0.0.1'),
        ('staff_login', '127.0.0.1'),
        ('personal_data_read', '127.0.0.1'),
        ('export', '127.0.0.1'),
        ], events
    failure, success, read, export = events
    assert failure['login'] == success['login'] == 'motcua'
    assert failure['user'] == success['user'] == officer_id
    assert (read['model'], read['record_ids'], read['record_count']) == (
        'gov.dossier', str(dossiers[0]), 1)
    assert (export['model'], export['record_count'], export['details']) == (
        'gov.dossier', 3, 'Fields: code, applicant_name')

    # Append-only for the auditor; closed to the officer.
    event = export['id']
    assert 'error' in call(server, auditor, 'gov.audit.event', 'write',
        [event], {'details': 'forged'})
    assert 'error' in call(server, auditor, 'gov.audit.event', 'delete',
        [event])
    assert 'error' in call(server, officer, 'gov.audit.event', 'search', [])
    assert 'error' in call(server, officer, 'gov.audit.event', 'read',
        [event], ['details'])
    assert ok(server, auditor, 'gov.audit.event', 'read', [event],
        ['details'])[0]['details'] == 'Fields: code, applicant_name'

    # The auditor's export of the log is itself logged.
    ok(server, auditor, 'gov.audit.event', 'export_data', [event],
        ['date', 'kind', 'login'])
    last, = ok(server, auditor, 'gov.audit.event', 'search_read', [], 0, 1,
        [('id', 'DESC')], ['kind', 'model', 'login', 'record_count'])
    assert (last['kind'], last['model'], last['record_count']) == (
        'export', 'gov.audit.event', 1)
