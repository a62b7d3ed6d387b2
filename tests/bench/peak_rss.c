/* Preloaded into the program under test: at exit, writes the process's own
 * peak resident set size (VmHWM, KiB) to $BENCH_PEAK_RSS_FILE. wait4()'s
 * ru_maxrss would also count the tunnel children the program reaps (a Dovecot
 * imap process can be larger than the program itself). The variables are
 * removed at start so that the tunnel commands do not inherit them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char report_path[4096];

__attribute__((constructor)) static void peak_rss_start(void) {
    const char* path = getenv("BENCH_PEAK_RSS_FILE");
    if (path != NULL && strlen(path) < sizeof report_path)
        strcpy(report_path, path);
    unsetenv("BENCH_PEAK_RSS_FILE");
    unsetenv("LD_PRELOAD");
}

__attribute__((destructor)) static void peak_rss_report(void) {
    if (report_path[0] == '\0')
        return;
    FILE* status = fopen("/proc/self/status", "r");
    if (status == NULL)
        return;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, status) != NULL)
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    fclose(status);
    FILE* out = fopen(report_path, "w");
    if (out == NULL)
        return;
    fprintf(out, "%ld\n", kib);
    fclose(out);
}
