"""The CPU time the server spent on a benchmark, per operation: gunicorn's
workers and PostgreSQL's processes, read from /proc (Linux; elsewhere the
figures are None).

A latency under load is mostly the queue; these say what an operation
costs and where: in the workers' Python or in the database. On this
shared machine they move with its load as the latencies do (two runs of
the same code a quarter of an hour apart: 155 and 181 ms of the
workers' CPU), so compare runs made one after the other."""
import os
from pathlib import Path

PROC = Path('/proc')
TICKS = os.sysconf('SC_CLK_TCK') if hasattr(os, 'sysconf') else 100


def _stat(pid):
    "(command, parent pid, user + system seconds) of a process, or None."
    try:
        text = (PROC / str(pid) / 'stat').read_text()
    except OSError:
        return None
    # The command is in parentheses and may hold spaces.
    command = text[text.index('(') + 1:text.rindex(')')]
    fields = text[text.rindex(')') + 2:].split()
    # fields[0] is the state (stat's 3rd field): ppid is the 4th, utime
    # and stime the 14th and 15th.
    return command, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _processes():
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat:
                yield int(entry.name), stat


def sample(master_pid):
    """{'workers': {pid: seconds}, 'postgres': {pid: seconds}}: the CPU
    used so far by each of the gunicorn master's workers and each
    PostgreSQL process; None without /proc."""
    if not PROC.is_dir():
        return None
    result = {'workers': {}, 'postgres': {}}
    for pid, (command, parent, seconds) in _processes():
        if parent == master_pid:
            result['workers'][pid] = seconds
        elif command.startswith('postgres'):
            result['postgres'][pid] = seconds
    return result


def _spent(before, after):
    """The CPU seconds spent between two samples of the same processes; a
    process started since counts whole. One that ended since takes its
    time with it: PostgreSQL's backends stay as long as the workers' pooled
    connections, and gunicorn's max_requests is far above a run's
    requests."""
    return sum(seconds - before.get(pid, 0.0)
        for pid, seconds in after.items())


def per_operation(before, after, operations):
    """{'worker_cpu_ms': …, 'postgres_cpu_ms': …} per operation between two
    samples (None when not measured)."""
    if not (before and after and operations):
        return {'worker_cpu_ms': None, 'postgres_cpu_ms': None}
    return {name + '_cpu_ms': round(
            _spent(before[key], after[key]) * 1000 / operations, 2)
        for name, key in [('worker', 'workers'), ('postgres', 'postgres')]}
