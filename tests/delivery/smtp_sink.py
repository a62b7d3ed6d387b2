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
        # Each file appears whole (written aside, then renamed): a test that
        # sees N.eml reads all of it, and its envelope is there already.
        def publish(name, data):
            path = os.path.join(directory, name)
            with open(path + ".tmp", "wb") as f:
                f.write(data)
            os.rename(path + ".tmp", path)
        envelope_text = envelope.mail_from + "\n" + "\n".join(envelope.rcpt_tos) + "\n"
        publish("%d.env" % count, envelope_text.encode())
        publish("%d.eml" % count, envelope.original_content)
        return "250 2.0.0 Ok: queued"

# aiosmtpd gives up after 1 s by default when its thread is slow to start,
# which a loaded test machine can take.
controller = Controller(Sink(), hostname="127.0.0.1", port=port, ready_timeout=30)
controller.start()
open(os.path.join(directory, "ready"), "w").close()
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
