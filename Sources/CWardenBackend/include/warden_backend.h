/*
 * warden_backend.h - the Warden backend plugin ABI, version 1.3.
 *
 * This is the only file a backend author needs. A backend is a shared library
 * (.so) that exports exactly one symbol, `New`, with C linkage. The host
 * (`warden`) opens it with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), calls
 * `New` once per configured instance and drives the instance through the
 * function pointers of `warden_backend_t`.
 *
 * VERSIONING
 *   - `WARDEN_ABI_VERSION_MAJOR` changes only on a breaking change. Host and
 *     backend must agree on it exactly; the host refuses any other major.
 *   - `WARDEN_ABI_VERSION_MINOR` grows when a member is appended to a struct.
 *     Minors are compatible in both directions, because every reader and
 *     every writer follows these rules:
 *       * VERSIONED STRUCTS say how big they are: `warden_ban_t`,
 *         `warden_event_t`, `warden_signal_t`, `warden_ban_row_t`,
 *         `warden_host_t`, `warden_backend_t` and every extension struct carry
 *         a `uint32_t struct_size` near the top, set by the writer to its own
 *         sizeof. The writer zero-fills what it has nothing for.
 *       * MINIMUM SIZES: each versioned struct has a `*_V1_0_SIZE` constant
 *         (`*_V1_SIZE` for extensions): where its last v1.0 member ends. It
 *         never changes. A reader refuses a `struct_size` below it (a backend
 *         with WARDEN_E_ABI, the host with an error naming the backend), with
 *         a message saying which struct, how big it was and the minimum; it
 *         accepts any size at or above it.
 *       * READING: a reader never reads a member that starts at or beyond the
 *         writer's `struct_size`. The easy way: copy the first
 *         min(struct_size, sizeof(own type)) bytes into a zeroed local of the
 *         reader's own type and read the local (warden_copy_versioned() does
 *         it). Members the writer lacks then read as zero / NULL / empty;
 *         members the reader lacks are skipped.
 *       * ARRAYS of versioned structs carry a STRIDE next to their pointer and
 *         count (`ban_stride`, `event_stride` in `warden_signal_t`): the bytes
 *         from one element to the next, i.e. sizeof(element) of the writer.
 *         Element i starts at (const char *)items + i * stride, and starts
 *         with a `struct_size` equal to the stride. A reader NEVER indexes
 *         such an array with its own sizeof (`items[i]`): a writer built
 *         against another minor has another sizeof, and every element after
 *         the first would be read from the wrong place. When count > 0, a
 *         stride below the element's minimum size is refused like a
 *         `struct_size`. warden_copy_versioned(dst, sizeof *dst, items,
 *         stride, i) reads element i.
 *       * a NULL optional function pointer, or one beyond `struct_size`,
 *         means "not supported" and the host falls back.
 *   - APPEND-ONLY RULE: members are only ever appended at the end of a struct,
 *     below the "appended below this line only" marker. No member is removed,
 *     reordered, resized or given a new meaning within a major version.
 *   - FROZEN STRUCTS: `warden_str_t`, `warden_kv_t` and `warden_map_t` have no
 *     `struct_size` and never change within major 1, so their arrays
 *     (`warden_map_t.items`) are indexed with sizeof as usual.
 *   - Capabilities that are not worth a minor bump arrive as extensions,
 *     fetched by a versioned string id through `get_extension` ("warden.x/1").
 *   - THE ONE EXCEPTION, minor 2: ABI 1.2 changed what `insert` does with the
 *     live ban a target already has (see STACKED BANS), because the 1.0/1.1 rule
 *     let a shorter or weaker ban end a longer one, silently weakening what
 *     bouncers enforce. A host of 1.2 or later refuses a backend that declares
 *     minor 0 or 1, naming this rule: rebuild it against this header and make
 *     it keep every ban. A 1.2 backend loaded by a 1.0/1.1 host works, but that
 *     host serves one ban per target (its own rule).
 *
 * STACKED BANS (1.2). A target may have several live bans at once, as
 * CrowdSec's Local API keeps several decisions per value: `insert` never ends
 * an earlier ban. A ban ends only when `delete_target` or `delete_all` removes
 * it, when warden.history/1 deletes it or its signal, or when its until_ns
 * passes (and the expiry sweep marks it). Which of a target's bans a bouncer is
 * served is the host's business (the longest per type).
 *
 * SIMULATED SIGNALS (1.2). A signal whose `simulated` is 1 is stored like any
 * other (history: read_signals lists it with its bans) but its bans are NEVER
 * live: read_at does not list them, warden.changes/1 does not report them,
 * delete_target, delete_all and the expiry sweep neither count nor end them,
 * and target_history does not count them as active. They are history from the
 * start (retention may purge them like any ended ban).
 *
 * OWNERSHIP (the same rule everywhere)
 *   - Every pointer the host passes into a call is BORROWED for the duration
 *     of that call only. A backend copies what it wants to keep.
 *   - Every pointer a backend passes to a host callback is borrowed for the
 *     duration of that callback only. The host copies what it keeps.
 *   - No allocation crosses the boundary: nobody frees memory the other side
 *     allocated. Lists come back through a host callback (`warden_row_sink_fn`);
 *     errors come back as a status code plus a message that the backend writes
 *     into a buffer the host provides (`err`, `err_len`).
 *   - The `warden_backend_t` a backend returns from `New` is owned by the
 *     backend and stays valid until the host calls its `destroy`.
 *   - The `warden_host_t` passed to `New` is owned by the host and stays valid
 *     until `destroy` of every instance created with it has returned.
 *
 * STRINGS are UTF-8, passed as pointer + length (`warden_str_t`), never
 * NUL-terminated by contract. An empty string has len == 0 (ptr may be NULL).
 *
 * TIME is signed 64-bit nanoseconds since the Unix epoch, UTC (`*_ns`).
 *
 * THREADS
 *   - The host serializes calls per instance: it never calls two members of
 *     one instance at the same time. Different instances (of the same library
 *     or not) may be called concurrently from different threads, so state
 *     shared between instances must be locked by the backend.
 *   - `start_auto_commit` may start threads. `shutdown` stops and joins them.
 *     After `shutdown` returns, the instance makes no call into the host.
 *   - Host callbacks (`log`, `now_ns`) are thread-safe: a backend may call
 *     them from any thread it owns, until its `shutdown` or `destroy` returns.
 *
 * ERRORS
 *   Functions that can fail return `int32_t`: WARDEN_OK (0) or a WARDEN_E_*
 *   code. On failure the backend writes a NUL-terminated, human-readable
 *   message into err[0, err_len), truncated if needed (err_len >= 1 always).
 *   Write it as "what failed: why; what to do". Never put secrets (passwords)
 *   in it. Panics, C++ exceptions and Swift errors must never cross the
 *   boundary: catch them and return WARDEN_E_INTERNAL.
 *
 * LIFECYCLE of one instance
 *   New -> init -> { insert | read_at | delete_target | delete_all | flush }*
 *       -> [start_auto_commit] -> ... -> shutdown [-> shutdown ...] -> destroy
 *   After `New` succeeded, the host calls `destroy` exactly once. If `init`
 *   fails, the host calls `destroy` without `shutdown`. `shutdown` is
 *   idempotent: a second call returns WARDEN_OK and does nothing.
 */
#ifndef WARDEN_BACKEND_H
#define WARDEN_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- version */

/* Bytes "WDRN" read as a little-endian uint32. First member of both
 * `warden_host_t` and `warden_backend_t`. */
#define WARDEN_ABI_MAGIC 0x4E524457u
#define WARDEN_ABI_VERSION_MAJOR 1u
#define WARDEN_ABI_VERSION_MINOR 3u

/* The lowest minor a host of this header loads (see THE ONE EXCEPTION). */
#define WARDEN_ABI_MINIMUM_MINOR 2u

/* ---------------------------------------------------------- status codes */

#define WARDEN_OK 0
#define WARDEN_E_INVALID 1     /* bad input or bad configuration */
#define WARDEN_E_UNSUPPORTED 2 /* the backend cannot do this */
#define WARDEN_E_IO 3          /* the storage failed (disk, network, server) */
#define WARDEN_E_BUSY 4        /* the storage stayed locked or busy; retry later */
#define WARDEN_E_ABI 5         /* host and backend do not speak the same ABI */
#define WARDEN_E_INTERNAL 6    /* a bug or a caught panic/exception in the backend */
#define WARDEN_E_STALE_CURSOR 7 /* changes_since only: the cursor is not in the change history the storage
                                   keeps (see warden.changes/1); read everything again from cursor 0 */
#define WARDEN_E_CONFLICT 8     /* write_document only: the document changed since the version the write
                                   names (see warden.documents/1); read it again and redo the change */

/* ------------------------------------------------------------- log levels */

#define WARDEN_LOG_TRACE 0
#define WARDEN_LOG_DEBUG 1
#define WARDEN_LOG_INFO 2
#define WARDEN_LOG_WARNING 3
#define WARDEN_LOG_ERROR 4

/* ----------------------------------------------------------------- scopes */

#define WARDEN_SCOPE_IP 1    /* one address: "192.0.2.7", "2001:db8::7" */
#define WARDEN_SCOPE_RANGE 2 /* a CIDR block: "192.0.2.0/24", "2001:db8::/32" */

/* ------------------------------------------------------------ basic types */

/* The three basic types are FROZEN for major 1: no struct_size, never a new
 * member, so arrays of them are indexed with sizeof as usual. */

/* A borrowed UTF-8 string: `len` bytes at `ptr`, no NUL terminator implied. */
typedef struct warden_str {
    const char *ptr;
    size_t len;
} warden_str_t;

/* One key/value pair of a string map. */
typedef struct warden_kv {
    warden_str_t key;
    warden_str_t value;
} warden_kv_t;

/* A borrowed string map: `count` pairs at `items`. Keys are unique. */
typedef struct warden_map {
    const warden_kv_t *items;
    size_t count;
} warden_map_t;

/* ------------------------------------------------------ versioned structs */

/* Where `member` of `type` ends: the base of every *_V1_0_SIZE minimum below.
 * Those are enumerators rather than macros so that Swift imports them too. */
#define WARDEN_END_OF(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

/* Reads versioned struct number `index` of `items`, `stride` bytes apart, into
 * the reader's own struct `dst` of `dst_size` bytes (its sizeof): copies the
 * first min(stride, dst_size) bytes and zeroes the rest of `dst`, so members
 * the writer lacks read as zero / NULL / empty and members the reader lacks
 * are skipped. For one struct rather than an array, pass its `struct_size`
 * as `stride` and 0 as `index`. Check `stride` against the struct's
 * *_V1_0_SIZE first: this function trusts it.
 *   warden_ban_t ban;
 *   warden_copy_versioned(&ban, sizeof ban, signal->bans, signal->ban_stride, i); */
static inline void warden_copy_versioned(void *dst, size_t dst_size, const void *items, size_t stride,
                                         size_t index) {
    size_t n = stride < dst_size ? stride : dst_size;
    memcpy(dst, (const char *)items + index * stride, n);
    memset((char *)dst + n, 0, dst_size - n);
}

/* --------------------------------------------------------- domain structs */

/* One ban carried by a signal (legacy "BanApplication"), an element of
 * `warden_signal_t.bans`. Written by the host; a backend reads only members
 * below `struct_size`. */
typedef struct warden_ban {
    uint32_t struct_size;       /* sizeof(warden_ban_t) of the writer, equal to the signal's `ban_stride` */
    uint32_t scope;             /* WARDEN_SCOPE_IP or WARDEN_SCOPE_RANGE */
    warden_str_t target;        /* canonical text: "192.0.2.7", "2001:db8::/32"; what delete_target names */
    uint8_t range_start[16];    /* first address covered, IPv6 network byte order; IPv4 as ::ffff:a.b.c.d */
    uint8_t range_end[16];      /* last address covered, same encoding (== range_start for WARDEN_SCOPE_IP) */
    warden_str_t origin;        /* who decided: "cli", "local", "api" (legacy MeasureSource) */
    warden_str_t action;        /* remediation: "ban", "slow", "captcha" (legacy MeasureType) */
    warden_str_t reason;        /* free text given by the operator or the scenario */
    warden_str_t scenario;      /* scenario name; for a manual ban, the operator's reason text
                                   (the <reason> of `warden ban add ip <address> <duration> <reason>`) */
    warden_str_t country;       /* ISO 3166-1 alpha-2 of the target, or empty */
    warden_str_t as_name;       /* autonomous system organisation, or empty */
    int64_t as_number;          /* autonomous system number, 0 when unknown */
    int64_t until_ns;           /* the ban is active while now < until_ns */
    /* ---- v1.1+ members are appended below this line only ---- */
} warden_ban_t;

enum { WARDEN_BAN_V1_0_SIZE = WARDEN_END_OF(warden_ban_t, until_ns) };

/* One event of a signal (legacy "EventSequence"), an element of
 * `warden_signal_t.events`. Written by the host; a backend reads only members
 * below `struct_size`. */
typedef struct warden_event {
    uint32_t struct_size;       /* sizeof(warden_event_t) of the writer, equal to the signal's `event_stride` */
    uint32_t reserved;          /* 0 */
    int64_t time_ns;            /* when the event happened */
    warden_str_t source;        /* the event's source address, or empty */
    warden_str_t serialized;    /* the event's metadata as JSON text, or empty */
    /* ---- v1.1+ members are appended below this line only ---- */
} warden_event_t;

enum { WARDEN_EVENT_V1_0_SIZE = WARDEN_END_OF(warden_event_t, serialized) };

/* One signal occurrence (legacy "SignalOccurence"): an overflow or a manual
 * decision, carrying the bans it decided. Written by the host; a backend
 * reads only members below `struct_size`. */
typedef struct warden_signal {
    uint32_t struct_size;       /* sizeof(warden_signal_t) of the writer */
    uint32_t simulated;         /* 1 when the decision is a simulation, else 0 (see SIMULATED SIGNALS) */
    warden_str_t scenario;      /* scenario that fired, or the reason of a manual ban */
    warden_str_t message;       /* human summary ("ban 192.0.2.7 for 4h (ssh)") */
    warden_str_t source;        /* the attacking address or range as text */
    int64_t events_count;       /* how many events made the signal */
    int64_t start_ns;           /* first event */
    int64_t stop_ns;            /* last event */
    int64_t created_ns;         /* when the host recorded the signal (host clock) */
    /* `ban_count` warden_ban_t, `ban_stride` bytes apart (see VERSIONING,
     * ARRAYS). A void pointer, so that `bans[i]` does not compile: element i
     * is at (const char *)bans + i * ban_stride. */
    const void *bans;
    size_t ban_count;           /* may be 0 */
    size_t ban_stride;          /* sizeof(warden_ban_t) of the writer; >= WARDEN_BAN_V1_0_SIZE when ban_count > 0 */
    /* `event_count` warden_event_t, `event_stride` bytes apart, likewise. */
    const void *events;
    size_t event_count;         /* may be 0 */
    size_t event_stride;        /* sizeof(warden_event_t) of the writer; >= WARDEN_EVENT_V1_0_SIZE when event_count > 0 */
    warden_map_t labels;        /* free labels of the scenario */
    /* ---- v1.1+ members are appended below this line only ---- */
} warden_signal_t;

enum { WARDEN_SIGNAL_V1_0_SIZE = WARDEN_END_OF(warden_signal_t, labels) };

/* One active ban as read back by `read_at`: one row per live ban (a target
 * may have several, see STACKED BANS).
 * Written by the backend; the host reads only members below `struct_size`
 * and treats the rest as zero/empty. The host maps it to the legacy keys
 * source, iptext, reason, scenario, bancount, action, cn, as, events_count,
 * until. */
typedef struct warden_ban_row {
    uint32_t struct_size;       /* sizeof(warden_ban_row_t) of the writer */
    uint32_t scope;             /* WARDEN_SCOPE_* */
    int64_t id;                 /* stable id of this ban, > 0, unique within the store */
    warden_str_t target;        /* legacy "iptext" */
    warden_str_t origin;        /* legacy "source" */
    warden_str_t action;        /* legacy "action" */
    warden_str_t reason;        /* legacy "reason" */
    warden_str_t scenario;      /* legacy "scenario" */
    warden_str_t country;       /* legacy "cn" */
    warden_str_t as_name;       /* legacy "as" = "<as_number> <as_name>" */
    int64_t as_number;
    int64_t until_ns;           /* legacy "until" = until_ns - at, as a duration */
    int64_t created_ns;         /* the signal's created_ns */
    int64_t ban_count;          /* legacy "bancount": bans ever stored for this target, history included */
    int64_t events_count;       /* legacy "events_count": sum of events_count of those signals */
    /* ---- v1.1+ members are appended below this line only ---- */
} warden_ban_row_t;

enum { WARDEN_BAN_ROW_V1_0_SIZE = WARDEN_END_OF(warden_ban_row_t, events_count) };

/* Receives one row of `read_at`. `row` and every string it points to are
 * borrowed for this call only. Return 0 to go on; any other value asks the
 * backend to stop reading and return WARDEN_OK.
 * [called on the thread that called read_at, before read_at returns] */
typedef int32_t (*warden_row_sink_fn)(void *sink_ctx, const warden_ban_row_t *row);

/* ------------------------------------------------------------------ host */

/* What the host offers every instance. Owned by the host, valid until the
 * last `destroy` of an instance created with it returns. A backend reads
 * only members below `struct_size`. */
typedef struct warden_host {
    uint32_t magic;             /* WARDEN_ABI_MAGIC */
    uint32_t struct_size;       /* sizeof(warden_host_t) of the host */
    uint32_t abi_major;         /* WARDEN_ABI_VERSION_MAJOR of the host */
    uint32_t abi_minor;         /* WARDEN_ABI_VERSION_MINOR of the host */
    void *host_data;            /* opaque; pass it back to the callbacks below */

    /* Writes one line to the host's log, tagged with the instance's name.
     * `message` is borrowed for the call. [thread-safe] */
    void (*log)(void *host_data, int32_t level, warden_str_t message);

    /* The host's clock in ns since the epoch. Backends use it for every
     * "now" (expiry sweeps, retention), so tests can control time.
     * [thread-safe] */
    int64_t (*now_ns)(void *host_data);
    /* ---- v1.1+ members are appended below this line only ---- */

    /* (1.3) Adds `n` to the instance's counter `event`, which the host exports
     * as a metric (warden: warden_backend_events_total{backend, event}): what a
     * backend did that an operator should see counted, such as transactions the
     * server undid for a conflict and the backend ran again. `event` is
     * borrowed for the call: 1 to 32 bytes of [a-z0-9_]; a host ignores another
     * name, and names past the first 16 of an instance. Hosts before 1.3 do not
     * have it: call it only when struct_size covers it and it is not NULL.
     * [thread-safe] */
    void (*count)(void *host_data, warden_str_t event, uint64_t n);
} warden_host_t;

enum { WARDEN_HOST_V1_0_SIZE = WARDEN_END_OF(warden_host_t, now_ns) };

/* --------------------------------------------------------------- backend */

/* One backend instance. Allocated and owned by the backend, returned by
 * `New`, freed by `destroy`. Every function takes the instance first.
 * Unless said otherwise, each is [serialized per instance], takes borrowed
 * inputs, and returns WARDEN_OK or a WARDEN_E_* code with a message in err. */
typedef struct warden_backend {
    uint32_t magic;             /* WARDEN_ABI_MAGIC */
    uint32_t struct_size;       /* sizeof(warden_backend_t) of the backend */
    uint32_t abi_major;         /* WARDEN_ABI_VERSION_MAJOR the backend was built against */
    uint32_t abi_minor;         /* WARDEN_ABI_VERSION_MINOR the backend was built against */
    warden_str_t name;          /* short name, e.g. "sqlite"; static storage, valid for the process life */
    warden_str_t version;       /* e.g. "1.0.0 (swift 6.3.1)"; static storage, valid for the process life */
    void *backend_data;         /* reserved for the backend; the host never touches it */

    /* Configures the instance from the `config:` map of its YAML file, plus
     * the keys the host injects when the file does not set them: "flush"
     * ("true"/"false"), "max_records" and "max_records_age" (a duration such
     * as "720h": history whose signal was created longer ago than that is
     * purged; the age counts from created_ns, never from until_ns). Unknown
     * keys should be logged as a warning, not refused.
     * A missing or invalid key returns WARDEN_E_INVALID naming the key.
     * Called once, before any other member but `destroy`. */
    int32_t (*init)(struct warden_backend *self, warden_map_t config, char *err, size_t err_len);

    /* Records `signal` and every ban it carries, ALL OR NOTHING: when it
     * returns an error, none of the signal's bans is stored. A ban whose scope
     * is neither WARDEN_SCOPE_IP nor WARDEN_SCOPE_RANGE, or whose target is
     * empty, is refused with WARDEN_E_INVALID; check every ban before storing
     * any. Each stored ban gets the next id: ids grow with insertion order.
     * A ban for a target that already has live bans is stored beside them and
     * ends none of them (STACKED BANS). A ban whose until_ns is already past is
     * stored but is never live; neither is a ban of a simulated signal
     * (SIMULATED SIGNALS).
     * May buffer until `flush`, but reads and deletes through the same
     * instance must see it (read-your-writes). A signal whose `struct_size`,
     * `ban_stride` or (with events) `event_stride` is below its *_V1_0_SIZE
     * is refused with WARDEN_E_ABI, before any of it is stored. */
    int32_t (*insert)(struct warden_backend *self, const warden_signal_t *signal, char *err, size_t err_len);

    /* Streams to `sink` every ban active at `at_ns`, one row per ban (several
     * for a target that has several), NEWEST FIRST (descending id), so a host
     * that needs only the N newest rows stops after N.
     * A ban is active at t when it is not simulated, its signal's
     * created_ns <= t < until_ns and it has not ended at or before t. A ban
     * ends when `delete_target` or `delete_all` removes it (at the host's now_ns
     * during that call), when warden.history/1 deletes it, or when the expiry
     * sweep marks it. So a past at_ns shows the bans as they were then: not a
     * ban created since, but a ban deleted since (as it was, with its own
     * reason and until_ns).
     * ban_count and events_count count the target's whole stored history,
     * whatever at_ns is: deleted, expired and simulated bans included, purged
     * ones not.
     * When `sink` returns non-zero, make no further sink call and return
     * WARDEN_OK promptly. Each row's `struct_size` is sizeof(warden_ban_row_t)
     * of the backend; the host stops the stream at a row below
     * WARDEN_BAN_ROW_V1_0_SIZE and reports the backend as built against an
     * incompatible header. */
    int32_t (*read_at)(struct warden_backend *self, int64_t at_ns, warden_row_sink_fn sink, void *sink_ctx,
                       char *err, size_t err_len);

    /* Removes every ban of `target` that is live at the host's now_ns (exact
     * text comparison of canonical forms): each ends now and stays in history.
     * Writes how many were removed into *deleted: the number of live bans the
     * target had, 0 when none (0 is not an error), so deleting twice gives n,
     * then 0.
     * LIVE means not ended and now_ns < until_ns: a ban past its until_ns that
     * no expiry sweep has marked yet is not live, is not counted and stays
     * history as it is. An empty target is WARDEN_E_INVALID. */
    int32_t (*delete_target)(struct warden_backend *self, warden_str_t target, uint64_t *deleted,
                             char *err, size_t err_len);

    /* Removes every live ban (see delete_target): each ends at the host's
     * now_ns and stays in history. Writes how many into *deleted; a ban past
     * its until_ns that no expiry sweep has marked yet may be counted or not. */
    int32_t (*delete_all)(struct warden_backend *self, uint64_t *deleted, char *err, size_t err_len);

    /* Makes every previous write durable and visible to other instances and
     * processes using the same storage. Succeeds only if every insert since
     * the last flush is stored: when a commit the host did not ask for (the
     * auto-commit thread, changes_since, a delete) failed and lost buffered
     * inserts, the next flush reports that failure, once, even if nothing is
     * pending any more. The host answers its clients from flush alone. */
    int32_t (*flush)(struct warden_backend *self, char *err, size_t err_len);

    /* Starts the background work a long-running host wants: periodic commit
     * of buffered inserts, expiry of ended bans when config "flush" is true,
     * and retention (max_records, max_records_age). May start threads.
     * Calling it twice is harmless. */
    int32_t (*start_auto_commit)(struct warden_backend *self, char *err, size_t err_len);

    /* Commits what is pending, stops and joins every thread the instance
     * started, releases the storage. Idempotent: later calls return WARDEN_OK.
     * After it, only `destroy` (and further `shutdown`s) may be called. */
    int32_t (*shutdown)(struct warden_backend *self, char *err, size_t err_len);

    /* Frees the instance and `self`. Must not fail. If `shutdown` was not
     * called, does its work first, discarding errors. */
    void (*destroy)(struct warden_backend *self);

    /* OPTIONAL (may be NULL). Returns the extension struct for the versioned
     * id `extension_id` (NUL-terminated, e.g. WARDEN_EXT_MAINTENANCE), or NULL
     * when unsupported. The returned struct is static, owned by the backend,
     * valid for the process life; the host never frees it. [thread-safe] */
    const void *(*get_extension)(struct warden_backend *self, const char *extension_id);

    /* ---- v1.1+ members are appended below this line only ---- */
} warden_backend_t;

/* A backend must declare at least this `struct_size`; the host refuses less. */
enum { WARDEN_BACKEND_V1_0_SIZE = WARDEN_END_OF(warden_backend_t, get_extension) };

/* ------------------------------------------------------------- extensions */

/* "warden.maintenance/1": run one round of the background work now, at the
 * given time, instead of waiting for the auto-commit thread. Lets a daemon
 * schedule it itself and lets tests drive expiry and retention with a
 * controlled clock. */
#define WARDEN_EXT_MAINTENANCE "warden.maintenance/1"

typedef struct warden_ext_maintenance {
    uint32_t struct_size;       /* sizeof(warden_ext_maintenance_t) of the backend */
    uint32_t reserved;          /* 0 */

    /* Commits pending inserts; when config "flush" is true, ends the live bans
     * with until_ns <= now_ns (expiry sweep: they become history, and a
     * read_at before their until_ns still lists them); purges history (ended
     * bans, oldest id first) beyond max_records, and the history whose
     * signal's created_ns is before now_ns - max_records_age: the age counts
     * from creation, never from until_ns. Live bans are never purged.
     * Writes how many bans expired and how many history records were purged.
     * [serialized per instance, like every member of warden_backend_t] */
    int32_t (*run)(warden_backend_t *self, int64_t now_ns, uint64_t *expired, uint64_t *purged,
                   char *err, size_t err_len);
    /* ---- appended below this line only ---- */
} warden_ext_maintenance_t;

enum { WARDEN_EXT_MAINTENANCE_V1_SIZE = WARDEN_END_OF(warden_ext_maintenance_t, run) };

/* "warden.changes/1": what changed in the storage since a cursor, so that a
 * long-running host (the daemon's decision index) stays in step with bans that
 * other instances, processes or hosts sharing the storage add and delete,
 * without reading every active ban again each time.
 *
 * THE FEED. The storage keeps an ordered history of the changes to its set of
 * live bans (not ended, see delete_target; until_ns is the reader's business).
 * A CURSOR is a position in that history: an int64 the backend issues, opaque
 * to the host, stored in the storage rather than in memory, so a cursor from
 * one instance is valid for every instance, process and host using the same
 * storage. Positions only grow: a later call never returns a smaller cursor.
 * Cursor 0 is not a position: it asks for a SNAPSHOT.
 *
 * THE CHANGES, each a `warden_change_t`:
 *   WARDEN_CHANGE_ADDED          a ban was stored. `row` is the ban as read_at
 *       lists it (ban_count and events_count as they are at this call), and
 *       `ban_id` == row->id. Every stored ban is reported, even one already past
 *       its until_ns or ended since (its ENDED follows), EXCEPT one that history
 *       retention purged since, and one of a simulated signal: those are not
 *       live and are skipped. An ADDED ends no other ban (STACKED BANS; before
 *       1.2 it replaced the target's earlier ban).
 *   WARDEN_CHANGE_ENDED          the ban `ban_id` ended at `ended_ns`: removed
 *       by delete_target (ended_ns = the host's now of that call). `row` is
 *       NULL: the backend may no longer have the ban. May also be reported for
 *       a ban already past its until_ns, which changes nothing.
 *   WARDEN_CHANGE_ENDED_THROUGH  delete_all, as ONE change whatever the number
 *       of bans: every ban whose id is <= `ban_id` has ended (at `ended_ns` if it
 *       was live then). No ADDED of an id <= `ban_id` is reported after it.
 *       `row` is NULL. A backend may report delete_all as one ENDED per ban
 *       instead.
 *   The expiry sweep and history retention are NOT changes and are never
 *   reported: a ban past its until_ns is not live whether swept or not, and
 *   only ended bans are purged.
 * So a reader that holds the bans of a snapshot and applies every change after
 * it, in order (ADDED: hold the row; ENDED: drop `ban_id`; ENDED_THROUGH: drop
 * every id <= `ban_id`), holds
 * exactly the storage's unended bans as of the last cursor returned; dropping
 * those whose until_ns has passed leaves what read_at(now) returns.
 *
 * ORDER. Changes come in the order the storage made them visible, except that
 * the changes one commit (one flush) makes visible together may come ADDED
 * first, by ascending id, then ENDED, then ENDED_THROUGH: SQL backends log a
 * transaction's inserts as one range of ids. Applying them gives the same
 * result either way.
 *
 * SEVERAL WRITERS. Positions must become visible in their order, so that a
 * reader that saw position p has seen every change before p. Auto-increment
 * ids alone do not: on MySQL two transactions take ids 10 and 11, the one with
 * 11 commits first, a reader passes 11 and never sees 10. A backend therefore
 * gives positions under a lock held until commit: the Warden SQLite backend has
 * SQLite's single writer (BEGIN IMMEDIATE); the MySQL backend makes every
 * transaction that writes bans first update one row of `warden_state`, which
 * InnoDB keeps locked until COMMIT, so writers commit one at a time and the ids
 * and positions of each come after those of every earlier commit (on Galera,
 * of two nodes writing at once one is refused at commit, not reordered). A
 * backend that cannot promise this must not offer the extension.
 *
 * STALE CURSORS. A backend forgets old history: changes made before
 * now - max_records_age when retention runs (none when it is 0). Retention
 * that purges a ban added after a cursor may make that cursor stale too (the
 * Warden backends do so; since 1.2 skipping that ADDED would be enough). A
 * cursor before the
 * oldest change kept, or beyond the newest position issued (another
 * storage, or one restored from a backup), is STALE: changes_since returns
 * WARDEN_E_STALE_CURSOR with a message, delivers nothing, and the host starts
 * again from cursor 0. A backend never skips a change silently: when it cannot
 * report every change after a cursor, that cursor is stale.
 */
#define WARDEN_EXT_CHANGES "warden.changes/1"

#define WARDEN_CHANGE_ADDED 1u
#define WARDEN_CHANGE_ENDED 2u
#define WARDEN_CHANGE_ENDED_THROUGH 3u

/* One change of the feed. Written by the backend; the host reads only members
 * below `struct_size` and stops at a change below WARDEN_CHANGE_V1_SIZE, as it
 * does for rows. */
typedef struct warden_change {
    uint32_t struct_size;       /* sizeof(warden_change_t) of the backend */
    uint32_t kind;              /* WARDEN_CHANGE_* */
    int64_t ban_id;             /* ADDED, ENDED: the ban; ENDED_THROUGH: the highest id ended */
    int64_t ended_ns;           /* ENDED, ENDED_THROUGH: when the ban(s) ended; ADDED: 0 */
    const warden_ban_row_t *row; /* ADDED: the ban, with its own struct_size (read it like a read_at row); else NULL */
    /* ---- appended below this line only ---- */
} warden_change_t;

enum { WARDEN_CHANGE_V1_SIZE = WARDEN_END_OF(warden_change_t, row) };

/* Receives one change of `changes_since`. `change`, its row and every string
 * the row points to are borrowed for this call only. Return 0 to go on; any
 * other value asks the backend to stop and return WARDEN_OK.
 * [called on the thread that called changes_since, before it returns] */
typedef int32_t (*warden_change_sink_fn)(void *sink_ctx, const warden_change_t *change);

typedef struct warden_ext_changes {
    uint32_t struct_size;       /* sizeof(warden_ext_changes_t) of the backend */
    uint32_t reserved;          /* 0 */

    /* First commits the instance's own pending writes, as flush does, so that
     * they are reported too. Then:
     *   cursor == 0: a SNAPSHOT. One ADDED change per ban live at the host's
     *     now_ns (not ended, now_ns < until_ns: what read_at(now_ns) lists), in
     *     any order, and *next_cursor = the position that snapshot reflects,
     *     read atomically with it: every change after it is in later calls.
     *   cursor > 0: a DELTA. Every change after `cursor`, in order (see ORDER),
     *     and *next_cursor = the position after the last one; when nothing
     *     changed, *next_cursor = cursor.
     * Returns WARDEN_E_STALE_CURSOR for a stale cursor (see STALE CURSORS),
     * WARDEN_E_INVALID for a negative cursor or a NULL sink or next_cursor.
     * When `sink` returns non-zero, makes no further sink call and returns
     * WARDEN_OK promptly, with *next_cursor set so that nothing is lost:
     * resuming from it may deliver again the changes of the commit the sink
     * stopped in (applying a change twice, in order, is harmless), and a
     * stopped snapshot leaves it 0. On an error, *next_cursor is unspecified
     * and the host keeps its cursor.
     * [serialized per instance, like every member of warden_backend_t] */
    int32_t (*changes_since)(warden_backend_t *self, int64_t cursor, int64_t *next_cursor,
                             warden_change_sink_fn sink, void *sink_ctx, char *err, size_t err_len);
    /* ---- appended below this line only ---- */
} warden_ext_changes_t;

enum { WARDEN_EXT_CHANGES_V1_SIZE = WARDEN_END_OF(warden_ext_changes_t, changes_since) };

/* "warden.history/1": what the storage remembers, asked for precisely. A host
 * that decides bans from earlier ones (a profile's GetDecisionsCount), or that
 * shows and edits signals (a Local API's alerts), asks the storage instead of
 * reading every ban with read_at. Each member answers with indexed queries:
 * its cost follows the size of the answer, not of the storage.
 *
 * IDS. A signal's id is the id of its first ban (`read_signals` hands out both),
 * so it is > 0, unique within the storage and grows with insertion order. A
 * signal without bans is stored by no Warden backend and has no id. Ids belong
 * to one storage: the same signal inserted into two backends has an id in each.
 *
 * DELETED SIGNALS. `delete_signal` ends a signal's live bans and hides the
 * signal: `read_signals` never lists it again and `target_history` no longer
 * counts its bans, as if it had never been stored. read_at still shows its bans
 * at times before the deletion, and its ban_count still counts them, until
 * retention purges them like any history.
 *
 * CONTAINMENT. Both queries name addresses the way a ban does: `range_start`
 * and `range_end` as in warden_ban_t (one address: both equal). A ban CONTAINS
 * the query's [range_start, range_end] when its own range covers it, comparing
 * the 16-byte encodings as unsigned big-endian numbers (an IPv4 address is
 * ::ffff:a.b.c.d, so an IPv6 block covering ::ffff:0:0/96 covers IPv4 too). A
 * ban is WITHIN it when the query's range covers the ban's.
 *
 * REPLICATION. delete_signal and delete_ban end bans exactly as delete_target
 * does: at the host's now_ns, kept as history, each end reported by
 * warden.changes/1 as one WARDEN_CHANGE_ENDED (a ban that was not live is not
 * reported), so every follower of the feed drops them.
 */
#define WARDEN_EXT_HISTORY "warden.history/1"

/* How `warden_signal_query_t.range_match` compares each ban's range with the query's. */
#define WARDEN_RANGE_ANY 0u      /* no range filter: range_start and range_end are ignored */
#define WARDEN_RANGE_CONTAINS 1u /* bans whose range contains the query's (an address: the bans that cover it) */
#define WARDEN_RANGE_WITHIN 2u   /* bans whose range lies within the query's */

/* The question of `target_history`: the bans that contain one address or block.
 * Written by the host; a backend reads only members below `struct_size`. */
typedef struct warden_target_query {
    uint32_t struct_size;       /* sizeof(warden_target_query_t) of the host */
    uint32_t reserved;          /* 0 */
    uint8_t range_start[16];    /* the address or block asked about, as in warden_ban_t */
    uint8_t range_end[16];
    int64_t since_ns;           /* ban_count counts only bans whose signal was created after it (created_ns >
                                   since_ns); INT64_MIN counts every ban */
    int64_t now_ns;             /* the host's now: what "live" means for active_count and active_until_ns */
    /* ---- appended below this line only ---- */
} warden_target_query_t;

enum { WARDEN_TARGET_QUERY_V1_SIZE = WARDEN_END_OF(warden_target_query_t, now_ns) };

/* The answer of `target_history`. The HOST allocates it, zero-fills it and sets
 * `struct_size` to its own sizeof; the backend writes only the members that
 * start below that `struct_size`, and leaves `struct_size` as it is. */
typedef struct warden_target_history {
    uint32_t struct_size;       /* set by the host */
    uint32_t reserved;          /* 0 */
    int64_t ban_count;          /* bans stored that contain the query (see CONTAINMENT) and were created after
                                   since_ns: history included (ended, swept, past their until, simulated); purged
                                   ones and those of deleted signals not. CrowdSec's GetDecisionsCount and
                                   GetDecisionsSinceCount */
    int64_t active_count;       /* of the bans that contain the query, whatever since_ns, how many are live at
                                   now_ns (not ended, now_ns < until_ns). GetActiveDecisionsCount */
    int64_t active_until_ns;    /* the latest until_ns of those live bans; 0 when there is none.
                                   GetActiveDecisionsTimeLeft is active_until_ns - now_ns */
    /* ---- appended below this line only ---- */
} warden_target_history_t;

enum { WARDEN_TARGET_HISTORY_V1_SIZE = WARDEN_END_OF(warden_target_history_t, active_until_ns) };

/* Which signals `read_signals` lists: every filter that is set must hold
 * (AND); unset filters (0, empty) match everything. The BAN FILTERS (scope,
 * target, range_match, origin, action) select a signal when ONE of its bans
 * meets all of them at once. Written by the host; a backend reads only members
 * below `struct_size`. */
typedef struct warden_signal_query {
    uint32_t struct_size;       /* sizeof(warden_signal_query_t) of the host */
    uint32_t scope;             /* ban filter: WARDEN_SCOPE_*; 0: any */
    int64_t signal_id;          /* > 0: this signal only (all the other filters still apply); 0: any */
    int64_t ban_id;             /* > 0: only the signal that holds this ban; 0: any */
    warden_str_t target;        /* ban filter: exactly this canonical target; empty: any */
    uint32_t range_match;       /* ban filter: WARDEN_RANGE_*, against range_start..range_end */
    uint32_t active_only;       /* 1: only signals with a ban live at now_ns (CrowdSec's has_active_decision) */
    uint8_t range_start[16];    /* as in warden_ban_t; read only when range_match != WARDEN_RANGE_ANY */
    uint8_t range_end[16];
    warden_str_t origin;        /* ban filter: exactly this origin; empty: any */
    warden_str_t action;        /* ban filter: exactly this action (CrowdSec's decision type); empty: any */
    warden_str_t scenario;      /* the signal's scenario, exactly; empty: any */
    int64_t since_ns;           /* signals created after it (created_ns > since_ns); INT64_MIN: no bound */
    int64_t until_ns;           /* signals created before it (created_ns < until_ns); INT64_MAX: no bound */
    int64_t now_ns;             /* the host's now, for active_only */
    uint64_t limit;             /* at most this many signals, the newest first; 0: no limit */
    /* ---- appended below this line only ---- */
} warden_signal_query_t;

enum { WARDEN_SIGNAL_QUERY_V1_SIZE = WARDEN_END_OF(warden_signal_query_t, limit) };

/* One stored signal as `read_signals` reads it back. Written by the backend;
 * the host reads only members below `struct_size` and stops at a record
 * below WARDEN_SIGNAL_RECORD_V1_SIZE, as it does for rows. */
typedef struct warden_signal_record {
    uint32_t struct_size;       /* sizeof(warden_signal_record_t) of the backend */
    uint32_t reserved;          /* 0 */
    int64_t id;                 /* the signal's id (see IDS) */
    /* The signal as it was inserted: its own struct_size, every member the
     * backend keeps (a member it does not keep reads as zero / empty; the
     * Warden backends keep all of v1.0), ALL its bans (not only those that met
     * the ban filters), in insertion order, `ban_stride` apart, its events,
     * `event_stride` apart, and its labels. Read it as the backend reads what
     * insert receives (see VERSIONING). */
    const warden_signal_t *signal;
    const int64_t *ban_ids;     /* signal->ban_count ids: ban_ids[i] is the id of ban i */
    const int64_t *ban_ended_ns; /* signal->ban_count times: when ban i ended (deleted, swept, replaced before 1.2, ended by
                                    delete_all or delete_signal), or 0 while it has not (it may still be past its
                                    until_ns) */
    /* ---- appended below this line only ---- */
} warden_signal_record_t;

enum { WARDEN_SIGNAL_RECORD_V1_SIZE = WARDEN_END_OF(warden_signal_record_t, ban_ended_ns) };

/* Receives one signal of `read_signals`. `record` and everything it points to
 * are borrowed for this call only. Return 0 to go on; any other value asks the
 * backend to stop and return WARDEN_OK.
 * [called on the thread that called read_signals, before it returns] */
typedef int32_t (*warden_signal_sink_fn)(void *sink_ctx, const warden_signal_record_t *record);

typedef struct warden_ext_history {
    uint32_t struct_size;       /* sizeof(warden_ext_history_t) of the backend */
    uint32_t reserved;          /* 0 */

    /* Counts the bans that contain the query's address or block and finds the
     * live ones, into *out (see warden_target_history_t). Sees the instance's
     * own pending writes (read-your-writes). Returns WARDEN_E_INVALID for a
     * NULL query or out, or a query whose range_start is above its range_end,
     * and WARDEN_E_ABI for a query or out below its V1 size. */
    int32_t (*target_history)(warden_backend_t *self, const warden_target_query_t *query,
                              warden_target_history_t *out, char *err, size_t err_len);

    /* Streams to `sink` the signals that match `query` (deleted ones never),
     * NEWEST FIRST (descending id), at most query->limit of them. Sees the
     * instance's own pending writes. When `sink` returns non-zero, makes no
     * further sink call and returns WARDEN_OK promptly. Returns WARDEN_E_INVALID
     * for a NULL query or sink, or an unknown scope or range_match, and
     * WARDEN_E_ABI for a query below WARDEN_SIGNAL_QUERY_V1_SIZE. */
    int32_t (*read_signals)(warden_backend_t *self, const warden_signal_query_t *query, warden_signal_sink_fn sink,
                            void *sink_ctx, char *err, size_t err_len);

    /* Deletes the signal `signal_id` (see DELETED SIGNALS): each of its bans
     * live at the host's now_ns ends then (see REPLICATION), and the signal is
     * hidden. Writes 1 into *deleted, or 0 when no signal has that id or it was
     * deleted already (0 is not an error). A signal_id <= 0 is WARDEN_E_INVALID. */
    int32_t (*delete_signal)(warden_backend_t *self, int64_t signal_id, uint64_t *deleted, char *err,
                             size_t err_len);

    /* Ends the ban `ban_id` if it is live at the host's now_ns, exactly as
     * delete_target would end it (see REPLICATION); its signal stays listed,
     * with the ban's ended time. Writes 1 into *deleted, or 0 when no ban has
     * that id or it is not live (0 is not an error). A ban_id <= 0 is
     * WARDEN_E_INVALID. */
    int32_t (*delete_ban)(warden_backend_t *self, int64_t ban_id, uint64_t *deleted, char *err, size_t err_len);

    /* ---- ABI 1.1: read only when struct_size >= WARDEN_EXT_HISTORY_V1_1_SIZE; may be NULL ---- */

    /* Does what `insert` does, with the same checks and errors, and writes into
     * *signal_id the id the signal got (see IDS): what read_signals lists it as.
     * A signal without bans gets no id: *signal_id is 0. A backend that learns
     * ids only when it commits (one that buffers inserts) commits what is pending
     * first, as flush does; one that knows them at once may keep buffering (the
     * host flushes before it tells anyone the id). On an error *signal_id is
     * unspecified, and (as when insert succeeds and flush fails) the signal may
     * still be buffered and stored by a later commit. A host uses it to answer
     * a client with the id later reads will show (a Local API's POST /v1/alerts);
     * NULL: the host calls insert. */
    int32_t (*insert_signal)(warden_backend_t *self, const warden_signal_t *signal, int64_t *signal_id, char *err,
                             size_t err_len);
    /* ---- appended below this line only ---- */
} warden_ext_history_t;

enum {
    WARDEN_EXT_HISTORY_V1_SIZE = WARDEN_END_OF(warden_ext_history_t, delete_ban),
    WARDEN_EXT_HISTORY_V1_1_SIZE = WARDEN_END_OF(warden_ext_history_t, insert_signal)
};

/* "warden.documents/1": small named texts kept in the storage beside the bans,
 * so that every host on one storage reads and edits the same ones. Warden keeps
 * there what identifies its clients when `api.server.identity_backend` names
 * the backend: bouncer keys, machines and the secret that signs their tokens,
 * so a bouncer registered through one node is known to all of them.
 *
 * A DOCUMENT is a NAME (1 to 128 bytes of A-Z a-z 0-9 '.' '_' '-') and a TEXT
 * (any bytes, at most WARDEN_DOCUMENT_MAX_BYTES; empty is a text, not an
 * absence) with a VERSION: an int64 > 0 that grows with every write of that
 * name. A name never written is ABSENT and has version 0. Documents cannot be
 * deleted (a host that wants "none" writes an empty or header-only text).
 *
 * COMPARE AND SWAP. A write names the version it replaces (0: the name must be
 * absent). When the stored version is another one (a write by any instance or
 * host came in between), the write changes nothing and returns
 * WARDEN_E_CONFLICT; the host reads again, redoes its change and writes with
 * the new version. Two writers can therefore never both win from one version.
 *
 * DURABILITY AND VISIBILITY. write_document commits before it returns
 * WARDEN_OK, like a flush: the text survives a crash from then on, and every
 * read that starts afterwards, by any instance on any host sharing the
 * storage, sees it. It never drops the instance's buffered inserts; it may
 * commit them first, as flush does (the SQLite backend must: its one
 * connection holds them in the transaction the document would wait for). A
 * server's own packet limit can refuse a large text (MySQL's
 * max_allowed_packet, 16 MiB by default, with the statement): WARDEN_E_IO.
 * Documents are not bans: read_at, warden.changes/1,
 * warden.history/1, delete_all, maintenance and retention never see them.
 * [serialized per instance, like every member of warden_backend_t]
 */
#define WARDEN_EXT_DOCUMENTS "warden.documents/1"
#define WARDEN_DOCUMENT_MAX_NAME 128u
#define WARDEN_DOCUMENT_MAX_BYTES 16777216u /* 16 MiB */

/* Receives the text of `read_document`, borrowed for this call only.
 * [called on the thread that called read_document, before it returns] */
typedef void (*warden_document_sink_fn)(void *sink_ctx, warden_str_t text);

typedef struct warden_ext_documents {
    uint32_t struct_size;       /* sizeof(warden_ext_documents_t) of the backend */
    uint32_t reserved;          /* 0 */

    /* Writes the version of document `name` into *version: 0 when it is absent.
     * The cheap question a host asks every second to learn whether to read again.
     * Returns WARDEN_E_INVALID for an invalid name or a NULL version. */
    int32_t (*document_version)(warden_backend_t *self, warden_str_t name, int64_t *version, char *err,
                                size_t err_len);

    /* Reads document `name`: writes its version into *version and, when it is
     * present, calls `sink` exactly once with its text; when absent, writes 0
     * and does not call `sink`. Version and text are of the same write.
     * Returns WARDEN_E_INVALID for an invalid name or a NULL version or sink. */
    int32_t (*read_document)(warden_backend_t *self, warden_str_t name, int64_t *version,
                             warden_document_sink_fn sink, void *sink_ctx, char *err, size_t err_len);

    /* Stores `text` as document `name` when its stored version is
     * `expected_version` (0: when it is absent), commits, and writes the new
     * version into *version. Otherwise writes nothing and returns
     * WARDEN_E_CONFLICT (see COMPARE AND SWAP). Returns WARDEN_E_INVALID for an
     * invalid name, a text over WARDEN_DOCUMENT_MAX_BYTES, a negative
     * expected_version or a NULL version; WARDEN_E_IO or WARDEN_E_BUSY when the
     * storage failed, and then the document may or may not have been stored
     * (the host reads it again before retrying). */
    int32_t (*write_document)(warden_backend_t *self, warden_str_t name, warden_str_t text,
                              int64_t expected_version, int64_t *version, char *err, size_t err_len);
    /* ---- appended below this line only ---- */
} warden_ext_documents_t;

enum { WARDEN_EXT_DOCUMENTS_V1_SIZE = WARDEN_END_OF(warden_ext_documents_t, write_document) };

/* ------------------------------------------------------------ entry point */

/* Marks `New` as exported. In C, build with -fvisibility=hidden so that
 * nothing else is.
 * C++: that is not enough. Instantiations of std templates over std types
 * (std::map<std::string, std::string>) keep the default visibility of
 * namespace std and are exported as weak symbols, and the static locals of
 * inline std functions (std::to_string's digit table) as GNU unique symbols,
 * even with -fvisibility=hidden -fvisibility-inlines-hidden. Link with a
 * version script that exports `New` alone ("{ global: New; local: *; };",
 * see Examples/cpp-backend): otherwise the plugin's own calls may bind to
 * another copy of those functions already loaded in the process (the host's,
 * a library's), compiled from other headers or with other flags.
 * `nm -D --defined-only` on the built .so must list `New` and nothing else. */
#if defined(__GNUC__) || defined(__clang__)
#define WARDEN_EXPORT __attribute__((visibility("default")))
#else
#define WARDEN_EXPORT
#endif

/* The one symbol a backend exports. Checks `host` (magic, abi_major,
 * struct_size >= WARDEN_HOST_V1_0_SIZE) and, on success, allocates one
 * instance, sets *out and returns WARDEN_OK. On failure sets *out = NULL,
 * writes a message and returns a WARDEN_E_* code (WARDEN_E_ABI when the
 * host's major differs or its struct is too small). Calls nothing but `host->log`.
 * [thread-safe: the host may create several instances concurrently] */
typedef int32_t (*warden_new_fn)(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len);

/* Type of the `New` symbol; declare yours with this signature, e.g. in C:
 *   WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out,
 *                             char *err, size_t err_len) { ... } */
#define WARDEN_ENTRY_SYMBOL "New"

#ifdef __cplusplus
} /* extern "C" */
#endif

/* ---------------------------------------------------- layout guarantees */
#if (defined(__x86_64__) || defined(__aarch64__)) && \
    (defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L))
#ifdef __cplusplus
#define WARDEN_STATIC_ASSERT static_assert
#else
#define WARDEN_STATIC_ASSERT _Static_assert
#endif
WARDEN_STATIC_ASSERT(sizeof(warden_str_t) == 16, "warden_str_t layout");
WARDEN_STATIC_ASSERT(sizeof(warden_kv_t) == 32, "warden_kv_t layout");
WARDEN_STATIC_ASSERT(sizeof(warden_map_t) == 16, "warden_map_t layout");
/* In this header (v1.3) every versioned struct is exactly its minimum size, but for
 * warden_ext_history_t, which gained insert_signal in 1.1, and warden_host_t, which
 * gained count in 1.3. */
WARDEN_STATIC_ASSERT(sizeof(warden_ban_t) == 168 && WARDEN_BAN_V1_0_SIZE == 168, "warden_ban_t v1.0 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_event_t) == 48 && WARDEN_EVENT_V1_0_SIZE == 48, "warden_event_t v1.0 layout");
WARDEN_STATIC_ASSERT(offsetof(warden_event_t, time_ns) == 8, "warden_event_t v1.0 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_signal_t) == 152 && WARDEN_SIGNAL_V1_0_SIZE == 152, "warden_signal_t v1.0 layout");
WARDEN_STATIC_ASSERT(offsetof(warden_signal_t, ban_stride) == 104, "warden_signal_t v1.0 layout");
WARDEN_STATIC_ASSERT(offsetof(warden_signal_t, event_stride) == 128, "warden_signal_t v1.0 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_ban_row_t) == 168 && WARDEN_BAN_ROW_V1_0_SIZE == 168, "warden_ban_row_t v1.0 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_host_t) == 48 && WARDEN_HOST_V1_0_SIZE == 40, "warden_host_t v1.0 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_backend_t) == 136 && WARDEN_BACKEND_V1_0_SIZE == 136, "warden_backend_t v1.0 layout");
WARDEN_STATIC_ASSERT(offsetof(warden_backend_t, init) == 56, "warden_backend_t v1.0 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_ext_maintenance_t) == 16 && WARDEN_EXT_MAINTENANCE_V1_SIZE == 16,
                     "warden_ext_maintenance_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_change_t) == 32 && WARDEN_CHANGE_V1_SIZE == 32, "warden_change_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_ext_changes_t) == 16 && WARDEN_EXT_CHANGES_V1_SIZE == 16,
                     "warden_ext_changes_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_target_query_t) == 56 && WARDEN_TARGET_QUERY_V1_SIZE == 56,
                     "warden_target_query_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_target_history_t) == 32 && WARDEN_TARGET_HISTORY_V1_SIZE == 32,
                     "warden_target_history_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_signal_query_t) == 160 && WARDEN_SIGNAL_QUERY_V1_SIZE == 160,
                     "warden_signal_query_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_signal_record_t) == 40 && WARDEN_SIGNAL_RECORD_V1_SIZE == 40,
                     "warden_signal_record_t v1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_ext_history_t) == 48 && WARDEN_EXT_HISTORY_V1_SIZE == 40 &&
                         WARDEN_EXT_HISTORY_V1_1_SIZE == 48,
                     "warden_ext_history_t v1.1 layout");
WARDEN_STATIC_ASSERT(sizeof(warden_ext_documents_t) == 32 && WARDEN_EXT_DOCUMENTS_V1_SIZE == 32,
                     "warden_ext_documents_t v1 layout");
#endif

#endif /* WARDEN_BACKEND_H */
