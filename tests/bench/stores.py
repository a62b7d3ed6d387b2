"""Throw-away Dovecot stores for the benchmark, reached with `doveadm exec imap`.

A store is a directory holding its dovecot.conf, its mail and its log. The
configuration names absolute paths inside that directory, so a store is
snapshotted and restored with `cp -a` at the same path.
"""

import os
import shlex
import shutil
import subprocess

# Dovecot refuses to serve mail as root, and its imap aborts when the peer of
# a socketpair runs as root: as root, the server side runs as nobody.
if os.getuid() == 0:
    AS_MAIL_USER = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "env", "USER=nobody", "HOME=/tmp"]
else:
    AS_MAIL_USER = ["env"]


def create(directory, mail_format):
    """An empty store in `directory` (mdbox or maildir, "/" as delimiter)."""
    os.makedirs(directory)
    with open(os.path.join(directory, "dovecot.conf"), "w") as conf:
        conf.write("\n".join([
            "log_path = %s/dovecot.log" % directory,
            "ssl = no",
            "mail_home = %s/home" % directory,
            "mail_location = %s:%s/Mail" % (mail_format, directory),
        ] + ([
            "mail_uid = nobody", "mail_gid = nogroup",
            "first_valid_uid = 0", "first_valid_gid = 0",
        ] if os.getuid() == 0 else []) + [
            "namespace {", "  inbox = yes", "  separator = /", "}", ""]))
    chown(directory)


def chown(directory):
    if os.getuid() == 0:
        subprocess.run(["chown", "-R", "nobody:nogroup", directory], check=True)


def imap_argv(directory):
    """The command speaking IMAP (PREAUTH) for the store on stdin/stdout."""
    return AS_MAIL_USER + ["doveadm", "-c", os.path.join(directory, "dovecot.conf"), "exec", "imap"]


def tunnel_command(directory, delay_ms=0, proxy=None):
    """The `command =` of an interimap tunnel to the store, `delay_ms` away
    in each direction through the `proxy` executable (delay_proxy.c)."""
    argv = imap_argv(directory)
    if delay_ms:
        argv = [proxy, "%g" % (delay_ms / 1000)] + argv
    return " ".join(shlex.quote(a) for a in argv)


def snapshot(source, target):
    if os.path.exists(target):
        shutil.rmtree(target)
    subprocess.run(["cp", "-a", source, target], check=True)


def restore(snapshot_dir, target):
    if os.path.exists(target):
        shutil.rmtree(target)
    subprocess.run(["cp", "-a", snapshot_dir, target], check=True)
