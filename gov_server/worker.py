"""trytond-worker that ends when its database connection is lost, so that
its supervisor starts it again (R-OPS-1).

    python -m gov_server.worker <trytond-worker's options>

trytond 8.0's worker takes its tasks through one connection made at its
start (it LISTENs there for new tasks). When PostgreSQL restarts, that
connection is dead for good: each pull fails, the failure is swallowed,
and the worker loops without ever taking a task again — without dying, so
neither supervisor nor systemd restarts it, and every e-mail and SMS
waits for the 15-minute retry job (the PostgreSQL restart drill found
it). Here a pull that fails on a broken connection logs the error and
ends the process (exit status 1); deploy/supervisord.conf and
deploy/systemd/dvc-worker.service start it again, with a connection of
its own. Everything else is trytond-worker's own code."""
import logging

logger = logging.getLogger('gov_server.worker')


class ConnectionLost(RuntimeError):
    "The worker's connection to its database is broken."


def queue_class(base):
    "trytond.worker.Queue, ending the worker on a broken connection."
    from trytond import backend

    class Queue(base):
        def pull(self, name=None):
            try:
                return super().pull(name)
            except backend.DatabaseOperationalError:
                connection = self.connection
                if connection.closed or getattr(connection, 'broken', False):
                    logger.error('the connection to %s is lost (PostgreSQL '
                        'restarted?): ending, to be started again',
                        self.database.name)
                    raise ConnectionLost(self.database.name)
                raise
    return Queue


def main():
    # trytond.cli.worker.main, with the Queue above; a lost connection
    # ends it with an error (an exit status 1), not silently.
    import trytond.commandline as commandline
    import trytond.config as config
    parser = commandline.get_parser_worker()
    options = parser.parse_args()
    config.update_etc(options.configfile)
    commandline.config_log(options)
    from gov_server.logjson import log_thread_exceptions
    log_thread_exceptions()

    import trytond.worker as worker
    from trytond.pool import Pool
    worker.Queue = queue_class(worker.Queue)
    with commandline.pidfile(options):
        try:
            Pool.start()
            worker.work(options)
        except KeyboardInterrupt:
            pass


if __name__ == '__main__':
    main()
