/*
 * sick_backend.c - the C example backend (bans in memory) behind a switch, for
 * Tests/faults/sick-backend.sh. Config key `control`: a file whose first word is
 * read before every data call (insert, reads, deletes, flush, the changes feed
 * and the history extension):
 *   ok    the call goes through to the in-memory store
 *   fail  the call returns WARDEN_E_IO "sick: told to fail (control file PATH)"
 *   hang  the call waits, re-reading the file every 50 ms, until it says
 *         something else (then acts on that): a storage that stops answering
 * A missing or unreadable file reads as `ok`. init, start_auto_commit, shutdown,
 * destroy and get_extension are never gated, so the daemon can start and stop.
 * Build: cc -std=c11 -shared -fPIC -fvisibility=hidden \
 *           -I Sources/CWardenBackend/include -o libsick.so Tests/faults/sick_backend.c -lpthread
 */
#define _DEFAULT_SOURCE
#define New example_new
#include "../../Examples/c-backend/memory_backend.c"
#undef New

#include <time.h>

static char control_path[4096];

/* 0 ok, 1 fail, 2 hang. */
static int control_state(void) {
    if (!control_path[0]) return 0;
    FILE *f = fopen(control_path, "r");
    if (!f) return 0;
    char word[16] = {0};
    int n = fscanf(f, "%15s", word);
    fclose(f);
    if (n != 1) return 0;
    if (strcmp(word, "fail") == 0) return 1;
    if (strcmp(word, "hang") == 0) return 2;
    return 0;
}

/* WARDEN_OK when the call may go on, else the failure written into err. */
static int32_t gate(const char *call, char *err, size_t err_len) {
    for (;;) {
        int state = control_state();
        if (state == 0) return WARDEN_OK;
        if (state == 1)
            return fail(err, err_len, WARDEN_E_IO, "sick: %s: told to fail (control file %s)", call, control_path);
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

#define GATE(call)                                                 \
    do {                                                           \
        int32_t gated = gate(call, err, err_len);                  \
        if (gated != WARDEN_OK) return gated;                      \
    } while (0)

static int32_t sick_init(warden_backend_t *b, warden_map_t config, char *err, size_t err_len) {
    warden_kv_t *rest = calloc(config.count ? config.count : 1, sizeof *rest);
    if (!rest) return fail(err, err_len, WARDEN_E_INTERNAL, "sick: out of memory");
    size_t kept = 0;
    for (size_t i = 0; i < config.count; i++) {
        if (str_eq(config.items[i].key, "control")) {
            size_t len = config.items[i].value.len < sizeof control_path - 1 ? config.items[i].value.len
                                                                              : sizeof control_path - 1;
            memcpy(control_path, config.items[i].value.ptr, len);
            control_path[len] = 0;
        } else {
            rest[kept++] = config.items[i];
        }
    }
    warden_map_t forwarded = config;
    forwarded.items = rest;
    forwarded.count = kept;
    int32_t status = init(b, forwarded, err, err_len);
    free(rest);
    if (status == WARDEN_OK && !control_path[0])
        return fail(err, err_len, WARDEN_E_INVALID, "sick: config key 'control' is missing");
    return status;
}

static int32_t sick_insert(warden_backend_t *b, const warden_signal_t *s, char *err, size_t err_len) {
    GATE("insert");
    return insert(b, s, err, err_len);
}
static int32_t sick_read_at(warden_backend_t *b, int64_t at, warden_row_sink_fn sink, void *ctx, char *err,
                            size_t err_len) {
    GATE("read_at");
    return read_at(b, at, sink, ctx, err, err_len);
}
static int32_t sick_delete_target(warden_backend_t *b, warden_str_t t, uint64_t *deleted, char *err, size_t err_len) {
    GATE("delete_target");
    return delete_target(b, t, deleted, err, err_len);
}
static int32_t sick_delete_all(warden_backend_t *b, uint64_t *deleted, char *err, size_t err_len) {
    GATE("delete_all");
    return delete_all(b, deleted, err, err_len);
}
static int32_t sick_flush(warden_backend_t *b, char *err, size_t err_len) {
    GATE("flush");
    return flush(b, err, err_len);
}
static int32_t sick_changes_since(warden_backend_t *b, int64_t cursor, int64_t *next, warden_change_sink_fn sink,
                                  void *ctx, char *err, size_t err_len) {
    GATE("changes_since");
    return changes_since(b, cursor, next, sink, ctx, err, err_len);
}
static int32_t sick_target_history(warden_backend_t *b, const warden_target_query_t *q, warden_target_history_t *out,
                                   char *err, size_t err_len) {
    GATE("target_history");
    return target_history(b, q, out, err, err_len);
}
static int32_t sick_read_signals(warden_backend_t *b, const warden_signal_query_t *q, warden_signal_sink_fn sink,
                                 void *ctx, char *err, size_t err_len) {
    GATE("read_signals");
    return read_signals(b, q, sink, ctx, err, err_len);
}
static int32_t sick_delete_signal(warden_backend_t *b, int64_t id, uint64_t *deleted, char *err, size_t err_len) {
    GATE("delete_signal");
    return delete_signal(b, id, deleted, err, err_len);
}
static int32_t sick_delete_ban(warden_backend_t *b, int64_t id, uint64_t *deleted, char *err, size_t err_len) {
    GATE("delete_ban");
    return delete_ban(b, id, deleted, err, err_len);
}
static int32_t sick_insert_signal(warden_backend_t *b, const warden_signal_t *s, int64_t *id, char *err,
                                  size_t err_len) {
    GATE("insert_signal");
    return insert_signal(b, s, id, err, err_len);
}

static const warden_ext_changes_t sick_changes = {sizeof(warden_ext_changes_t), 0, sick_changes_since};
static const warden_ext_history_t sick_history = {
    sizeof(warden_ext_history_t), 0,         sick_target_history, sick_read_signals, sick_delete_signal,
    sick_delete_ban,              sick_insert_signal,
};

static const void *sick_get_extension(warden_backend_t *b, const char *id) {
    (void)b;
    if (strcmp(id, WARDEN_EXT_CHANGES) == 0) return &sick_changes;
    if (strcmp(id, WARDEN_EXT_HISTORY) == 0) return &sick_history;
    return NULL;
}

WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len) {
    int32_t status = example_new(host, out, err, err_len);
    if (status != WARDEN_OK) return status;
    warden_backend_t *b = *out;
    b->name = view("sick");
    b->init = sick_init;
    b->insert = sick_insert;
    b->read_at = sick_read_at;
    b->delete_target = sick_delete_target;
    b->delete_all = sick_delete_all;
    b->flush = sick_flush;
    b->get_extension = sick_get_extension;
    return WARDEN_OK;
}
