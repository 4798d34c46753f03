/*
 * memory_backend.c - a Warden backend in plain C, written against
 * warden_backend.h alone. It keeps bans in memory: instances of one process
 * that name the same `store` in their config share them.
 *
 * Build: cc -std=c11 -O2 -Wall -Wextra -shared -fPIC -fvisibility=hidden \
 *           -I../../Sources/CWardenBackend/include -o libwarden-c-example.so memory_backend.c -lpthread
 *
 * Config keys: store (default "default"). Every write is applied at once, so
 * flush only has to succeed; there is no background work to start.
 *
 * It offers the "warden.changes/1" extension: each store logs every change to
 * its live bans, and a cursor is a position in that log (never trimmed here);
 * and "warden.history/1": it keeps every signal with its events and labels, and
 * answers counts and listings by walking its arrays (a real storage would use
 * indexes: see the SQLite backend).
 */
#include "warden_backend.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ records */

/* `ended_ns` of a ban that has not ended. */
#define NOT_ENDED INT64_MAX

/* One ban, never overwritten: it keeps when it was created and when it ended
 * (deleted), so read_at at a past time sees the bans as they were. A target may
 * have several live bans (ABI 1.2, STACKED BANS); a simulated signal's are never
 * live (SIMULATED SIGNALS). */
typedef struct record {
    int64_t id;
    size_t signal;  /* index of its signal in store_t.signals */
    uint32_t scope;
    uint8_t range_start[16], range_end[16];
    char *target, *origin, *action, *reason, *scenario, *country, *as_name;
    int64_t as_number, until_ns, created_ns, events_count;
    int64_t ended_ns; /* NOT_ENDED, or when it was deleted */
    uint32_t simulated; /* of a simulated signal: never active nor live */
} record_t;

/* Active at t: not simulated, created, not yet past its until, not ended at or before t. */
static int is_active(const record_t *r, int64_t t) {
    return !r->simulated && r->created_ns <= t && t < r->until_ns && t < r->ended_ns;
}

/* Live at the host's now: not simulated, not ended, not past its until. */
static int is_live(const record_t *r, int64_t now) {
    return !r->simulated && r->ended_ns == NOT_ENDED && now < r->until_ns;
}

/* One signal as inserted. Its bans are the records with ids first_id .. first_id + ban_count - 1. */
typedef struct event_rec {
    int64_t time_ns;
    char *source, *serialized;
} event_rec_t;

typedef struct label_rec {
    char *key, *value;
} label_rec_t;

typedef struct signal_rec {
    int64_t first_id;
    size_t ban_count;
    char *scenario, *message, *source;
    int64_t events_count, start_ns, stop_ns, created_ns;
    uint32_t simulated;
    event_rec_t *events;
    size_t event_count;
    label_rec_t *labels;
    size_t label_count;
    int deleted; /* by delete_signal: never listed nor counted again */
} signal_rec_t;

/* One change of the feed: the change at position p is changes[p - 1]. */
typedef struct change {
    uint32_t kind; /* WARDEN_CHANGE_* */
    int64_t ban_id, ended_ns;
} change_t;

typedef struct store {
    char *name;
    record_t *records; /* in id order: the record with id i is records[i - 1] */
    size_t count, capacity;
    int64_t next_id;
    change_t *changes;
    size_t change_count, change_capacity;
    signal_rec_t *signals; /* in id order */
    size_t signal_count, signal_capacity;
    struct store *next;
} store_t;

/* Every store of the process, guarded by one lock: instances may run on different threads. */
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static store_t *stores = NULL;

typedef struct instance {
    const warden_host_t *host;
    store_t *store;
    int shut_down;
} instance_t;

static char *copy_str(warden_str_t s) {
    char *out = malloc(s.len + 1);
    if (!out) return NULL;
    if (s.len) memcpy(out, s.ptr, s.len);
    out[s.len] = '\0';
    return out;
}

static warden_str_t view(const char *s) {
    warden_str_t out = {s, s ? strlen(s) : 0};
    return out;
}

static int str_eq(warden_str_t a, const char *b) {
    return a.len == strlen(b) && (a.len == 0 || memcmp(a.ptr, b, a.len) == 0);
}

static int32_t fail(char *err, size_t err_len, int32_t status, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, err_len, fmt, args);
    va_end(args);
    return status;
}

static void log_line(instance_t *self, int32_t level, const char *text) {
    if (self->host->log) self->host->log(self->host->host_data, level, view(text));
}

static int64_t host_now(instance_t *self) {
    return self->host->now_ns ? self->host->now_ns(self->host->host_data) : 0;
}

static store_t *store_named(warden_str_t name) {
    for (store_t *s = stores; s; s = s->next)
        if (str_eq(name, s->name)) return s;
    store_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->name = copy_str(name);
    s->next_id = 1;
    s->next = stores;
    stores = s;
    return s;
}

/* Makes room for `more` records and as many changes, plus one, and one
 * signal, so that a write can never fail halfway. Returns 0 when out of memory. */
static int reserve(store_t *s, size_t more) {
    if (s->signal_capacity == s->signal_count) {
        size_t capacity = s->signal_capacity ? s->signal_capacity * 2 : 64;
        signal_rec_t *grown = realloc(s->signals, capacity * sizeof *grown);
        if (!grown) return 0;
        s->signals = grown;
        s->signal_capacity = capacity;
    }
    if (s->capacity - s->count < more) {
        size_t capacity = s->capacity ? s->capacity : 64;
        while (capacity - s->count < more) capacity *= 2;
        record_t *grown = realloc(s->records, capacity * sizeof *grown);
        if (!grown) return 0;
        s->records = grown;
        s->capacity = capacity;
    }
    if (s->change_capacity - s->change_count < more + 1) {
        size_t capacity = s->change_capacity ? s->change_capacity : 64;
        while (capacity - s->change_count < more + 1) capacity *= 2;
        change_t *grown = realloc(s->changes, capacity * sizeof *grown);
        if (!grown) return 0;
        s->changes = grown;
        s->change_capacity = capacity;
    }
    return 1;
}

/* Appends a change; reserve() made room for it. */
static void log_change(store_t *s, uint32_t kind, int64_t ban_id, int64_t ended_ns) {
    change_t c = {kind, ban_id, ended_ns};
    s->changes[s->change_count++] = c;
}

/* The row of record `r` as read_at lists it: its target's history counts too. */
static warden_ban_row_t row_of(const store_t *s, const record_t *r) {
    warden_ban_row_t row;
    memset(&row, 0, sizeof row);
    row.struct_size = sizeof row;
    row.scope = r->scope;
    row.id = r->id;
    row.target = view(r->target);
    row.origin = view(r->origin);
    row.action = view(r->action);
    row.reason = view(r->reason);
    row.scenario = view(r->scenario);
    row.country = view(r->country);
    row.as_name = view(r->as_name);
    row.as_number = r->as_number;
    row.until_ns = r->until_ns;
    row.created_ns = r->created_ns;
    for (size_t j = 0; j < s->count; j++) /* history counts too */
        if (strcmp(s->records[j].target, r->target) == 0) {
            row.ban_count++;
            row.events_count += s->records[j].events_count;
        }
    return row;
}

/* ------------------------------------------------------------- members */

#define SELF(b) ((instance_t *)(b)->backend_data)

static int32_t init(warden_backend_t *b, warden_map_t config, char *err, size_t err_len) {
    warden_str_t name = view("default");
    for (size_t i = 0; i < config.count; i++)
        if (str_eq(config.items[i].key, "store")) name = config.items[i].value;
    if (name.len == 0) return fail(err, err_len, WARDEN_E_INVALID, "config key 'store' is empty; name a store or drop the key");
    pthread_mutex_lock(&stores_lock);
    SELF(b)->store = store_named(name);
    pthread_mutex_unlock(&stores_lock);
    if (!SELF(b)->store) return fail(err, err_len, WARDEN_E_INTERNAL, "out of memory");
    log_line(SELF(b), WARDEN_LOG_DEBUG, "c-example: init");
    return WARDEN_OK;
}

/* Refuses a signal laid out smaller than ABI 1.0's (warden_backend.h, VERSIONING).
 * The members it reads are v1.0 ones, so they lie within any signal that passes
 * the first test. */
static int32_t check_sizes(const warden_signal_t *raw, char *err, size_t err_len) {
    const char *rebuild = "rebuild the host against warden_backend.h 1.x";
    if (raw->struct_size < WARDEN_SIGNAL_V1_0_SIZE)
        return fail(err, err_len, WARDEN_E_ABI, "the host sent a signal of %u bytes; ABI 1.0 signals are at least %d bytes; %s",
                    (unsigned)raw->struct_size, WARDEN_SIGNAL_V1_0_SIZE, rebuild);
    if (raw->ban_count > 0 && raw->ban_stride < WARDEN_BAN_V1_0_SIZE)
        return fail(err, err_len, WARDEN_E_ABI, "the host sent bans %zu bytes apart (ban_stride); ABI 1.0 bans are at least %d bytes; %s",
                    raw->ban_stride, WARDEN_BAN_V1_0_SIZE, rebuild);
    if (raw->event_count > 0 && raw->event_stride < WARDEN_EVENT_V1_0_SIZE)
        return fail(err, err_len, WARDEN_E_ABI,
                    "the host sent events %zu bytes apart (event_stride); ABI 1.0 events are at least %d bytes; %s",
                    raw->event_stride, WARDEN_EVENT_V1_0_SIZE, rebuild);
    return WARDEN_OK;
}

/* All or nothing: every ban is checked and room is made for all of them
 * before the first one is stored. */
/* Stores `raw`; writes its id (its first ban's, 0 without bans) into *signal_id when given. */
static int32_t store_signal(warden_backend_t *b, const warden_signal_t *raw, int64_t *signal_id, char *err,
                            size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: insert before init");
    int32_t status = check_sizes(raw, err, err_len);
    if (status != WARDEN_OK) return status;
    /* Every struct is read into this build's layout: the host may be built against another 1.x minor. */
    warden_signal_t signal;
    warden_copy_versioned(&signal, sizeof signal, raw, raw->struct_size, 0);
    for (size_t i = 0; i < signal.ban_count; i++) {
        warden_ban_t ban; /* element i is i * ban_stride bytes in, whatever this build's sizeof */
        warden_copy_versioned(&ban, sizeof ban, signal.bans, signal.ban_stride, i);
        if (ban.scope != WARDEN_SCOPE_IP && ban.scope != WARDEN_SCOPE_RANGE)
            return fail(err, err_len, WARDEN_E_INVALID,
                        "c-example: insert: ban %zu has scope %u, neither WARDEN_SCOPE_IP nor WARDEN_SCOPE_RANGE; "
                        "the signal was not stored",
                        i + 1, ban.scope);
        if (ban.target.len == 0)
            return fail(err, err_len, WARDEN_E_INVALID,
                        "c-example: insert: ban %zu has an empty target; the signal was not stored", i + 1);
    }
    pthread_mutex_lock(&stores_lock);
    if (!reserve(s, signal.ban_count)) {
        pthread_mutex_unlock(&stores_lock);
        return fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
    }
    if (signal_id) *signal_id = signal.ban_count > 0 ? s->next_id : 0;
    if (signal.ban_count > 0) { /* a signal without bans has no id: it is not kept */
        signal_rec_t *sig = &s->signals[s->signal_count++];
        memset(sig, 0, sizeof *sig);
        sig->first_id = s->next_id;
        sig->ban_count = signal.ban_count;
        sig->scenario = copy_str(signal.scenario);
        sig->message = copy_str(signal.message);
        sig->source = copy_str(signal.source);
        sig->events_count = signal.events_count;
        sig->start_ns = signal.start_ns;
        sig->stop_ns = signal.stop_ns;
        sig->created_ns = signal.created_ns;
        sig->simulated = signal.simulated;
        sig->events = calloc(signal.event_count ? signal.event_count : 1, sizeof *sig->events);
        for (size_t i = 0; sig->events && i < signal.event_count; i++) {
            warden_event_t event;
            warden_copy_versioned(&event, sizeof event, signal.events, signal.event_stride, i);
            event_rec_t e = {event.time_ns, copy_str(event.source), copy_str(event.serialized)};
            sig->events[sig->event_count++] = e;
        }
        sig->labels = calloc(signal.labels.count ? signal.labels.count : 1, sizeof *sig->labels);
        for (size_t i = 0; sig->labels && i < signal.labels.count; i++) { /* warden_kv_t is frozen */
            label_rec_t l = {copy_str(signal.labels.items[i].key), copy_str(signal.labels.items[i].value)};
            sig->labels[sig->label_count++] = l;
        }
    }
    for (size_t i = 0; i < signal.ban_count; i++) {
        warden_ban_t ban;
        warden_copy_versioned(&ban, sizeof ban, signal.bans, signal.ban_stride, i);
        /* Beside the target's other bans: a new ban ends none (STACKED BANS). */
        record_t r = {
            s->next_id++, s->signal_count - 1, ban.scope, {0}, {0}, copy_str(ban.target), copy_str(ban.origin),
            copy_str(ban.action), copy_str(ban.reason), copy_str(ban.scenario), copy_str(ban.country),
            copy_str(ban.as_name), ban.as_number, ban.until_ns, signal.created_ns, signal.events_count, NOT_ENDED,
            signal.simulated != 0,
        };
        memcpy(r.range_start, ban.range_start, 16);
        memcpy(r.range_end, ban.range_end, 16);
        s->records[s->count++] = r;
        if (!r.simulated) log_change(s, WARDEN_CHANGE_ADDED, r.id, 0); /* never live: no change */
    }
    pthread_mutex_unlock(&stores_lock);
    return WARDEN_OK;
}

static int32_t insert(warden_backend_t *b, const warden_signal_t *raw, char *err, size_t err_len) {
    return store_signal(b, raw, NULL, err, err_len);
}

static int32_t read_at(warden_backend_t *b, int64_t at_ns, warden_row_sink_fn sink, void *ctx, char *err,
                       size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: read_at before init");
    pthread_mutex_lock(&stores_lock);
    for (size_t i = s->count; i-- > 0;) { /* newest first: records are kept in id order */
        const record_t *r = &s->records[i];
        if (!is_active(r, at_ns)) continue;
        warden_ban_row_t row = row_of(s, r);
        if (sink(ctx, &row) != 0) break;
    }
    pthread_mutex_unlock(&stores_lock);
    return WARDEN_OK;
}

static int32_t delete_target(warden_backend_t *b, warden_str_t target, uint64_t *deleted, char *err,
                             size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: delete before init");
    if (target.len == 0) return fail(err, err_len, WARDEN_E_INVALID, "no target provided");
    uint64_t n = 0;
    int64_t now = host_now(SELF(b));
    pthread_mutex_lock(&stores_lock);
    if (!reserve(s, 0)) {
        pthread_mutex_unlock(&stores_lock);
        return fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
    }
    for (size_t i = 0; i < s->count; i++)
        if (is_live(&s->records[i], now) && str_eq(target, s->records[i].target)) {
            s->records[i].ended_ns = now;
            log_change(s, WARDEN_CHANGE_ENDED, s->records[i].id, now);
            n++;
        }
    pthread_mutex_unlock(&stores_lock);
    *deleted = n;
    return WARDEN_OK;
}

static int32_t delete_all(warden_backend_t *b, uint64_t *deleted, char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: delete_all before init");
    uint64_t n = 0;
    int64_t now = host_now(SELF(b));
    pthread_mutex_lock(&stores_lock);
    if (!reserve(s, 0)) {
        pthread_mutex_unlock(&stores_lock);
        return fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
    }
    for (size_t i = 0; i < s->count; i++)
        if (is_live(&s->records[i], now)) {
            s->records[i].ended_ns = now;
            n++;
        }
    /* One change however many bans it ended: every id so far. */
    if (n > 0) log_change(s, WARDEN_CHANGE_ENDED_THROUGH, s->next_id - 1, now);
    pthread_mutex_unlock(&stores_lock);
    *deleted = n;
    return WARDEN_OK;
}

/* warden.changes/1. Cursor 0: every live ban; cursor p: the changes from
 * position p on (changes[p - 1]...), so the cursor after them is change_count + 1. */
static int32_t changes_since(warden_backend_t *b, int64_t cursor, int64_t *next_cursor, warden_change_sink_fn sink,
                             void *ctx, char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: changes_since before init");
    if (!sink || !next_cursor) return fail(err, err_len, WARDEN_E_INVALID, "c-example: changes_since: NULL sink or next_cursor");
    if (cursor < 0) return fail(err, err_len, WARDEN_E_INVALID, "c-example: changes_since: negative cursor %lld", (long long)cursor);
    int64_t now = host_now(SELF(b));
    warden_change_t change;
    memset(&change, 0, sizeof change);
    change.struct_size = sizeof change;
    pthread_mutex_lock(&stores_lock);
    int64_t head = (int64_t)s->change_count + 1;
    if (cursor > head) {
        pthread_mutex_unlock(&stores_lock);
        return fail(err, err_len, WARDEN_E_STALE_CURSOR,
                    "c-example: changes_since: cursor %lld is beyond this store's history (next position %lld); "
                    "read everything again from cursor 0",
                    (long long)cursor, (long long)head);
    }
    *next_cursor = cursor == 0 ? head : cursor;
    if (cursor == 0) {
        for (size_t i = 0; i < s->count; i++) {
            if (!is_live(&s->records[i], now)) continue;
            warden_ban_row_t row = row_of(s, &s->records[i]);
            change.kind = WARDEN_CHANGE_ADDED;
            change.ban_id = row.id;
            change.row = &row;
            if (sink(ctx, &change) != 0) {
                *next_cursor = 0; /* a stopped snapshot is taken again */
                break;
            }
        }
    } else {
        for (int64_t p = cursor; p < head; p++) {
            const change_t *c = &s->changes[p - 1];
            warden_ban_row_t row;
            change.kind = c->kind;
            change.ban_id = c->ban_id;
            change.ended_ns = c->ended_ns;
            change.row = NULL;
            if (c->kind == WARDEN_CHANGE_ADDED) {
                row = row_of(s, &s->records[c->ban_id - 1]);
                change.row = &row;
            }
            *next_cursor = p + 1;
            if (sink(ctx, &change) != 0) break;
        }
    }
    pthread_mutex_unlock(&stores_lock);
    return WARDEN_OK;
}

static const warden_ext_changes_t changes_extension = {
    sizeof(warden_ext_changes_t), 0, changes_since,
};

/* ---------------------------------------------------- warden.history/1 */

/* Whether a ban covering [start, end] contains [q_start, q_end]: the 16-byte
 * encodings compare as big-endian numbers, which memcmp does. */
static int covers(const uint8_t *start, const uint8_t *end, const uint8_t *q_start, const uint8_t *q_end) {
    return memcmp(start, q_start, 16) <= 0 && memcmp(q_end, end, 16) <= 0;
}

static int32_t target_history(warden_backend_t *b, const warden_target_query_t *raw, warden_target_history_t *out,
                              char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: target_history before init");
    if (!raw || !out) return fail(err, err_len, WARDEN_E_INVALID, "c-example: target_history: NULL query or out");
    if (raw->struct_size < WARDEN_TARGET_QUERY_V1_SIZE || out->struct_size < WARDEN_TARGET_HISTORY_V1_SIZE)
        return fail(err, err_len, WARDEN_E_ABI,
                    "c-example: target_history: the host's query (%u bytes) or answer (%u bytes) is below version 1's "
                    "(%d, %d); rebuild the host against warden_backend.h 1.x",
                    (unsigned)raw->struct_size, (unsigned)out->struct_size, WARDEN_TARGET_QUERY_V1_SIZE,
                    WARDEN_TARGET_HISTORY_V1_SIZE);
    warden_target_query_t q;
    warden_copy_versioned(&q, sizeof q, raw, raw->struct_size, 0);
    if (memcmp(q.range_start, q.range_end, 16) > 0)
        return fail(err, err_len, WARDEN_E_INVALID, "c-example: target_history: range_start is above range_end");
    int64_t count = 0, active = 0, until = 0;
    pthread_mutex_lock(&stores_lock);
    for (size_t i = 0; i < s->count; i++) {
        const record_t *r = &s->records[i];
        if (s->signals[r->signal].deleted || !covers(r->range_start, r->range_end, q.range_start, q.range_end)) continue;
        if (r->created_ns > q.since_ns) count++;
        if (is_live(r, q.now_ns)) {
            active++;
            if (r->until_ns > until) until = r->until_ns;
        }
    }
    pthread_mutex_unlock(&stores_lock);
    /* Every member written is a version 1 member, within the size checked above. */
    out->ban_count = count;
    out->active_count = active;
    out->active_until_ns = until;
    return WARDEN_OK;
}

/* Whether ban record `r` meets every ban filter of `q`. */
static int ban_matches(const record_t *r, const warden_signal_query_t *q) {
    if (q->scope && r->scope != q->scope) return 0;
    if (q->target.len && !str_eq(q->target, r->target)) return 0;
    if (q->origin.len && !str_eq(q->origin, r->origin)) return 0;
    if (q->action.len && !str_eq(q->action, r->action)) return 0;
    if (q->range_match == WARDEN_RANGE_CONTAINS) return covers(r->range_start, r->range_end, q->range_start, q->range_end);
    if (q->range_match == WARDEN_RANGE_WITHIN) return covers(q->range_start, q->range_end, r->range_start, r->range_end);
    return 1;
}

/* Whether signal `sig` meets `q`: its own filters, and one ban meeting every ban filter. */
static int signal_matches(const store_t *s, const signal_rec_t *sig, const warden_signal_query_t *q) {
    if (sig->deleted) return 0;
    if (q->signal_id > 0 && sig->first_id != q->signal_id) return 0;
    if (q->ban_id > 0 && (q->ban_id < sig->first_id || q->ban_id >= sig->first_id + (int64_t)sig->ban_count)) return 0;
    if (q->scenario.len && !str_eq(q->scenario, sig->scenario)) return 0;
    if (!(q->since_ns < sig->created_ns && sig->created_ns < q->until_ns)) return 0;
    int matched = 0, live = 0;
    for (size_t i = 0; i < sig->ban_count; i++) {
        const record_t *r = &s->records[sig->first_id - 1 + (int64_t)i];
        matched |= ban_matches(r, q);
        live |= is_live(r, q->now_ns);
    }
    return matched && (live || !q->active_only);
}

/* Hands signal `sig` to the sink, laid out as a warden_signal_record_t. Returns
 * the sink's answer, or -1 when out of memory. */
static int32_t send_signal(const store_t *s, const signal_rec_t *sig, warden_signal_sink_fn sink, void *ctx) {
    size_t n = sig->ban_count;
    warden_ban_t *bans = calloc(n, sizeof *bans);
    int64_t *ids = calloc(n, sizeof *ids), *ends = calloc(n, sizeof *ends);
    warden_event_t *events = calloc(sig->event_count ? sig->event_count : 1, sizeof *events);
    warden_kv_t *labels = calloc(sig->label_count ? sig->label_count : 1, sizeof *labels);
    int32_t answer = -1;
    if (bans && ids && ends && events && labels) {
        for (size_t i = 0; i < n; i++) {
            const record_t *r = &s->records[sig->first_id - 1 + (int64_t)i];
            bans[i].struct_size = sizeof bans[i];
            bans[i].scope = r->scope;
            bans[i].target = view(r->target);
            memcpy(bans[i].range_start, r->range_start, 16);
            memcpy(bans[i].range_end, r->range_end, 16);
            bans[i].origin = view(r->origin);
            bans[i].action = view(r->action);
            bans[i].reason = view(r->reason);
            bans[i].scenario = view(r->scenario);
            bans[i].country = view(r->country);
            bans[i].as_name = view(r->as_name);
            bans[i].as_number = r->as_number;
            bans[i].until_ns = r->until_ns;
            ids[i] = r->id;
            ends[i] = r->ended_ns == NOT_ENDED ? 0 : r->ended_ns;
        }
        for (size_t i = 0; i < sig->event_count; i++) {
            events[i].struct_size = sizeof events[i];
            events[i].time_ns = sig->events[i].time_ns;
            events[i].source = view(sig->events[i].source);
            events[i].serialized = view(sig->events[i].serialized);
        }
        for (size_t i = 0; i < sig->label_count; i++) {
            labels[i].key = view(sig->labels[i].key);
            labels[i].value = view(sig->labels[i].value);
        }
        warden_signal_t signal;
        memset(&signal, 0, sizeof signal);
        signal.struct_size = sizeof signal;
        signal.simulated = sig->simulated;
        signal.scenario = view(sig->scenario);
        signal.message = view(sig->message);
        signal.source = view(sig->source);
        signal.events_count = sig->events_count;
        signal.start_ns = sig->start_ns;
        signal.stop_ns = sig->stop_ns;
        signal.created_ns = sig->created_ns;
        signal.bans = bans;
        signal.ban_count = n;
        signal.ban_stride = sizeof *bans;
        signal.events = events;
        signal.event_count = sig->event_count;
        signal.event_stride = sizeof *events;
        signal.labels.items = labels;
        signal.labels.count = sig->label_count;
        warden_signal_record_t record = {sizeof record, 0, sig->first_id, &signal, ids, ends};
        answer = sink(ctx, &record);
    }
    free(bans);
    free(ids);
    free(ends);
    free(events);
    free(labels);
    return answer;
}

static int32_t read_signals(warden_backend_t *b, const warden_signal_query_t *raw, warden_signal_sink_fn sink,
                            void *ctx, char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: read_signals before init");
    if (!raw || !sink) return fail(err, err_len, WARDEN_E_INVALID, "c-example: read_signals: NULL query or sink");
    if (raw->struct_size < WARDEN_SIGNAL_QUERY_V1_SIZE)
        return fail(err, err_len, WARDEN_E_ABI,
                    "c-example: read_signals: the host sent a query of %u bytes; version 1 queries are at least %d "
                    "bytes; rebuild the host against warden_backend.h 1.x",
                    (unsigned)raw->struct_size, WARDEN_SIGNAL_QUERY_V1_SIZE);
    warden_signal_query_t q;
    warden_copy_versioned(&q, sizeof q, raw, raw->struct_size, 0);
    if (q.scope > WARDEN_SCOPE_RANGE || q.range_match > WARDEN_RANGE_WITHIN)
        return fail(err, err_len, WARDEN_E_INVALID, "c-example: read_signals: unknown scope %u or range_match %u",
                    q.scope, q.range_match);
    uint64_t sent = 0;
    int32_t status = WARDEN_OK;
    pthread_mutex_lock(&stores_lock);
    for (size_t i = s->signal_count; i-- > 0 && (q.limit == 0 || sent < q.limit);) { /* newest first */
        if (!signal_matches(s, &s->signals[i], &q)) continue;
        int32_t answer = send_signal(s, &s->signals[i], sink, ctx);
        sent++;
        if (answer < 0) status = fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
        if (answer != 0) break;
    }
    pthread_mutex_unlock(&stores_lock);
    return status;
}

/* Ends record `r` at `now` if it is live, logging the end; reserve() made room. */
static uint64_t end_record(store_t *s, record_t *r, int64_t now) {
    if (!is_live(r, now)) return 0;
    r->ended_ns = now;
    log_change(s, WARDEN_CHANGE_ENDED, r->id, now);
    return 1;
}

static int32_t delete_signal(warden_backend_t *b, int64_t signal_id, uint64_t *deleted, char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: delete_signal before init");
    if (signal_id <= 0) return fail(err, err_len, WARDEN_E_INVALID, "c-example: delete_signal: id %lld is not > 0", (long long)signal_id);
    int64_t now = host_now(SELF(b));
    uint64_t n = 0;
    pthread_mutex_lock(&stores_lock);
    for (size_t i = 0; i < s->signal_count; i++) {
        signal_rec_t *sig = &s->signals[i];
        if (sig->first_id != signal_id || sig->deleted) continue;
        if (!reserve(s, sig->ban_count)) {
            pthread_mutex_unlock(&stores_lock);
            return fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
        }
        sig = &s->signals[i]; /* reserve() may have moved the array */
        for (size_t j = 0; j < sig->ban_count; j++) end_record(s, &s->records[sig->first_id - 1 + (int64_t)j], now);
        sig->deleted = 1;
        n = 1;
        break;
    }
    pthread_mutex_unlock(&stores_lock);
    if (deleted) *deleted = n;
    return WARDEN_OK;
}

static int32_t delete_ban(warden_backend_t *b, int64_t ban_id, uint64_t *deleted, char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    if (!s) return fail(err, err_len, WARDEN_E_INVALID, "c-example: delete_ban before init");
    if (ban_id <= 0) return fail(err, err_len, WARDEN_E_INVALID, "c-example: delete_ban: id %lld is not > 0", (long long)ban_id);
    int64_t now = host_now(SELF(b));
    uint64_t n = 0;
    pthread_mutex_lock(&stores_lock);
    if (!reserve(s, 0)) {
        pthread_mutex_unlock(&stores_lock);
        return fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
    }
    if ((size_t)ban_id <= s->count) n = end_record(s, &s->records[ban_id - 1], now);
    pthread_mutex_unlock(&stores_lock);
    if (deleted) *deleted = n;
    return WARDEN_OK;
}

/* warden.history/1 as of ABI 1.1 (insert_signal is the 1.1 member). */
static int32_t insert_signal(warden_backend_t *b, const warden_signal_t *raw, int64_t *signal_id, char *err,
                             size_t err_len) {
    if (!signal_id) return fail(err, err_len, WARDEN_E_INVALID, "c-example: insert_signal: signal_id is NULL");
    return store_signal(b, raw, signal_id, err, err_len);
}

static const warden_ext_history_t history_extension = {
    sizeof(warden_ext_history_t), 0, target_history, read_signals, delete_signal, delete_ban, insert_signal,
};

static const void *get_extension(warden_backend_t *b, const char *extension_id) {
    (void)b;
    if (strcmp(extension_id, WARDEN_EXT_CHANGES) == 0) return &changes_extension;
    if (strcmp(extension_id, WARDEN_EXT_HISTORY) == 0) return &history_extension;
    return NULL;
}

static int32_t flush(warden_backend_t *b, char *err, size_t err_len) {
    (void)b, (void)err, (void)err_len; /* writes are applied at once */
    return WARDEN_OK;
}

static int32_t start_auto_commit(warden_backend_t *b, char *err, size_t err_len) {
    (void)b, (void)err, (void)err_len; /* nothing runs in the background */
    return WARDEN_OK;
}

static int32_t shutdown(warden_backend_t *b, char *err, size_t err_len) {
    (void)err, (void)err_len;
    SELF(b)->shut_down = 1; /* the store outlives instances: other instances may share it */
    return WARDEN_OK;
}

static void destroy(warden_backend_t *b) {
    free(b->backend_data);
    free(b);
}

/* ---------------------------------------------------------- entry point */

WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len) {
    *out = NULL;
    if (!host || host->magic != WARDEN_ABI_MAGIC || host->abi_major != WARDEN_ABI_VERSION_MAJOR)
        return fail(err, err_len, WARDEN_E_ABI, "c-example implements Warden ABI %u.%u; the host speaks another major",
                    WARDEN_ABI_VERSION_MAJOR, WARDEN_ABI_VERSION_MINOR);
    /* Below the v1.0 size, even `log` and `now_ns` may lie outside the host's struct. */
    if (host->struct_size < WARDEN_HOST_V1_0_SIZE)
        return fail(err, err_len, WARDEN_E_ABI,
                    "c-example: the host passed a warden_host_t of %u bytes; ABI 1.0 hosts pass at least %d bytes; "
                    "rebuild the host against warden_backend.h 1.x",
                    (unsigned)host->struct_size, WARDEN_HOST_V1_0_SIZE);
    warden_backend_t *b = calloc(1, sizeof *b);
    instance_t *self = calloc(1, sizeof *self);
    if (!b || !self) {
        free(b);
        free(self);
        return fail(err, err_len, WARDEN_E_INTERNAL, "c-example: out of memory");
    }
    self->host = host;
    b->magic = WARDEN_ABI_MAGIC;
    b->struct_size = sizeof *b;
    b->abi_major = WARDEN_ABI_VERSION_MAJOR;
    b->abi_minor = WARDEN_ABI_VERSION_MINOR;
    b->name = view("c-example");
    b->version = view("1.0.0 (C)");
    b->backend_data = self;
    b->init = init;
    b->insert = insert;
    b->read_at = read_at;
    b->delete_target = delete_target;
    b->delete_all = delete_all;
    b->flush = flush;
    b->start_auto_commit = start_auto_commit;
    b->shutdown = shutdown;
    b->destroy = destroy;
    b->get_extension = get_extension;
    *out = b;
    return WARDEN_OK;
}
