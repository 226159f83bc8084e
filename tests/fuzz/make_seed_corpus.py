#!/usr/bin/env python3
"""Regenerates corpus/ from a running connector-sandbox (docs/sandbox.md) plus a few hand-made
cases from shared/vendor-apis. Usage: make_seed_corpus.py SANDBOX_BIN. Writes small files only
(answers are cut to 3 connectors); the layout of each harness's input is in its source."""
import json, os, subprocess, sys, urllib.request, urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
STATUS = [200, 200, 200, 201, 202, 204, 400, 401, 403, 404, 406, 409, 422, 429, 500, 503]
# Statuses outside the harness's table are written as the nearest one it has (402 -> 400).
STATUS_ALIAS = {402: 400, 307: 400}


def status_byte(code):
    return STATUS.index(STATUS_ALIAS.get(code, code))


def start(sandbox):
    p = subprocess.Popen([sandbox, '--port', '0', '--connectors', '3', '--update-delay', '-1'],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    return p, line.split()[-1]


def fetch(base, path, headers, method='GET', body=None):
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=None if body is None else body.encode())
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def write(harness, name, data):
    d = os.path.join(HERE, 'corpus', harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def answer(harness, name, op, status, body, cursor=0):
    write(harness, name, bytes([op, status_byte(status), cursor]) + body)


def main():
    proc, base = start(sys.argv[1])
    try:
        key = {'Authorization': 'Bearer demo-key'}
        ro = {'Authorization': 'Bearer demo-readonly-key'}
        # --- timbal: 0 list, 1 get, 2 Retry-After, 3 update to an explicit version, 4 to latest
        t = base + '/timbal/orgs/demo-org/connectors'
        cfg = base + '/_sandbox/config'
        h = 'fuzz_timbal'
        fetch(cfg, '', {'Content-Type': 'application/json'}, 'POST', '{"timbalPageSize":2}')
        answer(h, 'list', 0, *fetch(t, '', key))
        s, b = fetch(t, '', key)
        tok = json.loads(b)['next_page_token'] or ''
        answer(h, 'list-next-page', 0, *fetch(t, '?page_token=' + tok, key), cursor=7)
        answer(h, 'list-bad-token', 0, *fetch(t, '?page_token=nope', key), cursor=7)
        for shape in ('data', 'items', 'results', 'array'):
            fetch(cfg, '', {'Content-Type': 'application/json'}, 'POST',
                  '{"timbalListShape":"%s"}' % shape)
            answer(h, 'list-' + shape, 0, *fetch(t, '', key))
        answer(h, 'get', 1, *fetch(t, '/con_000001', key))
        answer(h, 'get-404', 1, *fetch(t, '/con_999999', key))
        answer(h, 'get-releases-404', 1, *fetch(t, '/releases', key))
        answer(h, 'list-401', 0, *fetch(t, '', {'Authorization': 'Bearer wrong'}))
        answer(h, 'update-202', 4, *fetch(t, '/con_000001/update', key, 'POST', '{"version":null}'))
        answer(h, 'update-403', 4, *fetch(t, '/con_000001/update', ro, 'POST', '{}'))
        answer(h, 'update-404-release', 3, *fetch(t, '/con_000001/update', key, 'POST', '{"version":"0.9.9"}'))
        answer(h, 'update-400', 3, *fetch(t, '/con_000001/update', key, 'POST', 'nope'))
        answer(h, 'update-422', 4, 422, b'{"code":"connector_offline","message":"connector is offline"}')
        answer(h, 'update-402', 4, 402, b'{"code":"REQUEST_FAILED","message":"request failed"}')
        answer(h, 'retry-after-seconds', 2, 429, b'120')
        answer(h, 'retry-after-date', 2, 429, b'Fri, 02 Jan 2026 03:05:00 GMT')

        # --- aisquared: 0 list, 1 get, 2 Retry-After
        a = base + '/aisquared/api/v1/connectors'
        h = 'fuzz_aisquared'
        ak = {'Authorization': 'Bearer demo-key', 'Workspace-Id': '1'}
        answer(h, 'list', 0, *fetch(a, '?page=1&per_page=2', ak), cursor=1)
        answer(h, 'list-last-page', 0, *fetch(a, '?page=2&per_page=2', ak), cursor=2)
        s, b = fetch(a, '?page=1&per_page=1', ak)
        ident = json.loads(b)['data'][0]['id']
        answer(h, 'get', 1, *fetch(a, '/' + ident, ak))
        answer(h, 'get-404', 1, *fetch(a, '/999999', ak))
        answer(h, 'list-400-no-workspace', 0, *fetch(a, '', {'Authorization': 'Bearer demo-key'}))
        answer(h, 'put-422', 1, *fetch(a, '/' + ident, dict(ak, **{'Content-Type': 'application/json'}), 'PUT', '[]'))
        answer(h, 'put-403', 1, *fetch(a, '/' + ident, {'Authorization': 'Bearer demo-readonly-key', 'Workspace-Id': '1'}, 'PUT', '{"connector":{}}'))
        answer(h, 'retry-after', 2, 429, b'7')
        answer(h, 'put-400-hash', 1, 400, b'{"errors":{"connector":{"name":["must be filled"]}}}')
        answer(h, 'put-422-source', 1, 422, b'{"errors":[{"status":422,"title":"Error","detail":"Connector update failed","source":{"configuration":"is invalid"}}]}')
        answer(h, 'list-400-workspace', 0, *fetch(a, '', {'Authorization': 'Bearer demo-key', 'Workspace-Id': '999'}))

        # --- b3os
        o = base + '/b3os/v1/connectors'
        h = 'fuzz_b3os'
        bk = {'Authorization': 'Bearer demo-key'}  # a key alone names its org (client.ts)
        answer(h, 'list', 0, *fetch(o, '?limit=2&offset=0', bk))
        answer(h, 'list-last-page', 0, *fetch(o, '?limit=2&offset=2', bk), cursor=2)
        s, b = fetch(o, '?limit=1', bk)
        ident = json.loads(b)['data']['items'][0]['id']
        answer(h, 'get', 1, *fetch(o, '/' + ident, bk))
        answer(h, 'get-404', 1, *fetch(o, '/nope', bk))
        answer(h, 'list-401', 0, *fetch(o, '', {'Authorization': 'Bearer wrong', 'X-Org-ID': 'demo-org'}))
        answer(h, 'put-invalid-json', 1, *fetch(o, '/' + ident, bk, 'PUT', '{'))
        answer(h, 'retry-after', 2, 429, b'Fri, 02 Jan 2026 03:04:06 GMT')
        answer(h, 'put-409', 1, 409, b'{"success":false,"error":{"message":"another update may have occurred","code":"CONFLICT"},"requestId":"req_9"}')

        # --- databar
        d = base + '/databar/v1/connectors'
        h = 'fuzz_databar'
        dk = {'x-apikey': 'demo-key'}
        s, b = fetch(d, '/', dk)  # the list path has its slash (databar-python client.py)
        answer(h, 'list', 0, s, json.dumps(json.loads(b)[:2], separators=(',', ':')).encode())
        did = '/' + str(json.loads(b)[0]['id'])
        answer(h, 'get', 1, *fetch(d, did, dk))
        answer(h, 'get-404', 1, *fetch(d, '/99999', dk))
        answer(h, 'get-422-path', 1, *fetch(d, '/abc', dk))
        answer(h, 'list-422-header', 0, *fetch(d, '/', {}))
        answer(h, 'put-422-body', 1, *fetch(d, did, dict(dk, **{'Content-Type': 'application/json'}), 'PUT',
                                            '{"name":"' + 'x' * 300 + '","rate_limit":0}'))
        answer(h, 'put-406', 1, 406, b'{"detail":"Insufficient credits"}')
        answer(h, 'retry-after', 2, 503, b'-5')

        # --- bigdata
        g = base + '/bigdata/contents/v1/connectors'
        h = 'fuzz_bigdata'
        gk = {'X-API-KEY': 'demo-key'}
        s, b = fetch(g, '', gk)
        results = json.loads(b)['results']
        answer(h, 'list', 0, s, json.dumps({'results': results[:3]}, separators=(',', ':')).encode())
        for c in results[:3]:
            answer(h, 'get-' + c['type'], 1, *fetch(g, '/' + c['connector_id'], gk))
        answer(h, 'get-400-uuid', 1, *fetch(g, '/not-a-uuid', gk))
        answer(h, 'get-404', 1, *fetch(g, '/00000000-0000-0000-0000-000000000000', gk))
        answer(h, 'list-401', 0, *fetch(g, '', {}))
        answer(h, 'retry-after', 2, 429, b'99999999999')
        answer(h, 'gateway-403', 1, *fetch(base + '/bigdata/contents/v1/nowhere', '', gk))
        answer(h, 'waf-403-html', 1, *fetch(g, '/' + results[0]['connector_id'],
                                            dict(gk, **{'Content-Type': 'application/json'}), 'PUT',
                                            '{"label":"<script>x</script>"}'))

        # --- documents for the diff and the schema validator: editable documents per vendor
        docs = {}
        docs[1] = json.loads(fetch(a, '/' + json.loads(fetch(a, '?per_page=1', ak)[1])['data'][0]['id'], ak)[1])['data']['attributes']
        docs[3] = json.loads(fetch(d, did, dk)[1])
        docs[4] = results[0]
    finally:
        proc.terminate()
        proc.wait()

    compact = lambda v: json.dumps(v, separators=(',', ':')).encode()
    # Diff: vendor byte, before NUL after [NUL mine]
    h = 'fuzz_connector_diff'
    d3 = docs[3]
    editable = {k: d3[k] for k in ('name', 'type', 'method', 'url', 'headers', 'parameters', 'body',
                                   'body_template', 'rate_limit', 'max_concurrency') if k in d3}
    changed = json.loads(json.dumps(editable))
    changed['rate_limit'] = 10
    changed['headers'] = list(reversed(changed.get('headers', []))) + [{'name': 'X-Trace', 'value': 'on'}]
    write(h, 'databar-edit', bytes([3]) + compact(editable) + b'\0' + compact(changed))
    mine = json.loads(json.dumps(editable))
    mine['name'] = 'renamed'
    write(h, 'databar-merge', bytes([3]) + compact(editable) + b'\0' + compact(changed) + b'\0' + compact(mine))
    ai = {k: docs[1][k] for k in ('name', 'connector_type', 'configuration', 'connector_name') if k in docs[1]}
    ai2 = json.loads(json.dumps(ai))
    ai2['configuration'] = dict(ai2.get('configuration', {}), password='hunter2', port=5433)
    write(h, 'aisquared-secret', bytes([1]) + compact(ai) + b'\0' + compact(ai2))
    bd = {'label': 'Inbox', 'description': '', 'share_with_org': False,
          'config': {'allowed_emails': ['a@example.com', 'b@example.com']}}
    bd2 = {'label': 'Inbox', 'description': 'x', 'share_with_org': True,
           'config': {'allowed_emails': ['b@example.com', 'c@example.com', 'b@example.com']}}
    write(h, 'bigdata-by-value', bytes([4]) + compact(bd) + b'\0' + compact(bd2))
    b3 = {'name': 'n', 'description': 'd', 'data': {'token': 's3cret', 'url': 'https://x'}}
    write(h, 'b3os-data', bytes([2]) + compact(b3) + b'\0' + compact(dict(b3, data={'token': 'new'})))
    write(h, 'scalars', bytes([0]) + b'[1,"1",null,true]\0[true,null,"1",1.5]')
    write(h, 'not-json', bytes([0]) + b'{"a":\0{"a":1}')

    # Schema validator: vendor byte, document
    h = 'fuzz_schema_validator'
    write(h, 'aisquared-valid', bytes([1]) + compact(ai))
    write(h, 'b3os-valid', bytes([2]) + compact(b3))
    write(h, 'databar-valid', bytes([3]) + compact(editable))
    write(h, 'databar-invalid', bytes([3]) + compact(dict(editable, name='x' * 300, rate_limit=0,
                                                          method='FETCH', headers=[{'name': 1}])))
    write(h, 'bigdata-valid', bytes([4]) + compact(bd))
    write(h, 'bigdata-invalid', bytes([4]) + compact(dict(bd, label=None, config={'allowed_emails': ['nope']})))
    write(h, 'timbal-empty', bytes([0]) + b'{}')
    write(h, 'array', bytes([3]) + b'[1,2]')

    # Audit log: limit byte, filter byte, audit.jsonl [NUL audit.jsonl.1]
    h = 'fuzz_audit_log'
    rec = {'time': '2026-01-02T03:04:05.678Z', 'tool': 'cli', 'profile': 'prod', 'vendor': 'databar',
           'connectorId': 'con_0001', 'connectorName': 'Enrich', 'action': 'apply',
           'diff': {'summary': {'changed': 1}, 'entries': [{'op': 'changed', 'path': '/rate_limit', 'before': 60, 'after': 10}]},
           'httpStatus': 200, 'requestId': '', 'outcome': 'applied', 'message': 'applied',
           'before': {'rate_limit': 60, 'headers': [{'name': 'A', 'value': '<redacted>'}]},
           'after': {'rate_limit': 10, 'headers': [{'name': 'A', 'value': '<redacted>'}]},
           'serverDifferences': [{'path': '/rate_limit', 'sent': 60, 'received': 10}],
           'secretPaths': ['/headers/*/value']}
    rec2 = dict(rec, tool='gui', profile='staging', vendor='timbal', connectorId='con_000002',
                action='software-update', outcome='dispatched', httpStatus=202, diff=None,
                before={}, after={}, serverDifferences=[], secretPaths=[])
    lines = compact(rec) + b'\n' + compact(rec2) + b'\n'
    write(h, 'two-records', bytes([0, 0]) + lines)
    write(h, 'filtered-limit', bytes([2, 3]) + lines + compact(rec) + b'\n')
    write(h, 'torn-last-line', bytes([0, 0]) + lines + compact(rec)[:40])
    write(h, 'rotated', bytes([3, 1]) + compact(rec2) + b'\n\0' + lines)
    write(h, 'foreign-lines', bytes([0, 0]) + b'not json\n{"time":"x"}\n\n  ' + compact(rec) + b'  \r\n')


main()
