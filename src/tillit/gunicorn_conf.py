"""gunicorn's settings for Tillit: ``gunicorn -c python:tillit.gunicorn_conf tillit.wsgi``.

The access log leaves out the client's address, query strings, referrers and the secret
part of one-time links (``tillit.core.logs``), so it holds no personal data and needs no
retention of its own; the application's log (stderr) follows the same rules.
"""

from tillit.core.logs import ACCESS_LOG_FORMAT, access_logger_class

logger_class = access_logger_class()
access_log_format = ACCESS_LOG_FORMAT
