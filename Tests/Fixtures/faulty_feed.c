/*
 * faulty_feed.c - the C example backend with one fault in its warden.changes/1
 * feed, chosen by a define. FeedFaultTests use it to show that each conformance
 * check of the feed can fail, and to pin the host's messages about malformed
 * changes. With no define it is the C example unchanged.
 *   DROP_ENDS       ended and ended-through changes are never delivered
 *   DROP_READDS     the added change of a ban whose target had one before is dropped
 *   PURGE_LOSES_ENDS  offers maintenance that reports every ended ban purged; from
 *                   then on the ended changes of those bans are dropped, as if purging
 *                   a ban lost its end, yet cursors stay valid
 *   CURSOR_STUCK    a snapshot returns cursor 1 and a delta the cursor it was given
 *   NEVER_STALE     a cursor beyond the history reads as the newest position
 *   SNAPSHOT_ALL    a snapshot lists every ban ever stored, ended ones too
 *   SWEEP_REPORTED  offers maintenance whose expiry sweep reports ENDED changes
 *   NEVER_FORGETS   offers maintenance that forgets no history
 *   SHORT_CHANGE    changes say they are 24 bytes
 *   ROWLESS_ADDED   added changes come without their row
 *   UNKNOWN_KIND    every change has kind 9
 *   SHORT_TABLE     the warden.changes/1 table says it is 8 bytes
 */
#define New example_new
#include "../../Examples/c-backend/memory_backend.c"
#undef New

/* The host's sink and context, behind the relay that alters what passes. */
typedef struct relay {
    warden_change_sink_fn sink;
    void *ctx;
    const store_t *store; /* read under stores_lock, which changes_since holds while it calls the sink */
} relay_t;

#ifdef PURGE_LOSES_ENDS
static int64_t purged_through; /* the highest id maintenance reported purged; under stores_lock */
#endif

static int32_t relay(void *ctx, const warden_change_t *original) {
    relay_t *r = ctx;
    warden_change_t c = *original;
#ifdef DROP_ENDS
    if (c.kind != WARDEN_CHANGE_ADDED) return 0;
#endif
#ifdef DROP_READDS
    if (c.kind == WARDEN_CHANGE_ADDED)
        for (int64_t id = 1; id < c.ban_id; id++)
            if (strcmp(r->store->records[id - 1].target, r->store->records[c.ban_id - 1].target) == 0) return 0;
#endif
#ifdef PURGE_LOSES_ENDS
    if (c.kind == WARDEN_CHANGE_ENDED && c.ban_id <= purged_through) return 0;
#endif
#ifdef SHORT_CHANGE
    c.struct_size = 24;
#endif
#ifdef ROWLESS_ADDED
    c.row = NULL;
#endif
#ifdef UNKNOWN_KIND
    c.kind = 9;
#endif
    return r->sink(r->ctx, &c);
}

static int32_t faulty_changes_since(warden_backend_t *b, int64_t cursor, int64_t *next_cursor,
                                    warden_change_sink_fn sink, void *ctx, char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
#ifdef NEVER_STALE
    if (s && cursor > (int64_t)s->change_count + 1) cursor = (int64_t)s->change_count + 1;
#endif
#ifdef SNAPSHOT_ALL
    if (s && cursor == 0) {
        warden_change_t change;
        memset(&change, 0, sizeof change);
        change.struct_size = sizeof change;
        change.kind = WARDEN_CHANGE_ADDED;
        pthread_mutex_lock(&stores_lock);
        for (size_t i = 0; i < s->count; i++) {
            warden_ban_row_t row = row_of(s, &s->records[i]);
            change.ban_id = row.id;
            change.row = &row;
            if (sink(ctx, &change) != 0) break;
        }
        *next_cursor = (int64_t)s->change_count + 1;
        pthread_mutex_unlock(&stores_lock);
        return WARDEN_OK;
    }
#endif
    (void)s;
    relay_t r = {sink, ctx, s};
    int32_t status = changes_since(b, cursor, next_cursor, relay, &r, err, err_len);
#ifdef CURSOR_STUCK
    if (status == WARDEN_OK) *next_cursor = cursor == 0 ? 1 : cursor;
#endif
    return status;
}

#ifdef SHORT_TABLE
static const warden_ext_changes_t faulty_changes = {8, 0, faulty_changes_since};
#else
static const warden_ext_changes_t faulty_changes = {sizeof(warden_ext_changes_t), 0, faulty_changes_since};
#endif

#if defined(SWEEP_REPORTED) || defined(NEVER_FORGETS) || defined(PURGE_LOSES_ENDS)
static int32_t run(warden_backend_t *b, int64_t now, uint64_t *expired, uint64_t *purged, char *err, size_t err_len) {
    (void)err, (void)err_len;
    *expired = 0;
    *purged = 0;
#ifdef SWEEP_REPORTED
    store_t *s = SELF(b)->store;
    pthread_mutex_lock(&stores_lock);
    if (!reserve(s, s->count)) {
        pthread_mutex_unlock(&stores_lock);
        return fail(err, err_len, WARDEN_E_INTERNAL, "faulty-feed: out of memory");
    }
    for (size_t i = 0; i < s->count; i++)
        if (s->records[i].ended_ns == NOT_ENDED && s->records[i].until_ns <= now) {
            s->records[i].ended_ns = now;
            log_change(s, WARDEN_CHANGE_ENDED, s->records[i].id, now);
            ++*expired;
        }
    pthread_mutex_unlock(&stores_lock);
#elif defined(PURGE_LOSES_ENDS)
    store_t *s = SELF(b)->store;
    (void)now;
    pthread_mutex_lock(&stores_lock);
    for (size_t i = 0; i < s->count; i++)
        if (s->records[i].ended_ns != NOT_ENDED) {
            ++*purged;
            if (s->records[i].id > purged_through) purged_through = s->records[i].id;
        }
    pthread_mutex_unlock(&stores_lock);
#else
    (void)b, (void)now;
#endif
    return WARDEN_OK;
}
static const warden_ext_maintenance_t maintenance = {sizeof(warden_ext_maintenance_t), 0, run};
#endif

static const void *faulty_get_extension(warden_backend_t *b, const char *id) {
    (void)b;
#if defined(SWEEP_REPORTED) || defined(NEVER_FORGETS) || defined(PURGE_LOSES_ENDS)
    if (strcmp(id, WARDEN_EXT_MAINTENANCE) == 0) return &maintenance;
#endif
    return strcmp(id, WARDEN_EXT_CHANGES) == 0 ? &faulty_changes : NULL;
}

WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len) {
    int32_t status = example_new(host, out, err, err_len);
    if (status == WARDEN_OK) (*out)->get_extension = faulty_get_extension;
    return status;
}
