// pullimap: pulls the messages of one IMAP mailbox and delivers them over
// SMTP or LMTP, each exactly once. Everything lives in the core library;
// this is only the entry point.
#include "app/pullimap_main.hpp"

int main(int argc, char** argv) {
    return interimap::app::pullimap_main(argc, argv);
}
