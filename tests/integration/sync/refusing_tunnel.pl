#!/usr/bin/perl
# A tunnel that makes a real Dovecot refuse one command:
#
#   refusing_tunnel.pl VERB N ANSWER LOG COMMAND...
#
# runs COMMAND (the store's `doveadm exec imap`) and passes the IMAP stream
# through, except for the N-th client command whose name (after the tag) is
# VERB, e.g. "UID STORE", "UID EXPUNGE" or "APPEND". That command, with any
# literals it carries, never reaches the server: it is replaced by one that
# Dovecot answers, under the same tag, with ANSWER:
#   NO  - a STATUS of a mailbox that does not exist ([NONEXISTENT]);
#   BAD - a command Dovecot does not know.
# The store is thus left as a server that refused the command leaves it, and
# the answers keep their order among pipelined commands. Each refusal is
# recorded in LOG ("TAG VERB ANSWER"), so a test can tell it took place.
use strict;
use warnings;
use IO::Handle;
use IO::Select;
use IPC::Open2;

my ($verb, $nth, $answer, $log, @command) = @ARGV;
die "usage: $0 VERB N NO|BAD LOG COMMAND...\n"
    unless @command && $nth =~ /^[1-9][0-9]*$/ && $answer =~ /^(?:NO|BAD)$/;

my $pid = open2(my $from_server, my $to_server, @command);
$to_server->autoflush(1);
STDOUT->autoflush(1);
$SIG{PIPE} = 'IGNORE';

my $seen = 0;          # commands named VERB so far
my $in = '';           # client bytes not yet handled
my $literal = 0;       # bytes of a literal still to pass (or drop)
my $at_start = 1;      # the next line starts a command
my $refusing;          # tag of the command being dropped, if any

sub replacement {
    my ($tag) = @_;
    return $answer eq 'NO' ? qq{$tag STATUS "refused-by-test" (MESSAGES)\r\n}
                           : "$tag REFUSED-BY-TEST\r\n";
}

# handle_client: consumes what it can of $in.
sub handle_client {
    while (length $in) {
        if ($literal > 0) {
            my $part = substr($in, 0, $literal, '');
            $literal -= length $part;
            print {$to_server} $part unless defined $refusing;
            next;
        }
        my $end = index($in, "\n");
        return if $end < 0;
        my $line = substr($in, 0, $end + 1, '');
        if ($at_start && $line =~ /^(\S+) \Q$verb\E /i && ++$seen == $nth) {
            $refusing = $1;
        }
        if ($line =~ /\{([0-9]+)(\+?)\}\r?\n\z/) {
            ($literal, my $plus) = ($1, $2);
            $at_start = 0;
            # A synchronising literal waits for a continuation the server
            # will never send: give it ourselves.
            print STDOUT "+ go ahead\r\n" if defined $refusing && $plus eq '';
        } else {
            $at_start = 1;
        }
        if (!defined $refusing) {
            print {$to_server} $line;
        } elsif ($at_start) {
            print {$to_server} replacement($refusing);
            open(my $fh, '>>', $log) or die "$log: $!\n";
            print {$fh} "$refusing $verb $answer\n";
            close $fh;
            undef $refusing;
        }
    }
}

my $select = IO::Select->new(\*STDIN, $from_server);
while ($select->count) {
    for my $fh ($select->can_read) {
        my $n = sysread($fh, my $buf, 65536);
        if (!$n) {
            $select->remove($fh);
            close $to_server if fileno($fh) == fileno(STDIN);
            next;
        }
        if (fileno($fh) == fileno(STDIN)) {
            $in .= $buf;
            handle_client();
        } else {
            print STDOUT $buf;
        }
    }
}
waitpid($pid, 0);
exit($? >> 8);
