"""Django's test mailbox with a fault switch: the mail server refusing or dropping the next
emails, as an SMTP server does (`smtplib`'s own errors), for the outbox model to throw at the
sender without patching it."""

import smtplib

from django.core.mail.backends import locmem


class FaultyMailbox(locmem.EmailBackend):
    #: What happens to the next emails, in order: "disconnect" (the server drops the
    #: connection: try again later) or "refuse" (the server refuses the recipient: final).
    faults: list[str] = []

    def send_messages(self, messages):
        if FaultyMailbox.faults:
            fault = FaultyMailbox.faults.pop(0)
            if fault == "disconnect":
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            recipients = {address: (550, b"5.1.1 No such mailbox") for address in messages[0].to}
            raise smtplib.SMTPRecipientsRefused(recipients)
        return super().send_messages(messages)
