"""Reading the links of the e-mails in Django's locmem outbox."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core import mail


def link_params(message: mail.EmailMessage) -> dict[str, str]:
    """The ``uid`` and ``token`` of the one link in a message (its text and HTML bodies agree)."""
    urls = re.findall(r"https?://\S+", message.body)
    assert len(urls) == 1, message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert urls[0].replace("&", "&amp;") in html
    query = parse_qs(urlsplit(urls[0]).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}
