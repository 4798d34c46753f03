import XCTest

/// The help screen of every command, pinned: what a person reads first.
final class HelpTests: XCTestCase {
    private func help(_ words: String...) throws -> String {
        let cli = try CLIHarness.dummy()
        let result = cli.run(words + ["--help"])
        XCTAssertEqual(result.status, 0)
        return result.out
    }

    func testVersion() throws {
        let cli = try CLIHarness.dummy()
        XCTAssertEqual(cli.run("--version").out, "warden 0.2.0 (backend ABI 1.3)\n")
    }

    func testWardenHelp() throws {
        XCTAssertEqual(try help(), """
            OVERVIEW: Manage IP bans stored in backend plugins.

            USAGE: warden <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              ban                     Add, list and delete bans.
              allowlist               Manage the addresses and blocks Warden never bans.
              bouncers                Manage the API keys of bouncers (firewall, Traefik,
                                      nginx...).
              machines                Manage the machines (CrowdSec agents, cscli) that
                                      push alerts.
              backends                Inspect backend plugins.
              metrics                 Show the running daemon's metrics as tables.
              notifications           Inspect and test notifications (CrowdSec's
                                      notification plugins).
              migrate                 Take over the state of another ban manager.
              run                     Run the daemon: serve the Local API to bouncers (runs
                                      warden-daemon).

              See 'warden help <subcommand>' for detailed help.

            """)
    }

    func testBanHelp() throws {
        XCTAssertEqual(try help("ban"), """
            OVERVIEW: Add, list and delete bans.

            USAGE: warden ban <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              add                     Ban an address or a range in every loaded backend.
              list                    List the bans active now (or at --at), one row per
                                      target, newest first.
              del                     Delete the live ban of an address or a range.
              flush                   Delete every live ban in every backend.
              import                  Ban every decision of a CSV or JSON file, as 'cscli
                                      decisions import' does.

              See 'warden help ban <subcommand>' for detailed help.

            """)
    }

    func testBanAddHelp() throws {
        XCTAssertEqual(try help("ban", "add"), """
            OVERVIEW: Ban an address or a range in every loaded backend.

            USAGE: warden ban add <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              ip                      Ban one IPv4 or IPv6 address.
              range                   Ban a CIDR block (IPv4 or IPv6).

              See 'warden help ban add <subcommand>' for detailed help.

            """)
    }

    func testBanAddIpHelp() throws {
        XCTAssertEqual(try help("ban", "add", "ip"), """
            OVERVIEW: Ban one IPv4 or IPv6 address.

            USAGE: warden ban add ip [--config <config>] [--output <output>] [--debug] <target> <duration> [<reason> ...] [--remediation <remediation>]

            ARGUMENTS:
              <target>                The address to ban (IPv4 or IPv6).
              <duration>              How long, as Go writes durations: 4h, 90m, 1h30m, 45s.
              <reason>                Why: every remaining word.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --remediation <remediation>
                                      What bouncers should do: ban, slow or captcha.
                                      (values: ban, slow, captcha; default: ban)
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBanAddRangeHelp() throws {
        XCTAssertEqual(try help("ban", "add", "range"), """
            OVERVIEW: Ban a CIDR block (IPv4 or IPv6).

            USAGE: warden ban add range [--config <config>] [--output <output>] [--debug] <target> <duration> [<reason> ...] [--remediation <remediation>]

            ARGUMENTS:
              <target>                The block to ban, e.g. 192.0.2.0/24 or 2001:db8::/32.
              <duration>              How long, as Go writes durations: 4h, 90m, 1h30m, 45s.
              <reason>                Why: every remaining word.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --remediation <remediation>
                                      What bouncers should do: ban, slow or captcha.
                                      (values: ban, slow, captcha; default: ban)
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBanListHelp() throws {
        XCTAssertEqual(try help("ban", "list"), """
            OVERVIEW: List the bans active now (or at --at), one row per target, newest
            first.

            USAGE: warden ban list [--config <config>] [--output <output>] [--debug] [--at <at>] [--all] [--ip <ip>] [--range <range>] [--reason <reason>] [--country <country>] [--as <as>] [--limit <limit>] [--backend <backend>]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --at <at>               List the bans active at this time (RFC 3339, or
                                      'YYYY-MM-DD HH:MM:SS' UTC).
              -a, --all               List every ban (no --limit).
              --ip <ip>               Only bans of this address, or of ranges containing it.
              --range <range>         Only bans inside this CIDR block.
              --reason <reason>       Only bans whose reason contains this text.
              --country <country>     Only bans of this country (ISO 3166 code).
              --as <as>               Only bans whose AS contains this text.
              --limit <limit>         Show at most this many bans, the newest (0: no
                                      limit). (default: 50)
              --backend <backend>     Read this backend only.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBanDelHelp() throws {
        XCTAssertEqual(try help("ban", "del"), """
            OVERVIEW: Delete the live ban of an address or a range.

            USAGE: warden ban del <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              ip                      Unban one address.
              range                   Unban one CIDR block.

              See 'warden help ban del <subcommand>' for detailed help.

            """)
    }

    func testBanDelIpHelp() throws {
        XCTAssertEqual(try help("ban", "del", "ip"), """
            OVERVIEW: Unban one address.

            USAGE: warden ban del ip [--config <config>] [--output <output>] [--debug] <target>

            ARGUMENTS:
              <target>                The banned address.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBanDelRangeHelp() throws {
        XCTAssertEqual(try help("ban", "del", "range"), """
            OVERVIEW: Unban one CIDR block.

            USAGE: warden ban del range [--config <config>] [--output <output>] [--debug] <target>

            ARGUMENTS:
              <target>                The banned block, exactly as it was banned.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBanFlushHelp() throws {
        XCTAssertEqual(try help("ban", "flush"), """
            OVERVIEW: Delete every live ban in every backend.

            USAGE: warden ban flush [--config <config>] [--output <output>] [--debug]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBouncersHelp() throws {
        XCTAssertEqual(try help("bouncers"), """
            OVERVIEW: Manage the API keys of bouncers (firewall, Traefik, nginx...).

            USAGE: warden bouncers <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              add                     Register a bouncer and print its API key (shown once).
              list                    List the registered bouncers and what the daemon last
                                      saw of each.
              delete, del             Remove a bouncer: its key stops working at once.

              See 'warden help bouncers <subcommand>' for detailed help.

            """)
    }

    func testBouncersAddHelp() throws {
        XCTAssertEqual(try help("bouncers", "add"), """
            OVERVIEW: Register a bouncer and print its API key (shown once).

            USAGE: warden bouncers add [--config <config>] [--output <output>] [--debug] <name> [--key <key>]

            ARGUMENTS:
              <name>                  A name for the bouncer: letters, digits, '-', '_',
                                      '.', '@'.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              -k, --key <key>         Register this key instead of a random one (to share
                                      it between nodes).
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBouncersListHelp() throws {
        XCTAssertEqual(try help("bouncers", "list"), """
            OVERVIEW: List the registered bouncers and what the daemon last saw of each.

            USAGE: warden bouncers list [--config <config>] [--output <output>] [--debug]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBouncersDeleteHelp() throws {
        XCTAssertEqual(try help("bouncers", "delete"), """
            OVERVIEW: Remove a bouncer: its key stops working at once.

            USAGE: warden bouncers delete [--config <config>] [--output <output>] [--debug] <name>

            ARGUMENTS:
              <name>                  The bouncer's name.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBackendsHelp() throws {
        XCTAssertEqual(try help("backends"), """
            OVERVIEW: Inspect backend plugins.

            USAGE: warden backends <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              list                    List the configured backends: loaded, or why they
                                      were discarded.
              check                   Load one backend .so without a config and report what
                                      it offers, or why it is refused.

              See 'warden help backends <subcommand>' for detailed help.

            """)
    }

    func testBackendsListHelp() throws {
        XCTAssertEqual(try help("backends", "list"), """
            OVERVIEW: List the configured backends: loaded, or why they were discarded.

            USAGE: warden backends list [--config <config>] [--output <output>] [--debug]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBackendsCheckHelp() throws {
        XCTAssertEqual(try help("backends", "check"), """
            OVERVIEW: Load one backend .so without a config and report what it offers, or
            why it is refused.

            USAGE: warden backends check [--config <config>] [--output <output>] [--debug] <path>

            ARGUMENTS:
              <path>                  Path of the backend shared library.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testRunHelp() throws {
        XCTAssertEqual(try help("run"), """
            OVERVIEW: Run the daemon: serve the Local API to bouncers (runs warden-daemon).

            USAGE: warden run [--config <config>] [--output <output>] [--debug]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testBanImportHelp() throws {
        XCTAssertEqual(try help("ban", "import"), """
            OVERVIEW: Ban every decision of a CSV or JSON file, as 'cscli decisions import'
            does.

            CSV: a header line naming any of value,duration,reason,scope,type,origin, then
            one decision a line. JSON: an array of objects with those keys. Only value is
            required; a row that leaves a field empty gets the option's value. The origin
            is always cscli-import. Every row is checked first: a malformed or allowlisted
            row stops the import before anything is written, unless --skip-invalid is given.

            USAGE: warden ban import [--config <config>] [--output <output>] [--debug] <file> [--format <format>] [--duration <duration>] [--reason <reason>] [--type <type>] [--scope <scope>] [--skip-invalid]

            ARGUMENTS:
              <file>                  The file of decisions (.csv or .json).

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --format <format>       The format, when the file name does not end with .csv
                                      or .json. (values: csv, json)
              --duration <duration>   Duration of rows without one, as Go writes durations.
                                      (default: 4h)
              --reason <reason>       Reason of rows without one. (default: manual)
              --type <type>           Type of rows without one: ban, slow or captcha.
                                      (default: ban)
              --scope <scope>         Scope of rows without one: ip or range. (default: ip)
              --skip-invalid          Import the valid rows and list the others, instead of
                                      importing nothing.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testAllowlistHelp() throws {
        XCTAssertEqual(try help("allowlist"), """
            OVERVIEW: Manage the addresses and blocks Warden never bans.

            USAGE: warden allowlist <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              add                     Allowlist an address or a CIDR block.
              list                    List the allowlist entries in force, in file order.
              del, delete             Remove an entry from the allowlist.
              check                   Say which allowlist entry, if any, keeps an address
                                      or a block from a ban.
              create                  Start a named allowlist (shown to CrowdSec clients by
                                      that name).
              drop                    Remove a named allowlist and every entry in it.

              See 'warden help allowlist <subcommand>' for detailed help.

            """)
    }

    func testAllowlistAddHelp() throws {
        XCTAssertEqual(try help("allowlist", "add"), """
            OVERVIEW: Allowlist an address or a CIDR block.

            USAGE: warden allowlist add [--config <config>] [--output <output>] [--debug] [--list <list>] [--expires <expires>] <target> [<comment> ...]

            ARGUMENTS:
              <target>                The address or block, e.g. 192.0.2.7 or 2001:db8::/32.
              <comment>               Why it must stay reachable: every remaining word.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --list <list>           The named list to add it to (see 'warden allowlist
                                      create'). (default: default)
              --expires <expires>     When it stops applying: a duration from now (4h,
                                      1h30m; 2160h is 90 days) or a time (RFC 3339).
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testAllowlistListHelp() throws {
        XCTAssertEqual(try help("allowlist", "list"), """
            OVERVIEW: List the allowlist entries in force, in file order.

            USAGE: warden allowlist list [--config <config>] [--output <output>] [--debug] [--list <list>] [--all]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --list <list>           Only the entries of this named list.
              -a, --all               Also list the entries that have expired.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testAllowlistDelHelp() throws {
        XCTAssertEqual(try help("allowlist", "del"), """
            OVERVIEW: Remove an entry from the allowlist.

            USAGE: warden allowlist del [--config <config>] [--output <output>] [--debug] [--list <list>] <target>

            ARGUMENTS:
              <target>                The entry, as 'warden allowlist list' shows it.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --list <list>           Only from this named list (else from every list that
                                      has it).
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testAllowlistCheckHelp() throws {
        XCTAssertEqual(try help("allowlist", "check"), """
            OVERVIEW: Say which allowlist entry, if any, keeps an address or a block from a
            ban.

            USAGE: warden allowlist check [--config <config>] [--output <output>] [--debug] <target>

            ARGUMENTS:
              <target>                The address or block to check.

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testMetricsHelp() throws {
        XCTAssertEqual(try help("metrics"), """
            OVERVIEW: Show the running daemon's metrics as tables.

            The tables 'cscli metrics' prints, for Warden. Reads the daemon's Prometheus
            endpoint: http://prometheus.listen_addr:listen_port/metrics from the main
            config, or --url. -o raw prints the Prometheus text as received, -o json one
            object per sample.

            USAGE: warden metrics [--config <config>] [--output <output>] [--debug] [--url <url>]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --url <url>             The metrics endpoint (default: from the 'prometheus'
                                      section of the main config).
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testMigrateCrowdSecHelp() throws {
        XCTAssertEqual(try help("migrate", "crowdsec"), """
            OVERVIEW: Take over a stopped CrowdSec's bouncers, machines, active decisions
            and settings.

            Reads CrowdSec's config.yaml and its database (SQLite, opened read-only, or
            MySQL/MariaDB, only queried): bouncers (their key digests), machines (their
            bcrypt hashes), active decisions with the time they have left, profiles.yaml,
            the notification files and api.server.listen_uri, and writes them into Warden's
            files, backends and config (-c). What is there already is left as it is; an
            entry that differs from Warden's is reported as a conflict, never overwritten.
            Refused while CrowdSec runs. Prints what it took and what it could not; with
            --dry-run it writes nothing and prints the same report.

            USAGE: warden migrate crowdsec [--config <config>] [--output <output>] [--debug] [--crowdsec-config <crowdsec-config>] [--dry-run]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --crowdsec-config <crowdsec-config>
                                      CrowdSec's main config file. (default:
                                      /etc/crowdsec/config.yaml)
              --dry-run               Write nothing; print what the migration would take.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testNotificationsHelp() throws {
        XCTAssertEqual(try help("notifications"), """
            OVERVIEW: Inspect and test notifications (CrowdSec's notification plugins).

            USAGE: warden notifications <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              list                    List the notification configs, their plugins' state
                                      and what the daemon sent.
              test                    Send a sample alert through a notification's plugin
                                      (runs warden-daemon).

              See 'warden help notifications <subcommand>' for detailed help.

            """)
    }

    func testNotificationsListHelp() throws {
        XCTAssertEqual(try help("notifications", "list"), """
            OVERVIEW: List the notification configs, their plugins' state and what the
            daemon sent.

            Reads config_paths.notification_dir. The rest comes from the running daemon's
            metrics endpoint, '-' when it does not answer: the plugin's state ('not
            started' when no profile names the notification, or when its start at boot
            failed and no alert came since; 'starting'; 'running (pid N)'; 'restarting (N
            failures)' while it waits to start again after a crash, a hang or a failed
            start; 'stopped' at shutdown), its restarts, and the alerts sent, failed (given
            up after their retries), dropped (queue full) since the daemon started, and
            pending (waiting for their batch).

            USAGE: warden notifications list [--config <config>] [--output <output>] [--debug]

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    func testNotificationsTestHelp() throws {
        XCTAssertEqual(try help("notifications", "test"), """
            OVERVIEW: Send a sample alert through a notification's plugin (runs
            warden-daemon).

            Starts the notification's plugin, sends it one sample alert (a 4h ban of
            192.0.2.1) rendered with its format, and says whether the plugin accepted it.
            No profile needs to name the notification.

            USAGE: warden notifications test [--config <config>] [--output <output>] [--debug] <name>

            ARGUMENTS:
              <name>                  The notification's name (its 'name' key).

            OPTIONS:
              -c, --config <config>   Main config file (default: $WARDEN_CONFIG, else
                                      /etc/warden/config.yaml).
              -o, --output <output>   Output format: human, json or raw. (values: human,
                                      json, raw; default: human)
              --debug                 Log debug messages, including each call the backends
                                      log.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }
}
