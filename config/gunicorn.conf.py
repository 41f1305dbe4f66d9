# gunicorn -c config/gunicorn.conf.py gov_server.wsgi:application
# with TRYTOND_CONFIG=config/trytond-postgresql.conf in the environment.
bind = '127.0.0.1:8000'
workers = 4          # about 2 per core; all state lives in PostgreSQL
worker_class = 'sync'
timeout = 120
# Recycle workers to bound memory growth, not more often: a new worker
# starts with empty caches (trytond's listener empties them when it
# connects) and renders the catalogue's cards and pages again, a few
# seconds of CPU. At 2,000 requests the workers restarted every 10-15 s
# under load and the procedure page ran 20 queries a request instead of 10
# (bench/README.md).
max_requests = 20000
max_requests_jitter = 2000
accesslog = '-'

# Load the application — and the database's Pool (gov_server.wsgi) — once,
# in the master, then fork the workers. Without it every worker, and every
# worker recycled by max_requests (every few seconds under load), loads all
# the modules again: about a second of CPU each time (measured by bench/,
# see the README's Performance section). A code upgrade then needs a
# restart of the master, not a HUP.
preload_app = True


def post_fork(server, worker):
    """A worker ends with its master. A master killed (SIGKILL, OOM killer)
    would leave its workers serving on the port until their next wake-up
    (timeout / 2: a minute), and the master that supervisor starts again
    (deploy/supervisord.conf) could not bind it. Linux: the kernel sends
    the worker SIGTERM — a graceful stop — when its master dies."""
    import sys
    if not sys.platform.startswith('linux'):
        return
    import ctypes
    import os
    import signal
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != server.pid:  # the master died before prctl
        os._exit(0)
