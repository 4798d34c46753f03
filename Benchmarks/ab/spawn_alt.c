/*
 * spawn_alt.c - times whole processes the way warden-bench's processFigures does
 * (posix_spawn, stdout to /dev/null, CLOCK_MONOTONIC around spawn+waitpid), but for
 * several commands interleaved in one loop, so every command sees the same machine.
 *
 * Usage: spawn_alt COUNT WARMUP LABEL CMD... [-- LABEL CMD...]...
 *   Every "{ip}" argument is replaced by iteration i's address 10.250.(i/250).(i%250+1)
 *   (warmup iterations use 10.249.x.y). The first two commands (the A/B pair) swap order
 *   every iteration; any further command (the raw C program) runs after them.
 * Prints, per command: "LABEL median_ms p90_ms mean_ms min_ms count".
 * Exits 1 if any timed process exits non-zero.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>

extern char **environ;

typedef struct { const char *label; char **argv; int argc; double *ms; } Cmd;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double run(Cmd *c, const char *ip) {
    char *argv[256];
    for (int k = 0; k < c->argc; k++) argv[k] = strcmp(c->argv[k], "{ip}") == 0 ? (char *)ip : c->argv[k];
    argv[c->argc] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    double t0 = now_ms();
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    if (rc != 0) { fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(rc)); exit(1); }
    int status = 0;
    waitpid(pid, &status, 0);
    double ms = now_ms() - t0;
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s (%s) failed with status %d\n", c->label, ip, status);
        exit(1);
    }
    return ms;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The same nearest-rank percentile as warden-bench's processFigures. */
static double pct(double *v, int n, double p) {
    int i = (int)((n - 1) * p + 0.5);
    return v[i < n ? i : n - 1];
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: spawn_alt COUNT WARMUP LABEL CMD... [-- LABEL CMD...]...\n"); return 2; }
    int count = atoi(argv[1]), warmup = atoi(argv[2]);
    Cmd cmds[8];
    int nc = 0;
    for (int i = 3; i < argc && nc < 8;) {
        Cmd *c = &cmds[nc++];
        c->label = argv[i++];
        c->argv = &argv[i];
        c->argc = 0;
        while (i < argc && strcmp(argv[i], "--") != 0) { c->argc++; i++; }
        if (i < argc) i++;
        c->ms = calloc(count > 0 ? count : 1, sizeof(double));
    }
    char ip[32];
    for (int i = 0; i < warmup; i++) {
        snprintf(ip, sizeof ip, "10.249.%d.%d", i / 250, i % 250 + 1);
        for (int k = 0; k < nc; k++) run(&cmds[k], ip);
    }
    for (int i = 0; i < count; i++) {
        snprintf(ip, sizeof ip, "10.250.%d.%d", i / 250, i % 250 + 1);
        for (int k = 0; k < nc; k++) {
            int j = (nc >= 2 && k < 2 && (i & 1)) ? 1 - k : k;  /* A,B then B,A ... */
            cmds[j].ms[i] = run(&cmds[j], ip);
        }
    }
    for (int k = 0; k < nc; k++) {
        double sum = 0;
        for (int i = 0; i < count; i++) sum += cmds[k].ms[i];
        qsort(cmds[k].ms, count, sizeof(double), cmp);
        printf("%s %.3f %.3f %.3f %.3f %d\n", cmds[k].label, pct(cmds[k].ms, count, 0.5),
               pct(cmds[k].ms, count, 0.9), sum / count, cmds[k].ms[0], count);
    }
    return 0;
}
