"""A small closed-loop load generator: N client threads, each sending its
next request when the previous one answered, for a fixed time, to
127.0.0.1 only. HTTP/1.0-style requests over a new socket each (gunicorn's
sync workers close the connection after every answer anyway), parsed with
as little Python as possible so that the client's own CPU (on the same
machine) stays small."""
import random
import socket
import threading
import time
from collections import Counter

QUERY_HEADER = b'x-bench-queries'


class Response:
    __slots__ = ('status', 'headers', 'body')

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def server_ms(self):
        value = self.headers.get('x-bench-time')
        return float(value) if value is not None else None

    @property
    def queries(self):
        value = self.headers.get('x-bench-queries')
        return int(value) if value is not None else None

    def text(self):
        return self.body.decode('utf-8', 'replace')


def http(port, method, path, headers=None, body=None, timeout=60):
    "One request to 127.0.0.1:port; return a Response."
    lines = [f'{method} {path} HTTP/1.1', f'Host: 127.0.0.1:{port}',
        'Connection: close']
    for key, value in (headers or {}).items():
        lines.append(f'{key}: {value}')
    if body is not None:
        lines.append(f'Content-Length: {len(body)}')
    data = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
    if body:
        data += body
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(262144)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b''.join(chunks)
    head, _, content = raw.partition(b'\r\n\r\n')
    head_lines = head.split(b'\r\n')
    status = int(head_lines[0].split(b' ', 2)[1])
    parsed = {}
    for line in head_lines[1:]:
        key, _, value = line.partition(b':')
        key = key.strip().lower().decode('latin-1')
        value = value.strip().decode('latin-1')
        if key == 'set-cookie':
            parsed.setdefault(key, []).append(value)
        else:
            parsed[key] = value
    if parsed.get('transfer-encoding', '').lower() == 'chunked':
        content = _unchunk(content)
    return Response(status, parsed, content)


def _unchunk(data):
    out, pos = [], 0
    while True:
        end = data.index(b'\r\n', pos)
        size = int(data[pos:end].split(b';')[0], 16)
        if not size:
            return b''.join(out)
        out.append(data[end + 2:end + 2 + size])
        pos = end + 2 + size + 2


class Result:
    "What one benchmark measured."

    def __init__(self, name, clients):
        self.name, self.clients = name, clients
        self.latencies = []
        self.queries = []
        self.server = []
        self.errors = Counter()
        self.elapsed = 0.0
        # Every operation that ended, warm-up and errors included: what the
        # server's CPU time is divided by (bench/cpu.py).
        self.calls = 0
        self.lock = threading.Lock()

    def add(self, latency, queries=None, server_ms=None):
        with self.lock:
            self.latencies.append(latency)
            if queries is not None:
                self.queries.append(queries)
            if server_ms is not None:
                self.server.append(server_ms)

    def error(self, kind):
        with self.lock:
            self.errors[kind] += 1

    def summary(self):
        lat = sorted(self.latencies)
        count = len(lat)
        return {
            'requests': count,
            'errors': sum(self.errors.values()),
            'error_kinds': dict(self.errors),
            'clients': self.clients,
            'seconds': round(self.elapsed, 2),
            'throughput': round(count / self.elapsed, 2)
                if self.elapsed else None,
            'p50_ms': round(percentile(lat, 50) * 1000, 2) if lat else None,
            'p95_ms': round(percentile(lat, 95) * 1000, 2) if lat else None,
            'max_ms': round(lat[-1] * 1000, 2) if lat else None,
            'queries_mean': round(sum(self.queries) / len(self.queries), 1)
                if self.queries else None,
            'queries_max': max(self.queries) if self.queries else None,
            # time spent in the worker (without queueing), per request
            'server_ms_p50': round(percentile(sorted(self.server), 50), 2)
                if self.server else None,
            }


def percentile(ordered, p):
    "Nearest-rank percentile of an ascending list."
    if not ordered:
        return None
    k = max(0, min(len(ordered) - 1,
            int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def run(name, make_client, clients, duration, warmup=0.0):
    """Run `clients` threads for `duration` seconds. make_client(i) returns
    a callable doing one measured operation and returning (ok, queries
    [, latency [, server milliseconds]]) — latency when the call timed its
    own part (None: the whole call) — or raising; an operation that started before the deadline is counted.
    The first `warmup` seconds are not recorded."""
    result = Result(name, clients)
    callables = [make_client(i) for i in range(clients)]
    start_barrier = threading.Barrier(clients + 1)
    times = {}

    def worker(call, index):
        rnd = random.Random(index)
        start_barrier.wait()
        begin = times['begin']
        record_from = begin + warmup
        deadline = record_from + duration
        # Spread the clients' first requests over a few milliseconds.
        time.sleep(rnd.random() * 0.005)
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            try:
                answer = call()
            except Exception as exception:  # noqa: BLE001
                if t0 >= record_from:
                    result.error(f'{type(exception).__name__}: '
                        f'{str(exception)[:120]}')
                continue
            measured = time.perf_counter() - t0
            with result.lock:
                result.calls += 1
            ok, queries, latency, server_ms = (tuple(answer)
                + (None, None))[:4]
            if latency is None:
                latency = measured
            # A warm-up operation is left out, unless it ran past the
            # deadline: on a slow machine with a short run (the CI smoke
            # test) it is the client's only measure.
            if t0 < record_from and time.perf_counter() < deadline:
                continue
            if ok is True:
                result.add(latency, queries, server_ms)
            else:
                result.error(str(ok)[:160])
        with result.lock:
            times['end'] = max(times.get('end', 0), time.perf_counter())

    threads = [threading.Thread(target=worker, args=(call, i), daemon=True)
        for i, call in enumerate(callables)]
    for thread in threads:
        thread.start()
    times['begin'] = time.perf_counter()
    start_barrier.wait()
    for thread in threads:
        thread.join()
    result.elapsed = times.get('end', times['begin']) - (
        times['begin'] + warmup)
    return result


def forwarded_for(rnd):
    "A citizen's address, as nginx would pass it (num_proxies = 1)."
    return (f'{rnd.randrange(1, 224)}.{rnd.randrange(256)}.'
        f'{rnd.randrange(256)}.{rnd.randrange(1, 255)}')


def warm(port, paths, workers, cheap_queries, rounds=20, settled=3):
    """Each gunicorn worker keeps its own caches and starts empty: rounds
    in which each path is asked three times per worker, concurrently,
    until a whole round is answered with fewer than cheap_queries SQL
    queries per request (from the caches) `settled` times in a row."""
    from concurrent.futures import ThreadPoolExecutor
    cached = 0
    with ThreadPoolExecutor(3 * workers) as executor:
        for _ in range(rounds):
            answers = list(executor.map(
                    lambda path: http(port, 'GET', path, timeout=3600),
                    list(paths) * 3 * workers))
            if all(a.status == 200 and (a.queries or 0) < cheap_queries
                    for a in answers):
                cached += 1
                if cached >= settled:
                    return
            else:
                cached = 0
