/*
 * raw_mariadb.c - the physical limit for Warden's MySQL workloads: plain C on
 * MariaDB Connector/C, InnoDB, array binding of 1000 rows per execute in one
 * transaction, the JOIN-on-MAX "latest per target" query, TRUNCATE.
 *
 * Usage: raw_mariadb N            run the workloads on N rows
 *        raw_mariadb single IP    connect, insert one ban, close (one "ban add")
 * Env:   MARIADB_HOST (127.0.0.1), MARIADB_PORT (3306), MARIADB_USER, MARIADB_PASSWORD, MARIADB_DB
 * Output: "op=<name> n=<N> ms=<ms> rows=<rows>" lines, read by warden-bench.
 * Data: as raw_sqlite.c (N rows over N/2 scrambled IPv4 targets, a quarter expired).
 */
#include <mysql.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "raw_common.h"

static MYSQL *db;

static void fail(const char *what, const char *message) {
    fprintf(stderr, "%s: %s\n", what, message);
    exit(1);
}

static void query(const char *sql) {
    if (mysql_query(db, sql)) fail(sql, mysql_error(db));
    MYSQL_RES *result = mysql_store_result(db);
    if (result) mysql_free_result(result);
}

static const char *env(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value && *value ? value : fallback;
}

static const char *INSERT =
    "INSERT INTO bans(ip_text,start_ip,end_ip,reason,scenario,action,until,created_at) VALUES(?,?,?,?,?,?,?,?)";

/* Workload (a): N rows, 1000 per array-bound execute, one transaction. */
static void insert_all(long n, long distinct, int64_t T) {
    enum { B = 1000 };
    MYSQL_STMT *st = mysql_stmt_init(db);
    if (mysql_stmt_prepare(st, INSERT, strlen(INSERT))) fail("prepare", mysql_stmt_error(st));
    static char texts[B][16];
    static char *ips[B], *reasons[B], *scenarios[B], *actions[B];
    static unsigned long ip_lengths[B], reason_lengths[B], scenario_lengths[B], action_lengths[B];
    static long long numbers[B], untils[B], createds[B];
    for (int k = 0; k < B; k++) {
        ips[k] = texts[k];
        reasons[k] = "ssh bruteforce"; reason_lengths[k] = 14;
        scenarios[k] = "crowdsecurity/ssh-bf"; scenario_lengths[k] = 20;
        actions[k] = "ban"; action_lengths[k] = 3;
    }
    MYSQL_BIND b[8];
    memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_STRING; b[0].buffer = ips; b[0].length = ip_lengths;
    b[1].buffer_type = MYSQL_TYPE_LONGLONG; b[1].buffer = numbers;
    b[2].buffer_type = MYSQL_TYPE_LONGLONG; b[2].buffer = numbers;
    b[3].buffer_type = MYSQL_TYPE_STRING; b[3].buffer = reasons; b[3].length = reason_lengths;
    b[4].buffer_type = MYSQL_TYPE_STRING; b[4].buffer = scenarios; b[4].length = scenario_lengths;
    b[5].buffer_type = MYSQL_TYPE_STRING; b[5].buffer = actions; b[5].length = action_lengths;
    b[6].buffer_type = MYSQL_TYPE_LONGLONG; b[6].buffer = untils;
    b[7].buffer_type = MYSQL_TYPE_LONGLONG; b[7].buffer = createds;
    query("START TRANSACTION");
    for (long i = 0; i < n;) {
        unsigned int count = 0;
        for (; count < B && i < n; count++, i++) {
            uint32_t ip = target_of(i, distinct);
            ip_lengths[count] = ip_text(ip, texts[count]);
            numbers[count] = ip;
            untils[count] = (i % 4 == 0) ? T - 60 : T + 3600 * (1 + i % 24);
            createds[count] = T - (n - i);
        }
        if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &count)) fail("array size", mysql_stmt_error(st));
        if (mysql_stmt_bind_param(st, b)) fail("bind", mysql_stmt_error(st));
        if (mysql_stmt_execute(st)) fail("execute", mysql_stmt_error(st));
    }
    query("COMMIT");
    mysql_stmt_close(st);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s N | single IP\n", argv[0]);
        return 2;
    }
    int64_t T = (int64_t)time(NULL);
    db = mysql_init(NULL);
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(db, MYSQL_OPT_PROTOCOL, &protocol);
    if (!mysql_real_connect(db, env("MARIADB_HOST", "127.0.0.1"), env("MARIADB_USER", "warden"),
                            env("MARIADB_PASSWORD", ""), env("MARIADB_DB", "raw_bench"),
                            (unsigned)atoi(env("MARIADB_PORT", "3306")), NULL, 0))
        fail("connect", mysql_error(db));
    query("CREATE TABLE IF NOT EXISTS bans(id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
          " ip_text VARCHAR(64) NOT NULL, start_ip BIGINT NOT NULL, end_ip BIGINT NOT NULL,"
          " reason VARCHAR(255) NOT NULL, scenario VARCHAR(255) NOT NULL, action VARCHAR(32) NOT NULL,"
          " until BIGINT NOT NULL, created_at BIGINT NOT NULL, KEY bans_ip_text(ip_text), KEY bans_until(until))"
          " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

    if (strcmp(argv[1], "single") == 0) {
        unsigned a, b, c, d;
        if (argc < 3 || sscanf(argv[2], "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return 2;
        char sql[512];
        snprintf(sql, sizeof sql, "INSERT INTO bans(ip_text,start_ip,end_ip,reason,scenario,action,until,created_at)"
                 " VALUES('%s',%u,%u,'ssh bruteforce','crowdsecurity/ssh-bf','ban',%lld,%lld)", argv[2],
                 (a << 24) | (b << 16) | (c << 8) | d, (a << 24) | (b << 16) | (c << 8) | d, (long long)T + 14400,
                 (long long)T);
        query(sql);
        mysql_close(db);
        return 0;
    }
    long n = atol(argv[1]), distinct = n / 2 > 0 ? n / 2 : 1;
    query("TRUNCATE TABLE bans");

    double t0 = now_ms();
    insert_all(n, distinct, T);
    report("insert", n, now_ms() - t0, n);

    /* (b) active now, latest per target: JOIN on the per-target MAX */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT b.id,b.ip_text,b.start_ip,b.end_ip,b.reason,b.scenario,b.action,b.until,b.created_at"
             " FROM bans b JOIN (SELECT ip_text, MAX(created_at) mc FROM bans WHERE until > %lld GROUP BY ip_text) m"
             " ON b.ip_text = m.ip_text AND b.created_at = m.mc WHERE b.until > %lld", (long long)T, (long long)T);
    t0 = now_ms();
    if (mysql_query(db, sql)) fail("read", mysql_error(db));
    MYSQL_RES *result = mysql_use_result(db);
    long rows = 0;
    volatile unsigned long sink = 0;
    while (mysql_fetch_row(result)) {
        unsigned long *lengths = mysql_fetch_lengths(result);
        for (int c = 0; c < 9; c++) sink += lengths[c];
        rows++;
    }
    mysql_free_result(result);
    report("read_at", n, now_ms() - t0, rows);

    /* (c) delete one target, autocommit: the first call, then the average of 1000 */
    long k = distinct > 1001 ? 1000 : distinct - 1, removed = 0;
    char text[16];
    for (long i = 0; i <= k; i++) {
        ip_text(target_of(i, distinct), text);
        snprintf(sql, sizeof sql, "DELETE FROM bans WHERE ip_text = '%s'", text);
        if (i == 1) t0 = now_ms();
        double first = now_ms();
        query(sql);
        if (i == 0) report("delete_first", n, now_ms() - first, (long)mysql_affected_rows(db));
        else removed += (long)mysql_affected_rows(db);
    }
    if (k > 0) report("delete_avg", n, (now_ms() - t0) / k, removed);

    /* (d) delete everything: TRUNCATE, the fastest way */
    t0 = now_ms();
    query("TRUNCATE TABLE bans");
    report("delete_all", n, now_ms() - t0, n);

    /* (e) one-row transactions, 10k (or N when smaller) */
    long m = n < 10000 ? n : 10000;
    t0 = now_ms();
    for (long i = 0; i < m; i++) {
        uint32_t ip = target_of(i, distinct);
        ip_text(ip, text);
        snprintf(sql, sizeof sql, "INSERT INTO bans(ip_text,start_ip,end_ip,reason,scenario,action,until,created_at)"
                 " VALUES('%s',%u,%u,'ssh bruteforce','crowdsecurity/ssh-bf','ban',%lld,%lld)", text, ip, ip,
                 (long long)T + 3600, (long long)T);
        query(sql);
    }
    report("insert_flush_each", n, now_ms() - t0, m);
    mysql_close(db);
    return 0;
}
