/* delay_proxy SECONDS COMMAND [ARGS...]: run COMMAND as a tunnel that is
 * SECONDS away in each direction.
 *
 * Sits between a program's tunnel (our stdin/stdout) and COMMAND (its
 * stdin/stdout, through pipes). Each chunk read from either side is released
 * to the other side SECONDS after it arrived (not after the previous chunk was
 * released), in order: a link with that one-way latency and no bandwidth
 * limit. End of file travels with the same delay. COMMAND's stderr is
 * inherited. Written in C so that its own start-up (about 1 ms) does not
 * weigh on the times of the programs under test. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct chunk {
    struct timespec due;
    size_t length; /* 0: end of file */
    struct chunk* next;
    char data[];
};

struct link {
    int from, to;
    struct chunk *head, *tail;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    pthread_t reader, writer;
};

static struct timespec delay;

static struct timespec due_time(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_sec += delay.tv_sec;
    now.tv_nsec += delay.tv_nsec;
    if (now.tv_nsec >= 1000000000L) {
        now.tv_sec += 1;
        now.tv_nsec -= 1000000000L;
    }
    return now;
}

static void* read_side(void* arg) {
    struct link* link = arg;
    for (;;) {
        struct chunk* chunk = malloc(sizeof *chunk + 65536);
        if (chunk == NULL)
            abort();
        ssize_t got;
        do
            got = read(link->from, chunk->data, 65536);
        while (got < 0 && errno == EINTR);
        chunk->length = got > 0 ? (size_t)got : 0;
        chunk->due = due_time();
        chunk->next = NULL;
        pthread_mutex_lock(&link->lock);
        if (link->tail != NULL)
            link->tail->next = chunk;
        else
            link->head = chunk;
        link->tail = chunk;
        pthread_cond_signal(&link->ready);
        pthread_mutex_unlock(&link->lock);
        if (chunk->length == 0)
            return NULL;
    }
}

static void* write_side(void* arg) {
    struct link* link = arg;
    int broken = 0;
    for (;;) {
        pthread_mutex_lock(&link->lock);
        while (link->head == NULL)
            pthread_cond_wait(&link->ready, &link->lock);
        struct chunk* chunk = link->head;
        link->head = chunk->next;
        if (link->head == NULL)
            link->tail = NULL;
        pthread_mutex_unlock(&link->lock);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &chunk->due, NULL) == EINTR) {
        }
        size_t length = chunk->length;
        for (size_t done = 0; done < length && !broken;) {
            ssize_t put = write(link->to, chunk->data + done, length - done);
            if (put < 0 && errno != EINTR)
                broken = 1;
            else if (put > 0)
                done += (size_t)put;
        }
        free(chunk);
        if (length == 0) {
            close(link->to);
            return NULL;
        }
    }
}

static void start(struct link* link, int from, int to) {
    link->from = from;
    link->to = to;
    link->head = link->tail = NULL;
    pthread_mutex_init(&link->lock, NULL);
    pthread_cond_init(&link->ready, NULL);
    pthread_create(&link->reader, NULL, read_side, link);
    pthread_create(&link->writer, NULL, write_side, link);
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: delay_proxy SECONDS COMMAND [ARGS...]\n");
        return 2;
    }
    double seconds = strtod(argv[1], NULL);
    delay.tv_sec = (time_t)seconds;
    delay.tv_nsec = (long)((seconds - (double)delay.tv_sec) * 1e9);
    signal(SIGPIPE, SIG_IGN);
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) {
        perror("delay_proxy: pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("delay_proxy: fork");
        return 1;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[0]);
        close(to_child[1]);
        close(from_child[0]);
        close(from_child[1]);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "delay_proxy: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    static struct link upstream, downstream;
    start(&upstream, 0, to_child[1]);
    start(&downstream, from_child[0], 1);
    pthread_join(downstream.writer, NULL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
