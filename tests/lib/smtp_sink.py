"""A local SMTP sink for the browser tests: python3 smtp_sink.py DIR

Listens on a free port of 127.0.0.1 (printed as "listening PORT" on
stdout), and writes each message it is given as DIR/NNNN.eml, with
DIR/NNNN.json beside it: the recipients, the subject decoded (RFC 2047),
the text and HTML bodies decoded, and each attachment's name, type and
size, as a mail client reads them. Each file appears whole (written, then
renamed). Stops when its stdin closes (the test ended) or on SIGTERM.
"""
import email
import email.policy
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    def write(self, name, data):
        tmp = os.path.join(self.folder, "." + name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(self.folder, name))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        doc = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
               "subject": str(msg["Subject"]), "message_id": str(msg["Message-ID"]),
               "text": "", "html": "", "attachments": []}
        for part in msg.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                doc["attachments"].append({"filename": part.get_filename(),
                                           "content_type": part.get_content_type(),
                                           "size": len(part.get_payload(decode=True))})
            elif part.get_content_type() == "text/plain":
                doc["text"] += part.get_content()
            elif part.get_content_type() == "text/html":
                doc["html"] += part.get_content()
        name = f"{self.count:04d}"
        self.write(name + ".eml", envelope.content)
        self.write(name + ".json", json.dumps(doc, ensure_ascii=False).encode())
        return "250 OK"


def main():
    folder = sys.argv[1]
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Handler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening {port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
