/*
 * faulty_history.c - the C example backend with one fault in its
 * warden.history/1 extension, chosen by a define. HistoryFaultTests use it to
 * show that each conformance check of the extension can fail, and to pin the
 * host's messages about malformed records. With no define it is the C example
 * unchanged.
 *   EXACT_COUNTS     target_history counts only bans of exactly the range asked about
 *   NO_EVENTS        read_signals drops each signal's events and labels
 *   NO_RANGE_FILTER  read_signals ignores range_match
 *   SILENT_DELETES   delete_signal and delete_ban log no feed change
 *   NO_ENDS          read_signals reports every ban as not ended
 *   SHORT_RECORD     records say they are 16 bytes
 *   SHORT_BANS       signals read back say their bans are 8 bytes apart
 *   SHORT_TABLE      the warden.history/1 table says it is 8 bytes
 *   NEXT_IDS         insert_signal gives the id after the signal's
 */
#define New example_new
#include "../../Examples/c-backend/memory_backend.c"
#undef New

#ifdef EXACT_COUNTS
static int32_t faulty_target_history(warden_backend_t *b, const warden_target_query_t *q, warden_target_history_t *out,
                                     char *err, size_t err_len) {
    store_t *s = SELF(b)->store;
    (void)err, (void)err_len;
    int64_t count = 0;
    pthread_mutex_lock(&stores_lock);
    for (size_t i = 0; i < s->count; i++)
        count += memcmp(s->records[i].range_start, q->range_start, 16) == 0
                 && memcmp(s->records[i].range_end, q->range_end, 16) == 0;
    pthread_mutex_unlock(&stores_lock);
    out->ban_count = count;
    return WARDEN_OK;
}
#else
#define faulty_target_history target_history
#endif

/* The host's sink and context, behind the relay that alters what passes. */
typedef struct relay {
    warden_signal_sink_fn sink;
    void *ctx;
} relay_t;

static int32_t relay(void *ctx, const warden_signal_record_t *original) {
    relay_t *r = ctx;
    warden_signal_record_t record = *original;
    warden_signal_t signal = *original->signal;
    record.signal = &signal;
#ifdef NO_EVENTS
    signal.event_count = 0;
    signal.labels.count = 0;
#endif
#ifdef NO_ENDS
    int64_t zeros[64] = {0};
    record.ban_ended_ns = zeros;
#endif
#ifdef SHORT_RECORD
    record.struct_size = 16;
#endif
#ifdef SHORT_BANS
    signal.ban_stride = 8;
#endif
    return r->sink(r->ctx, &record);
}

static int32_t faulty_read_signals(warden_backend_t *b, const warden_signal_query_t *raw, warden_signal_sink_fn sink,
                                   void *ctx, char *err, size_t err_len) {
    warden_signal_query_t q = *raw;
#ifdef NO_RANGE_FILTER
    q.range_match = WARDEN_RANGE_ANY;
#endif
    relay_t r = {sink, ctx};
    return read_signals(b, &q, relay, &r, err, err_len);
}

/* Runs a delete, then forgets the changes it logged when SILENT_DELETES is defined. */
#ifdef SILENT_DELETES
#define FORGETTING(call)                                 \
    store_t *s = SELF(b)->store;                         \
    pthread_mutex_lock(&stores_lock);                    \
    size_t before = s->change_count;                     \
    pthread_mutex_unlock(&stores_lock);                  \
    int32_t status = call;                               \
    pthread_mutex_lock(&stores_lock);                    \
    s->change_count = before;                            \
    pthread_mutex_unlock(&stores_lock);                  \
    return status;
#else
#define FORGETTING(call) return call;
#endif

static int32_t faulty_delete_signal(warden_backend_t *b, int64_t id, uint64_t *deleted, char *err, size_t err_len) {
    FORGETTING(delete_signal(b, id, deleted, err, err_len))
}

static int32_t faulty_delete_ban(warden_backend_t *b, int64_t id, uint64_t *deleted, char *err, size_t err_len) {
    FORGETTING(delete_ban(b, id, deleted, err, err_len))
}

static int32_t faulty_insert_signal(warden_backend_t *b, const warden_signal_t *raw, int64_t *signal_id, char *err,
                                    size_t err_len) {
    int32_t status = insert_signal(b, raw, signal_id, err, err_len);
#ifdef NEXT_IDS
    if (status == WARDEN_OK && *signal_id > 0) *signal_id += 1;
#endif
    return status;
}

#ifdef SHORT_TABLE
static const warden_ext_history_t faulty_history = {8, 0, faulty_target_history, faulty_read_signals,
                                                    faulty_delete_signal, faulty_delete_ban, faulty_insert_signal};
#else
static const warden_ext_history_t faulty_history = {sizeof(warden_ext_history_t), 0, faulty_target_history,
                                                    faulty_read_signals, faulty_delete_signal, faulty_delete_ban,
                                                    faulty_insert_signal};
#endif

static const void *faulty_get_extension(warden_backend_t *b, const char *id) {
    if (strcmp(id, WARDEN_EXT_HISTORY) == 0) return &faulty_history;
    return get_extension(b, id);
}

WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len) {
    int32_t status = example_new(host, out, err, err_len);
    if (status == WARDEN_OK) (*out)->get_extension = faulty_get_extension;
    return status;
}
