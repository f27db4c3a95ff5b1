"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, in a thread of the test process.

`mail_server` (tests/conftest.py) starts one per test and points Django's
SMTP backend at it. It keeps every message it receives, parsed, and it can
be taken down and brought back on the same port, as a mail server that is
briefly unreachable would be, or refuse every recipient.
"""

import email
import email.policy
import logging
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from tests.servers import free_port

HOST = "127.0.0.1"

# aiosmtpd logs every SMTP line it reads; that is the test server's record,
# not the site's, and stays out of the logs the tests read.
SERVER_LOGGER = "mail.log"
logging.getLogger(SERVER_LOGGER).propagate = False


@dataclass
class Received:
    """One message as the server got it: envelope and parsed message."""

    sender: str
    recipients: list
    message: email.message.EmailMessage

    @property
    def subject(self):
        return self.message["Subject"]

    def text(self):
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self):
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class _Handler:
    received: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse_recipients: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_recipients:
            # As a real server says it: the refusal quotes the address.
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd listening on 127.0.0.1:`port`; `down()` and `up()` stop and restart it."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self._handler = _Handler()
        self._controller = None

    @property
    def received(self):
        with self._handler.lock:
            return list(self._handler.received)

    def to(self, address):
        """The messages whose envelope names `address`."""
        return [item for item in self.received if address in item.recipients]

    def up(self):
        if self._controller is None:
            self._controller = Controller(self._handler, hostname=HOST, port=self.port)
            self._controller.start()
        return self

    def refuse_recipients(self, refuse=True):
        """Answer every recipient with a permanent 550 that names the address."""
        self._handler.refuse_recipients = refuse

    def down(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count, timeout=10):
        """Wait until `count` messages have arrived; the messages."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received
