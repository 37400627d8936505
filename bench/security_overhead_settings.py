"""Settings for bench/security_overhead.py: the demo shop with the production
Content-Security-Policy middleware, so that the layer measured includes the header's cost.

With ``TILLIT_SECURITY_MIDDLEWARE=0`` (the baseline server) the CSP goes too. Logins in the
benchmark come from many client addresses, passed on by the benchmark itself as a trusted
proxy on loopback, so that no throttle or block changes what is measured.
"""

import os

from tillit.security.csp import directives
from tillit.settings.demo import *  # noqa: F403
from tillit.settings.demo import INSTALLED_APPS, MIDDLEWARE

if os.environ.get("TILLIT_SECURITY_MIDDLEWARE", "1") != "0":
    # As tillit.settings.production adds it, less the HTTPS upgrade (plain loopback here).
    INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
    MIDDLEWARE = [MIDDLEWARE[0], "csp.middleware.CSPMiddleware", *MIDDLEWARE[1:]]
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives([], upgrade_insecure=False)}

TILLIT_TRUSTED_PROXIES = ["127.0.0.1"]
