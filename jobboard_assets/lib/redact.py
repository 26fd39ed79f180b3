"""Credentials never leave the process inside a message: URLs and DSNs in error text are masked.

Board URLs may carry credentials (a private feed's user:password, an `api_key=` or `token=`
parameter) and source errors quote the URL they failed on; a database error could quote a DSN.
Errors become Dagster log lines, step-failure metadata and pipeline_jobs rows, so they are masked
where they become messages: the secret is replaced by `***`, the rest stays readable.
"""

from __future__ import annotations

import re

_USERINFO_PASSWORD = re.compile(
    r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)[^@/?#\s]*(?=@)", re.I
)
_SECRET_PARAMETER = re.compile(
    r"(?P<head>(?:[?&;]|\b)(?:[\w.-]*(?:password|passwd|pwd|secret|token|api_?key|apikey|"
    r"signature|sig)[\w.-]*)=)[^&#\s\]\"',;]+",
    re.I,
)


def mask_credentials(text: str) -> str:
    """`text` with URL passwords and secret-looking parameter values replaced by `***`."""
    return _SECRET_PARAMETER.sub(r"\g<head>***", _USERINFO_PASSWORD.sub(r"\g<head>***", text))
