#!/usr/bin/python3
# A real SMTP server for the delivery tests (aiosmtpd, Debian's
# python3-aiosmtpd): listens on 127.0.0.1:PORT and writes each message's
# bytes, as received after DATA (dot-unstuffed), to DIR/N.eml, and its
# envelope to DIR/N.env. Writes DIR/ready once listening; stops on SIGTERM.
import os, signal, sys, threading
from aiosmtpd.controller import Controller

port, directory = int(sys.argv[1]), sys.argv[2]
count = 0

class Sink:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        with open(os.path.join(directory, "%d.eml" % count), "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(directory, "%d.env" % count), "w") as f:
            f.write(envelope.mail_from + "\n" + "\n".join(envelope.rcpt_tos) + "\n")
        return "250 2.0.0 Ok: queued"

controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
open(os.path.join(directory, "ready"), "w").close()
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
