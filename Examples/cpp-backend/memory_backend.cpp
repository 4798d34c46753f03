/*
 * memory_backend.cpp - a Warden backend in C++17, written against
 * warden_backend.h alone. It keeps bans in memory: instances of one process
 * that name the same `store` in their config share them.
 *
 * Build: make (see the Makefile). Two things matter for any C++ backend:
 *   - no exception may cross the boundary: every member runs its body inside
 *     `guarded`, which turns an exception into a status code and a message;
 *   - the library must export `New` alone: -fvisibility=hidden leaves the
 *     instantiations of std templates over std types exported, so link with
 *     the version script exports.map (see WARDEN_EXPORT in the header).
 *
 * Config keys: store (default "default"). Every write is applied at once, so
 * flush only has to succeed; there is no background work to start.
 */
#include "warden_backend.h"

#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

/* ------------------------------------------------------------- storage */

/* One ban, never overwritten: it keeps when it was created and when it ended
 * (deleted), so read_at at a past time sees the bans as they were. A target may
 * have several live bans (ABI 1.2, STACKED BANS); a simulated signal's are never
 * live (SIMULATED SIGNALS). */
struct Record {
    int64_t id = 0;
    uint32_t scope = 0;
    std::string target, origin, action, reason, scenario, country, as_name;
    int64_t as_number = 0, until_ns = 0, created_ns = 0, events_count = 0;
    std::optional<int64_t> ended_ns;
    bool simulated = false;

    /* Active at t: not simulated, created, not yet past its until, not ended at or before t. */
    bool active_at(int64_t t) const {
        return !simulated && created_ns <= t && t < until_ns && (!ended_ns || t < *ended_ns);
    }

    /* Live at the host's now: not simulated, not ended, not past its until. */
    bool live_at(int64_t now) const { return !simulated && !ended_ns && now < until_ns; }
};

/* What a store knows of one target. */
struct Target {
    std::vector<size_t> records;  /* indices of its records, oldest first */
    int64_t bans = 0, events = 0;  /* its whole history, for ban_count and events_count */
};

struct Store {
    std::vector<Record> records; /* in id order */
    std::map<std::string, Target> targets;
    int64_t next_id = 1;
};

/* Every store of the process, under one lock: instances may run on different threads. */
std::mutex stores_lock;

std::map<std::string, Store> &stores() {
    static std::map<std::string, Store> all;
    return all;
}

struct Instance {
    const warden_host_t *host;
    Store *store = nullptr; /* std::map nodes never move */
};

/* ------------------------------------------------------------- helpers */

/* A failure with its status, thrown by a member and caught by `guarded`. */
struct Failure {
    int32_t status;
    std::string message;
};

std::string text(warden_str_t s) { return s.len ? std::string(s.ptr, s.len) : std::string(); }

warden_str_t view(const std::string &s) { return warden_str_t{s.data(), s.size()}; }

void write_error(char *err, size_t err_len, const std::string &message) {
    std::snprintf(err, err_len, "%s", message.c_str());
}

/* Runs `body`; an exception never leaves: it becomes a status and a message. */
template <typename Body> int32_t guarded(char *err, size_t err_len, Body body) noexcept {
    try {
        body();
        return WARDEN_OK;
    } catch (const Failure &f) {
        write_error(err, err_len, f.message);
        return f.status;
    } catch (const std::bad_alloc &) {
        write_error(err, err_len, "cpp-example: out of memory");
    } catch (const std::exception &e) {
        write_error(err, err_len, std::string("cpp-example: ") + e.what());
    } catch (...) {
        write_error(err, err_len, "cpp-example: unknown exception");
    }
    return WARDEN_E_INTERNAL;
}

Instance &self(warden_backend_t *b) { return *static_cast<Instance *>(b->backend_data); }

Store &store_of(warden_backend_t *b) {
    if (!self(b).store) throw Failure{WARDEN_E_INVALID, "cpp-example: called before init"};
    return *self(b).store;
}

int64_t host_now(const Instance &i) { return i.host->now_ns ? i.host->now_ns(i.host->host_data) : 0; }

void log_line(const Instance &i, const std::string &message) {
    if (i.host->log) i.host->log(i.host->host_data, WARDEN_LOG_DEBUG, view(message));
}

/* ------------------------------------------------------------- members */

int32_t init(warden_backend_t *b, warden_map_t config, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        std::string name = "default";
        for (size_t i = 0; i < config.count; i++)
            if (text(config.items[i].key) == "store") name = text(config.items[i].value);
        if (name.empty())
            throw Failure{WARDEN_E_INVALID, "config key 'store' is empty; name a store or drop the key"};
        std::lock_guard<std::mutex> lock(stores_lock);
        self(b).store = &stores()[name];
        log_line(self(b), "cpp-example: init, store '" + name + "'");
    });
}

/* Refuses a signal laid out smaller than ABI 1.0's (warden_backend.h, VERSIONING).
 * The members it reads are v1.0 ones, within any signal that passes the first test. */
void check_sizes(const warden_signal_t &raw) {
    const std::string rebuild = "; rebuild the host against warden_backend.h 1.x";
    if (raw.struct_size < WARDEN_SIGNAL_V1_0_SIZE)
        throw Failure{WARDEN_E_ABI, "the host sent a signal of " + std::to_string(raw.struct_size)
                                        + " bytes; ABI 1.0 signals are at least "
                                        + std::to_string(WARDEN_SIGNAL_V1_0_SIZE) + " bytes" + rebuild};
    if (raw.ban_count > 0 && raw.ban_stride < WARDEN_BAN_V1_0_SIZE)
        throw Failure{WARDEN_E_ABI, "the host sent bans " + std::to_string(raw.ban_stride)
                                        + " bytes apart (ban_stride); ABI 1.0 bans are at least "
                                        + std::to_string(WARDEN_BAN_V1_0_SIZE) + " bytes" + rebuild};
    if (raw.event_count > 0 && raw.event_stride < WARDEN_EVENT_V1_0_SIZE)
        throw Failure{WARDEN_E_ABI, "the host sent events " + std::to_string(raw.event_stride)
                                        + " bytes apart (event_stride); ABI 1.0 events are at least "
                                        + std::to_string(WARDEN_EVENT_V1_0_SIZE) + " bytes" + rebuild};
}

/* All or nothing: every ban is checked, copied and given room before the
 * first change to the store; what follows allocates nothing and cannot throw. */
int32_t insert(warden_backend_t *b, const warden_signal_t *raw, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        Store &store = store_of(b);
        check_sizes(*raw);
        /* Every struct is read into this build's layout: the host may be built against another 1.x minor. */
        warden_signal_t signal_copy;
        warden_copy_versioned(&signal_copy, sizeof signal_copy, raw, raw->struct_size, 0);
        const warden_signal_t *signal = &signal_copy;
        std::vector<Record> fresh;
        fresh.reserve(signal->ban_count);
        for (size_t i = 0; i < signal->ban_count; i++) {
            warden_ban_t ban; /* element i is i * ban_stride bytes in, whatever this build's sizeof */
            warden_copy_versioned(&ban, sizeof ban, signal->bans, signal->ban_stride, i);
            if (ban.scope != WARDEN_SCOPE_IP && ban.scope != WARDEN_SCOPE_RANGE)
                throw Failure{WARDEN_E_INVALID, "cpp-example: insert: ban " + std::to_string(i + 1) + " has scope "
                                                    + std::to_string(ban.scope)
                                                    + ", neither WARDEN_SCOPE_IP nor WARDEN_SCOPE_RANGE; the signal "
                                                      "was not stored"};
            if (ban.target.len == 0)
                throw Failure{WARDEN_E_INVALID, "cpp-example: insert: ban " + std::to_string(i + 1)
                                                    + " has an empty target; the signal was not stored"};
            Record r;
            r.scope = ban.scope;
            r.target = text(ban.target);
            r.origin = text(ban.origin);
            r.action = text(ban.action);
            r.reason = text(ban.reason);
            r.scenario = text(ban.scenario);
            r.country = text(ban.country);
            r.as_name = text(ban.as_name);
            r.as_number = ban.as_number;
            r.until_ns = ban.until_ns;
            r.created_ns = signal->created_ns;
            r.events_count = signal->events_count;
            r.simulated = signal->simulated != 0;
            fresh.push_back(std::move(r));
        }
        std::lock_guard<std::mutex> lock(stores_lock);
        store.records.reserve(store.records.size() + fresh.size());
        std::map<std::string, Target> unseen;
        for (const Record &r : fresh)
            if (!store.targets.count(r.target)) unseen.try_emplace(r.target);
        store.targets.merge(unseen); /* moves the nodes: allocates nothing */
        for (const Record &r : fresh) { /* room first (a target left empty by a throw here is harmless) */
            Target &t = store.targets.find(r.target)->second;
            t.records.reserve(t.records.size() + fresh.size());
        }
        for (Record &r : fresh) {
            Target &t = store.targets.find(r.target)->second;
            /* Beside the target's other bans: a new ban ends none (STACKED BANS). */
            r.id = store.next_id++;
            t.records.push_back(store.records.size());
            t.bans += 1;
            t.events += r.events_count;
            store.records.push_back(std::move(r));
        }
    });
}

int32_t read_at(warden_backend_t *b, int64_t at_ns, warden_row_sink_fn sink, void *ctx, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        if (!sink) throw Failure{WARDEN_E_INVALID, "cpp-example: read_at: the sink is NULL"};
        Store &store = store_of(b);
        std::lock_guard<std::mutex> lock(stores_lock);
        for (auto r = store.records.rbegin(); r != store.records.rend(); ++r) { /* newest first */
            if (!r->active_at(at_ns)) continue;
            const Target &t = store.targets.at(r->target);
            warden_ban_row_t row{};
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
            row.ban_count = t.bans;
            row.events_count = t.events;
            if (sink(ctx, &row) != 0) return;
        }
    });
}

/* Ends, at the host's now, every live ban of `t`; returns how many. */
uint64_t end_if_live(Store &store, const Target &t, int64_t now) {
    uint64_t n = 0;
    for (size_t i : t.records)
        if (store.records[i].live_at(now)) {
            store.records[i].ended_ns = now;
            n++;
        }
    return n;
}

int32_t delete_target(warden_backend_t *b, warden_str_t target, uint64_t *deleted, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        if (target.len == 0) throw Failure{WARDEN_E_INVALID, "no target provided"};
        Store &store = store_of(b);
        int64_t now = host_now(self(b));
        std::lock_guard<std::mutex> lock(stores_lock);
        auto found = store.targets.find(text(target));
        *deleted = found == store.targets.end() ? 0 : end_if_live(store, found->second, now);
    });
}

int32_t delete_all(warden_backend_t *b, uint64_t *deleted, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        Store &store = store_of(b);
        int64_t now = host_now(self(b));
        std::lock_guard<std::mutex> lock(stores_lock);
        uint64_t n = 0;
        for (const auto &entry : store.targets) n += end_if_live(store, entry.second, now);
        *deleted = n;
    });
}

/* flush, start_auto_commit and shutdown: writes apply at once and nothing runs in the background. */
int32_t nothing_to_do(warden_backend_t *, char *, size_t) { return WARDEN_OK; }

void destroy(warden_backend_t *b) {
    delete static_cast<Instance *>(b->backend_data); /* the store outlives instances: others may share it */
    delete b;
}

} // namespace

/* ---------------------------------------------------------- entry point */

extern "C" WARDEN_EXPORT int32_t New(const warden_host_t *host, warden_backend_t **out, char *err, size_t err_len) {
    *out = nullptr;
    if (!host || host->magic != WARDEN_ABI_MAGIC || host->abi_major != WARDEN_ABI_VERSION_MAJOR) {
        write_error(err, err_len, "cpp-example implements Warden ABI 1.0; the host speaks another major");
        return WARDEN_E_ABI;
    }
    /* Below the v1.0 size, even `log` and `now_ns` may lie outside the host's struct. */
    if (host->struct_size < WARDEN_HOST_V1_0_SIZE) {
        write_error(err, err_len,
                    "cpp-example: the host passed a warden_host_t of " + std::to_string(host->struct_size)
                        + " bytes; ABI 1.0 hosts pass at least " + std::to_string(WARDEN_HOST_V1_0_SIZE)
                        + " bytes; rebuild the host against warden_backend.h 1.x");
        return WARDEN_E_ABI;
    }
    return guarded(err, err_len, [&] {
        auto instance = std::make_unique<Instance>(Instance{host});
        auto b = std::make_unique<warden_backend_t>();
        b->magic = WARDEN_ABI_MAGIC;
        b->struct_size = sizeof(warden_backend_t);
        b->abi_major = WARDEN_ABI_VERSION_MAJOR;
        b->abi_minor = WARDEN_ABI_VERSION_MINOR;
        b->name = warden_str_t{"cpp-example", 11};
        b->version = warden_str_t{"1.0.0 (C++17)", 13};
        b->init = init;
        b->insert = insert;
        b->read_at = read_at;
        b->delete_target = delete_target;
        b->delete_all = delete_all;
        b->flush = nothing_to_do;
        b->start_auto_commit = nothing_to_do;
        b->shutdown = nothing_to_do;
        b->destroy = destroy;
        b->get_extension = nullptr; /* optional: no extensions, so a host asks it for no change feed (warden.changes/1)
                                       and no history (warden.history/1): it lists the backend among those that
                                       do not support them, and deletes its bans by target */
        b->backend_data = instance.release();
        *out = b.release();
    });
}
