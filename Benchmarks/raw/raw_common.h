/* raw_common.h - what the raw C baselines share with each other and with
 * warden-bench: the clock, the data shape and the output format. */
#ifndef RAW_COMMON_H
#define RAW_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The target of row i: a bijective scramble of i mod N/2 (as BenchData.address). */
static uint32_t target_of(long i, long distinct) { return (uint32_t)((i % distinct) + 1) * 2654435761u; }

static int ip_text(uint32_t ip, char *out) {
    return sprintf(out, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* One figure, as warden-bench reads it. */
static void report(const char *op, long n, double ms, long rows) {
    printf("op=%s n=%ld ms=%.3f rows=%ld\n", op, n, ms, rows);
    fflush(stdout);
}

#endif
