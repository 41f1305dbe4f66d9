# gunicorn -c config/gunicorn.conf.py gov_server.wsgi:application
# with TRYTOND_CONFIG=config/trytond-postgresql.conf in the environment.
bind = '127.0.0.1:8000'
workers = 4          # about 2 per core; all state lives in PostgreSQL
worker_class = 'sync'
timeout = 120
max_requests = 2000  # recycle workers to bound memory growth
max_requests_jitter = 200
accesslog = '-'
