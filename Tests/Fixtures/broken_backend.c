/*
 * broken_backend.c - one source for every way a backend .so can be wrong.
 * Compiled once per case with -D<CASE>; with no define it is a valid backend
 * that stores nothing. Used by BackendLoaderTests to pin each loader message,
 * and by ABIArrayTests for the host's side of the versioning rules:
 *   SHORT_ROW        read_at returns a 128-byte row (smaller than ABI 1.0's)
 *   LONG_ROW         read_at returns rows of a simulated 1.1 (one appended int64)
 *   SHORT_EXTENSION  warden.maintenance/1 is an 8-byte table
 *   INSERT_ECHOES    insert fails with a description of the signal it read
 *   SLOW_READS       read_at takes 3 s (a contended database), then reads nothing
 */
#ifdef SLOW_READS
#define _POSIX_C_SOURCE 200809L /* sleep */
#include <unistd.h>
#endif
#include "warden_backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Some cases never reference the valid members. */
#define UNUSED __attribute__((unused))

UNUSED static int32_t ok_init(warden_backend_t *b, warden_map_t config, char *err, size_t err_len) {
    (void)b, (void)config;
#ifdef INIT_FAILS
    snprintf(err, err_len, "missing config key 'db_path': name the SQLite file");
    return WARDEN_E_INVALID;
#else
    (void)err, (void)err_len;
    return WARDEN_OK;
#endif
}
#ifdef INSERT_ECHOES
/* Appends to out[0, len) at offset `at` like snprintf; returns the new end. */
static size_t appendf(char *out, size_t len, size_t at, const char *format, ...) {
    if (at >= len) return at;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(out + at, len - at, format, args);
    va_end(args);
    return at + (size_t)(n > 0 ? n : 0);
}
#define STR(s) (int)(s).len, (s).ptr ? (s).ptr : ""
#endif
UNUSED static int32_t ok_insert(warden_backend_t *b, const warden_signal_t *s, char *err, size_t err_len) {
    (void)b, (void)s, (void)err, (void)err_len;
#ifdef INSERT_ECHOES
    /* Every size and string the host laid out, read the way the header asks. */
    warden_signal_t signal;
    warden_copy_versioned(&signal, sizeof signal, s, s->struct_size, 0);
    size_t at = appendf(err, err_len, 0, "signal %u; bans %zu x %zu:", (unsigned)signal.struct_size, signal.ban_count,
                        signal.ban_stride);
    for (size_t i = 0; i < signal.ban_count; i++) {
        warden_ban_t ban;
        warden_copy_versioned(&ban, sizeof ban, signal.bans, signal.ban_stride, i);
        at = appendf(err, err_len, at, " [%u %.*s]", (unsigned)ban.struct_size, STR(ban.target));
    }
    at = appendf(err, err_len, at, "; events %zu x %zu:", signal.event_count, signal.event_stride);
    for (size_t i = 0; i < signal.event_count; i++) {
        warden_event_t event;
        warden_copy_versioned(&event, sizeof event, signal.events, signal.event_stride, i);
        at = appendf(err, err_len, at, " [%u %lld %.*s %.*s]", (unsigned)event.struct_size, (long long)event.time_ns,
                     STR(event.source), STR(event.serialized));
    }
    at = appendf(err, err_len, at, "; labels %zu:", signal.labels.count);
    for (size_t i = 0; i < signal.labels.count; i++)
        at = appendf(err, err_len, at, " %.*s=%.*s", STR(signal.labels.items[i].key), STR(signal.labels.items[i].value));
    return WARDEN_E_INVALID;
#else
    return WARDEN_OK;
#endif
}

#if defined(SHORT_ROW) || defined(LONG_ROW)
static warden_str_t text(const char *s) {
    warden_str_t out = {s, strlen(s)};
    return out;
}
/* A complete v1.0 row; the case decides how big the backend says it is. */
static warden_ban_row_t sample_row(int64_t id, const char *target) {
    warden_ban_row_t row;
    memset(&row, 0, sizeof row);
    row.struct_size = sizeof row;
    row.scope = WARDEN_SCOPE_IP;
    row.id = id;
    row.target = text(target);
    row.origin = text("cli");
    row.action = text("ban");
    row.reason = text("long row");
    row.scenario = text("test/long-row");
    row.country = text("NL");
    row.as_name = text("Example AS");
    row.as_number = 64496 + id;
    row.until_ns = 7000000000000000000 + id;
    row.created_ns = 1000 + id;
    row.ban_count = 2 + id;
    row.events_count = 5 + id;
    return row;
}
#endif

UNUSED static int32_t ok_read_at(warden_backend_t *b, int64_t at, warden_row_sink_fn sink, void *ctx, char *err, size_t err_len) {
    (void)b, (void)at, (void)sink, (void)ctx, (void)err, (void)err_len;
#if defined(SLOW_READS)
    sleep(3);
#elif defined(SHORT_ROW)
    /* What a backend built against a draft header might send: a row cut at 128 bytes. */
    warden_ban_row_t row = sample_row(1, "192.0.2.1");
    row.struct_size = 128;
    if (sink(ctx, &row) == 0) {
        snprintf(err, err_len, "the host's sink went on after a row it cannot read");
        return WARDEN_E_INTERNAL;
    }
#elif defined(LONG_ROW)
    /* A backend of a later 1.x minor: its rows carry one more member. */
    struct {
        warden_ban_row_t v1_0;
        int64_t appended;
    } rows[2] = {{sample_row(1, "192.0.2.1"), -1}, {sample_row(2, "2001:db8::2"), -2}};
    for (int i = 0; i < 2; i++) {
        rows[i].v1_0.struct_size = sizeof rows[i];
        if (sink(ctx, &rows[i].v1_0) != 0) break;
    }
#endif
    return WARDEN_OK;
}

#ifdef SHORT_EXTENSION
static int32_t short_run(warden_backend_t *b, int64_t now, uint64_t *expired, uint64_t *purged, char *err, size_t err_len) {
    (void)b, (void)now, (void)err, (void)err_len;
    *expired = 0;
    *purged = 0;
    return WARDEN_OK;
}
/* struct_size says the table ends before `run`. */
static const warden_ext_maintenance_t short_table = {8, 0, short_run};
static const void *short_extension(warden_backend_t *b, const char *id) {
    (void)b;
    return strcmp(id, WARDEN_EXT_MAINTENANCE) == 0 ? &short_table : NULL;
}
#endif
UNUSED static int32_t ok_delete(warden_backend_t *b, warden_str_t t, uint64_t *n, char *err, size_t err_len) {
    (void)b, (void)t, (void)err, (void)err_len;
    *n = 0;
    return WARDEN_OK;
}
UNUSED static int32_t ok_delete_all(warden_backend_t *b, uint64_t *n, char *err, size_t err_len) {
    (void)b, (void)err, (void)err_len;
    *n = 0;
    return WARDEN_OK;
}
UNUSED static int32_t ok_call(warden_backend_t *b, char *err, size_t err_len) {
    (void)b, (void)err, (void)err_len;
    return WARDEN_OK;
}
UNUSED static void ok_destroy(warden_backend_t *b) { free(b); }

#ifdef CALLS_FAIL
/* Loads and initialises, then fails every call as an unreachable storage would. */
static int32_t io_error(char *err, size_t err_len) {
    snprintf(err, err_len, "storage unreachable: the test fixture fails every call; nothing to do");
    return WARDEN_E_IO;
}
static int32_t fail_insert(warden_backend_t *b, const warden_signal_t *s, char *err, size_t err_len) {
    (void)b, (void)s;
    return io_error(err, err_len);
}
static int32_t fail_read_at(warden_backend_t *b, int64_t at, warden_row_sink_fn sink, void *ctx, char *err, size_t err_len) {
    (void)b, (void)at, (void)sink, (void)ctx;
    return io_error(err, err_len);
}
static int32_t fail_delete(warden_backend_t *b, warden_str_t t, uint64_t *n, char *err, size_t err_len) {
    (void)b, (void)t, (void)n;
    return io_error(err, err_len);
}
static int32_t fail_delete_all(warden_backend_t *b, uint64_t *n, char *err, size_t err_len) {
    (void)b, (void)n;
    return io_error(err, err_len);
}
#endif

#ifdef NO_NEW
WARDEN_EXPORT int32_t NotNew(void) { return 0; }
#else
WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len) {
    (void)host;
#if defined(NEW_FAILS)
    *out = NULL;
    snprintf(err, err_len, "this backend needs host ABI 1.3; upgrade warden");
    return WARDEN_E_ABI;
#elif defined(NEW_RETURNS_NOTHING)
    (void)err, (void)err_len;
    *out = NULL;
    return WARDEN_OK;
#else
    (void)err, (void)err_len;
#ifdef COUNTS
    /* ABI 1.3's counters: a name twice, a name the host must refuse, then more names
     * than an instance may have (16). */
    if (host->struct_size >= WARDEN_END_OF(warden_host_t, count) && host->count) {
        host->count(host->host_data, (warden_str_t){"conflict_retry", 14}, 2);
        host->count(host->host_data, (warden_str_t){"conflict_retry", 14}, 3);
        host->count(host->host_data, (warden_str_t){"Bad-Name", 8}, 1);
        for (int i = 0; i < 17; i++) {
            char name[8];
            int len = snprintf(name, sizeof name, "e%d", i);
            host->count(host->host_data, (warden_str_t){name, (size_t)len}, 1);
        }
    }
#endif
    warden_backend_t *b = calloc(1, sizeof *b);
    b->magic = WARDEN_ABI_MAGIC;
    b->struct_size = sizeof *b;
    b->abi_major = WARDEN_ABI_VERSION_MAJOR;
    b->abi_minor = WARDEN_ABI_VERSION_MINOR;
    b->name.ptr = "broken";
    b->name.len = 6;
    b->version.ptr = "0.0.1";
    b->version.len = 5;
    b->init = ok_init;
    b->insert = ok_insert;
    b->read_at = ok_read_at;
    b->delete_target = ok_delete;
    b->delete_all = ok_delete_all;
    b->flush = ok_call;
    b->start_auto_commit = ok_call;
    b->shutdown = ok_call;
    b->destroy = ok_destroy;
#ifdef BAD_MAGIC
    b->magic = 0x12345678u;
#endif
#ifdef MAJOR_2
    b->abi_major = 2;
    b->abi_minor = 1;
#endif
#ifdef MINOR_1
    b->abi_minor = 1; /* a 1.1 backend, whose insert ends a target's live ban */
#endif
#ifdef SHORT_STRUCT
    b->struct_size = 64;
#endif
#ifdef NULL_READ_AT
    b->read_at = NULL;
#endif
#ifdef CALLS_FAIL
    b->insert = fail_insert;
    b->read_at = fail_read_at;
    b->delete_target = fail_delete;
    b->delete_all = fail_delete_all;
#endif
#ifdef SHORT_EXTENSION
    b->get_extension = short_extension;
#endif
    *out = b;
    return WARDEN_OK;
#endif
}
#endif
