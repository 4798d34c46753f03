/*
 * broken_backend.c - one source for every way a backend .so can be wrong.
 * Compiled once per case with -D<CASE>; with no define it is a valid backend
 * that stores nothing. Used by BackendLoaderTests to pin each loader message.
 */
#include "warden_backend.h"

#include <stdio.h>
#include <stdlib.h>

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
UNUSED static int32_t ok_insert(warden_backend_t *b, const warden_signal_t *s, char *err, size_t err_len) {
    (void)b, (void)s, (void)err, (void)err_len;
    return WARDEN_OK;
}
UNUSED static int32_t ok_read_at(warden_backend_t *b, int64_t at, warden_row_sink_fn sink, void *ctx, char *err, size_t err_len) {
    (void)b, (void)at, (void)sink, (void)ctx, (void)err, (void)err_len;
    return WARDEN_OK;
}
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
    *out = b;
    return WARDEN_OK;
#endif
}
#endif
