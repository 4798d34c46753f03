/*
 * raw_sqlite.c - the physical limit for Warden's SQLite workloads: plain C on
 * libsqlite3, one transaction per batch, one prepared statement, WAL with
 * synchronous=NORMAL (the backend's defaults).
 *
 * Usage: raw_sqlite DBFILE N            run workloads a-e on N rows
 *        raw_sqlite DBFILE single IP    open, insert one ban, close (one "ban add")
 * Output: one line per figure, "op=<name> n=<N> ms=<ms> rows=<rows>", read by warden-bench.
 *
 * Data (shared with warden-bench): N rows over N/2 distinct IPv4 targets in
 * scrambled order, row i created at T-(N-i) s, one row in four already expired.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "raw_common.h"

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) { check(sqlite3_exec(db, sql, NULL, NULL, NULL), sql); }

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *st;
    check(sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
    return st;
}

static const char *SCHEMA =
    "CREATE TABLE IF NOT EXISTS bans(id INTEGER PRIMARY KEY, ip_text TEXT NOT NULL, start_ip INTEGER NOT NULL,"
    " end_ip INTEGER NOT NULL, reason TEXT NOT NULL, scenario TEXT NOT NULL, action TEXT NOT NULL,"
    " until INTEGER NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS bans_ip_text ON bans(ip_text);"
    "CREATE INDEX IF NOT EXISTS bans_until ON bans(until);";

static const char *INSERT =
    "INSERT INTO bans(ip_text,start_ip,end_ip,reason,scenario,action,until,created_at) VALUES(?,?,?,?,?,?,?,?)";

static void bind_row(sqlite3_stmt *st, uint32_t ip, int64_t until, int64_t created) {
    char text[16];
    int len = ip_text(ip, text);
    sqlite3_bind_text(st, 1, text, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, ip);
    sqlite3_bind_int64(st, 3, ip);
    sqlite3_bind_text(st, 4, "ssh bruteforce", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, "crowdsecurity/ssh-bf", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, "ban", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, until);
    sqlite3_bind_int64(st, 8, created);
}

static void open_db(const char *path) {
    check(sqlite3_open(path, &db), "open");
    sqlite3_busy_timeout(db, 10000);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    exec(SCHEMA);
}

/* Workload (a), a function of its own so a profiler can measure it alone. */
__attribute__((noinline)) static void insert_all(sqlite3_stmt *st, long n, long distinct, int64_t T) {
    exec("BEGIN IMMEDIATE");
    for (long i = 0; i < n; i++) {
        int64_t until = (i % 4 == 0) ? T - 60 : T + 3600 * (1 + i % 24);
        bind_row(st, target_of(i, distinct), until, T - (n - i));
        check(sqlite3_step(st), "insert");
        sqlite3_reset(st);
    }
    exec("COMMIT");
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s DBFILE N | DBFILE single IP\n", argv[0]);
        return 2;
    }
    int64_t T = (int64_t)time(NULL);
    if (strcmp(argv[2], "single") == 0) {
        unsigned a, b, c, d;
        if (argc < 4 || sscanf(argv[3], "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return 2;
        open_db(argv[1]);
        sqlite3_stmt *st = prepare(INSERT);
        bind_row(st, (a << 24) | (b << 16) | (c << 8) | d, T + 14400, T);
        check(sqlite3_step(st), "insert");
        sqlite3_finalize(st);
        check(sqlite3_close(db), "close");
        return 0;
    }
    long n = atol(argv[2]), distinct = n / 2 > 0 ? n / 2 : 1;
    open_db(argv[1]);

    /* (a) insert N rows in one transaction */
    sqlite3_stmt *st = prepare(INSERT);
    double t0 = now_ms();
    insert_all(st, n, distinct, T);
    report("insert", n, now_ms() - t0, n);

    /* (b) bans active now, latest per target (SQLite's bare-column MAX form, its fastest) */
    sqlite3_stmt *q = prepare("SELECT id,ip_text,start_ip,end_ip,reason,scenario,action,until,MAX(created_at)"
                              " FROM bans WHERE until > ?1 GROUP BY ip_text");
    sqlite3_bind_int64(q, 1, T);
    t0 = now_ms();
    long rows = 0;
    volatile long sink = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        for (int c = 0; c < 9; c++) sink += sqlite3_column_bytes(q, c);
        rows++;
    }
    report("read_at", n, now_ms() - t0, rows);
    sqlite3_finalize(q);

    /* (c) delete one target, autocommit: the first call, then the average of 1000 */
    sqlite3_stmt *del = prepare("DELETE FROM bans WHERE ip_text = ?1");
    char text[16];
    long k = distinct > 1001 ? 1000 : distinct - 1, removed = 0;
    for (long i = 0; i <= k; i++) {
        int len = ip_text(target_of(i, distinct), text);
        if (i == 1) t0 = now_ms();
        double first = now_ms();
        sqlite3_bind_text(del, 1, text, len, SQLITE_TRANSIENT);
        check(sqlite3_step(del), "delete");
        sqlite3_reset(del);
        if (i == 0) report("delete_first", n, now_ms() - first, sqlite3_changes(db));
        else removed += sqlite3_changes(db);
    }
    if (k > 0) report("delete_avg", n, (now_ms() - t0) / k, removed);
    sqlite3_finalize(del);

    /* (d) delete everything */
    t0 = now_ms();
    exec("DELETE FROM bans");
    report("delete_all", n, now_ms() - t0, sqlite3_changes(db));

    /* (e) one-row transactions, 10k (or N when smaller) */
    long m = n < 10000 ? n : 10000;
    t0 = now_ms();
    for (long i = 0; i < m; i++) {
        bind_row(st, target_of(i, distinct), T + 3600, T);
        check(sqlite3_step(st), "insert");
        sqlite3_reset(st);
    }
    report("insert_flush_each", n, now_ms() - t0, m);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}
