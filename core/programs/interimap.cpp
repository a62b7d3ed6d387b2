// interimap: fast bidirectional synchronisation of two QRESYNC-capable IMAP
// servers. Everything lives in the core library; this is only the entry point.
#include "app/interimap_main.hpp"

int main(int argc, char** argv) {
    return interimap::app::interimap_main(argc, argv);
}
