import ArgumentParser
import Glibc
import WardenAllowlist
import WardenBouncers
import WardenConfig
import WardenEngine
import WardenMachines
import WardenModel
import WardenStore

/// `warden migrate`: take over what another ban manager kept.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Take over the state of another ban manager.",
        subcommands: [CrowdSec.self])

    /// `warden migrate crowdsec [--crowdsec-config PATH] [--dry-run]`
    struct CrowdSec: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crowdsec", abstract: "Take over a stopped CrowdSec's bouncers, machines, active decisions and settings.",
            discussion: """
                Reads CrowdSec's config.yaml and its database (SQLite, opened read-only, or MySQL/MariaDB, only \
                queried): bouncers (their key digests), \
                machines (their bcrypt hashes), active decisions with the time they have left, profiles.yaml, \
                the notification files and api.server.listen_uri, and writes them into Warden's files, backends \
                and config (-c). What is there already is left as it is; an entry that differs from Warden's is \
                reported as a conflict, never overwritten. Refused while CrowdSec runs. Prints what it took and \
                what it could not; with --dry-run it writes nothing and prints the same report.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "CrowdSec's main config file.") var crowdsecConfig = CrowdSecConfig.defaultPath
        @Flag(help: "Write nothing; print what the migration would take.") var dryRun = false

        func validate() throws {
            if global.output != .human {
                throw ValidationError("migrate crowdsec prints its report as text lines only; leave out -o \(global.output.rawValue)")
            }
        }

        func run() throws {
            let context = global.context
            let crowdsec = try CrowdSecConfig.load(path: crowdsecConfig, environment: context.environment)
            if let why = CrowdSecRunning.refusal(config: crowdsec) {
                throw CommandFailure(
                    description: "cannot migrate from CrowdSec: \(why); stop CrowdSec first (systemctl stop crowdsec) "
                        + "and run the migration again")
            }
            let data: CrowdSecData
            let source: String
            switch crowdsec.database {
            case .sqlite(let path):
                data = try CrowdSecSQLite(path: path).read()
                source = "sqlite database \(path)"
            case .server("mysql", let host, let port, let user, let password, let name):
                let database = try CrowdSecMySQL(host: host, port: port, user: user, password: password, database: name)
                data = try database.read()
                source = "mysql database \(database.place)"
            case .server(let type, let host, let port, _, _, let name):
                let place = port.map { "\(host):\($0)" } ?? host
                throw CommandFailure(
                    description: "cannot migrate from CrowdSec's \(type) database \(name) on \(place): not yet: "
                        + "warden migrate crowdsec reads CrowdSec's SQLite and MySQL databases only; export the decisions "
                        + "with 'cscli decisions list -o json' for 'warden ban import', and register the bouncers and "
                        + "machines again with 'warden bouncers add NAME -k KEY' and 'warden machines add'")
            }
            // CrowdSec's files were read as root; Warden's data is written as its owner (the
            // package's `warden`), so the daemon can use what the migration stores.
            let main = try global.loadConfig()
            let now = context.clock()
            var report = MigrationReport()
            report.line("crowdsec: \(crowdsecConfig) (\(source))")

            // Decisions: planned against what the backends hold, stored first.
            let allowlist = AllowlistFileSource(AllowlistFile(path: main.allowlistFile))
            let engine = try global.openEngine(main, allowlist: allowlist)
            let listing = try waitFor { try await engine.list(BanQuery()) }
            if let failed = listing.failed.first {
                throw CommandFailure(
                    description: "cannot migrate the decisions: \(failed); every backend must answer to know which "
                        + "decisions Warden holds already; fix it and run the migration again")
            }
            let decisions = try DecisionMigration(data, now: now, existing: listing.everyBan) { target in
                try engine.refusal(for: target, at: now).map { "allowlisted by \($0.entry) in \($0.file)" }
            }
            // Bouncers and machines.
            var bouncers: [BouncerRecord] = []
            var bouncerNotes = MigrationReport(), machineNotes = MigrationReport()
            for bouncer in data.bouncers {
                if bouncer.revoked {
                    bouncerNotes.line("not taken: bouncer '\(bouncer.name)' (revoked in CrowdSec)")
                } else if !["api-key", "tls", ""].contains(bouncer.authType) {
                    bouncerNotes.line("not taken: bouncer '\(bouncer.name)' (\(bouncer.authType) authentication) — Warden's bouncers use API keys or TLS certificates")
                } else if !BouncerRecord.isValidName(bouncer.name) {
                    bouncerNotes.line("not taken: bouncer '\(bouncer.name)' — Warden's bouncer names are 1 to 64 letters, digits, '-', '_', '.' or '@'")
                } else if bouncer.authType == "tls" {
                    // Its certificate authenticates it; LAPI keeps no usable key for it.
                    bouncers.append(BouncerRecord(
                        name: bouncer.name, keyDigest: BouncerKey.digest(BouncerKey.generate()),
                        createdNs: bouncer.createdNs ?? now, authType: .tls))
                } else if bouncer.keyDigest.utf8.count != 128 || !bouncer.keyDigest.utf8.allSatisfy(Self.isHexDigit) {
                    bouncerNotes.line("not taken: bouncer '\(bouncer.name)' — its api_key is not a SHA-512 digest")
                } else {
                    bouncers.append(BouncerRecord(
                        name: bouncer.name, keyDigest: bouncer.keyDigest, createdNs: bouncer.createdNs ?? now))
                }
            }
            var machines: [MachineRecord] = []
            for machine in data.machines {
                if !["password", "tls", ""].contains(machine.authType) {
                    machineNotes.line("not taken: machine '\(machine.name)' (\(machine.authType) authentication) — Warden's machines log in with a password or a TLS certificate")
                } else if !MachineRecord.isValidName(machine.name) {
                    machineNotes.line("not taken: machine '\(machine.name)' — Warden's machine names are 1 to 128 letters, digits, '-', '_', '.' or '@'")
                } else if !machine.passwordHash.hasPrefix("$2") {
                    machineNotes.line("not taken: machine '\(machine.name)' — its password is not a bcrypt hash")
                } else {
                    machines.append(MachineRecord(
                        name: machine.name, passwordHash: machine.passwordHash, validated: machine.validated,
                        createdNs: machine.createdNs ?? now, authType: machine.authType == "tls" ? .tls : .password))
                }
            }
            // Files.
            let profiles = FileSystem.exists(crowdsec.profilesFile)
                ? try FileCopy.plan(
                    crowdsec.profilesFile,
                    to: main.api.profilesFile ?? FileSystem.join(FileSystem.folder(of: main.path), "profiles.yaml"))
                : nil
            let notificationFolder = main.notifications.notificationFolder
            let notifications = try FileSystem.files(in: crowdsec.notificationFolder, suffixes: [".yaml", ".yml"]).map {
                try FileCopy.plan($0, to: FileSystem.join(notificationFolder, String($0.dropFirst(crowdsec.notificationFolder.count)).trimmingSlashes))
            }
            var listen: ListenEdit? = nil
            var configMode: mode_t = 0o644
            if let uri = crowdsec.listenURI {
                guard case .success(let text) = FileSystem.read(main.path) else {
                    throw CommandFailure(description: "cannot read \(main.path) again to set its listen_uri; check its permissions")
                }
                var info = stat()
                if stat(main.path, &info) == 0 { configMode = info.st_mode & 0o777 }
                listen = try ListenEdit(setting: uri, in: text, file: main.path)
            }

            // Writes, each idempotent: a run that stops half-way is completed by the next.
            if !dryRun && !decisions.signals.isEmpty {
                let signals = decisions.signals
                let outcomes = try waitFor { try await engine.migrate(signals) }
                let failed = outcomes.filter { $0.failure != nil }
                if !failed.isEmpty {
                    for outcome in failed { context.writeError("error: \(outcome.failure!)\n") }
                    throw CommandFailure(
                        description: "the decisions were not stored in \(failed.map { $0.backend }.joined(separator: ", ")) "
                            + "(see above); fix it and run the migration again (what was stored is not stored twice)")
                }
            }
            let identities = try global.identities(main)
            let bouncerAdoption = try BouncerKeyFile(text: identities.bouncers).adopt(bouncers, writing: !dryRun)
            let machineAdoption = try MachineFile(text: identities.machines).adopt(machines, writing: !dryRun)
            if !dryRun {
                // The config files are root's, as the package installs them.
                try DataFolderOwner.asInvoker {
                    try profiles?.write()
                    if notifications.contains(where: { $0.outcome == .taken }) {
                        try Self.makeFolder(notificationFolder)
                        for copy in notifications { try copy.write() }
                    }
                    if case .edit(let text, _) = listen?.outcome,
                       case .failure(let error) = FileSystem.writeAtomically(text, to: main.path, mode: configMode)
                    {
                        throw CommandFailure(
                            description: "cannot write \(main.path) to set api.server.listen_uri: \(error); set it by hand "
                                + "to \(crowdsec.listenURI!)")
                    }
                }
            }

            // The report.
            report.counts("bouncers", bouncerAdoption.taken, bouncerAdoption.alreadyThere)
            bouncerNotes.lines.forEach { report.line($0) }
            report.conflicts += bouncerAdoption.conflicts
            report.counts("machines", machineAdoption.taken, machineAdoption.alreadyThere)
            machineNotes.lines.forEach { report.line($0) }
            report.conflicts += machineAdoption.conflicts
            report.line(
                "decisions: \(decisions.taken) taken, \(decisions.alreadyThere) already there, \(decisions.expired) expired "
                    + "skipped, \(decisions.simulated) simulated skipped, \(decisions.refusedCount) refused")
            for (reason, values) in decisions.refused {
                let shown = values.prefix(5).joined(separator: ", ") + (values.count > 5 ? ", …" : "")
                report.line("refused: \(values.count == 1 ? "1 decision" : "\(values.count) decisions") (\(shown)): \(reason)")
            }
            if !decisions.central.isEmpty {
                let count = decisions.central.values.reduce(0, +)
                report.line(
                    "not refreshed: \(count) decisions of CrowdSec's Central API (origin "
                        + decisions.central.keys.sorted().joined(separator: ", ")
                        + ") — Warden pulls no Central API, so they end when they would have and are not renewed")
            }
            let active = Set(data.decisions.filter { ($0.untilNs ?? 0) > now }.compactMap(\.alertID))
            let inactive = data.alerts.keys.filter { !active.contains($0) }.count
            if inactive > 0 {
                report.line(
                    "not taken: \(inactive == 1 ? "1 alert" : "\(inactive) alerts") without an active decision — their history "
                        + "stays in CrowdSec's database")
            }
            if let profiles {
                switch profiles.outcome {
                case .taken: report.line("profiles: taken from \(profiles.source) into \(profiles.destination)")
                case .alreadyThere: report.line("profiles: already there (\(profiles.destination))")
                case .conflict:
                    report.conflicts.append(
                        "\(profiles.destination) differs from CrowdSec's \(profiles.source); kept Warden's (merge them by hand)")
                }
            } else {
                report.line("not taken: profiles — \(crowdsec.profilesFile) does not exist")
            }
            report.counts(
                "notifications", notifications.filter { $0.outcome == .taken }.map(\.destination.baseName),
                notifications.filter { $0.outcome == .alreadyThere }.map(\.destination.baseName))
            for copy in notifications where copy.outcome == .conflict {
                report.conflicts.append("\(copy.destination) differs from CrowdSec's \(copy.source); kept Warden's (merge them by hand)")
            }
            if !notifications.isEmpty, let crowdsecPlugins = crowdsec.pluginFolder,
               FileSystem.normalize(crowdsecPlugins) != FileSystem.normalize(main.notifications.pluginFolder)
            {
                report.line(
                    "not taken: config_paths.plugin_dir \(crowdsecPlugins) — Warden's is \(main.notifications.pluginFolder); "
                        + "set config_paths.plugin_dir in \(main.path) by hand if the plugins are there")
            }
            switch listen?.outcome {
            case nil: report.line("listen_uri: CrowdSec's config sets none; Warden's is left as it is")
            case .alreadyThere: report.line("listen_uri: \(crowdsec.listenURI!) already in \(main.path)")
            case .edit(_, let previous):
                report.line("listen_uri: \(crowdsec.listenURI!) written to \(main.path)\(previous.map { " (was \($0))" } ?? "")")
            case .byHand(let why):
                report.line(
                    "not taken: listen_uri \(crowdsec.listenURI!) — \(main.path): \(why); set api.server.listen_uri there by hand")
            }
            if let credentials = crowdsec.onlineClientCredentials {
                report.line("not taken: online_client (CAPI credentials in \(credentials)) — Warden has no Central API pull")
            }
            if !crowdsec.trustedIPs.isEmpty {
                report.line(
                    "not taken: api.server.trusted_ips (\(crowdsec.trustedIPs.joined(separator: ", "))) — set "
                        + "api.server.trusted_ips in \(main.path) by hand")
            }
            if crowdsec.serverTLS {
                report.line(
                    "not taken: api.server.tls — set api.server.tls in \(main.path) by hand (the same keys: cert_file, key_file, "
                        + "and for client certificates ca_cert_path, crl_path, bouncers_allowed_ou, agents_allowed_ou)")
            }
            for conflict in report.conflicts { report.line("conflict: \(conflict)") }
            if dryRun { report.line("dry run: nothing was written") }
            context.write(report.text)
            if !report.conflicts.isEmpty {
                throw CommandFailure(
                    description: "\(report.conflicts.count) of CrowdSec's entries conflict with Warden's (listed above) "
                        + "and were left out; resolve them and run the migration again")
            }
        }

        static func isHexDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) }

        /// Creates `folder` (and its parents) when missing.
        static func makeFolder(_ folder: String) throws {
            guard !FileSystem.isDirectory(folder) else { return }
            let parent = FileSystem.folder(of: folder)
            if parent != folder && !parent.isEmpty { try makeFolder(parent) }
            guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
                throw CommandFailure(
                    description: "cannot create \(folder): \(String(cString: strerror(errno))); create it and run the migration again")
            }
        }
    }
}

/// The lines `warden migrate` prints: what it took, what it could not, and conflicts last.
struct MigrationReport {
    private(set) var lines: [String] = []
    var conflicts: [String] = []

    mutating func line(_ text: String) { lines.append(text) }

    /// `what: N taken (a, b), M already there (c)`.
    mutating func counts(_ what: String, _ taken: [String], _ alreadyThere: [String]) {
        func list(_ names: [String]) -> String { names.isEmpty ? "" : " (\(names.joined(separator: ", ")))" }
        line("\(what): \(taken.count) taken\(list(taken)), \(alreadyThere.count) already there\(list(alreadyThere))")
    }

    var text: String { lines.map { $0 + "\n" }.joined() }
}

extension String {
    /// The last component of a path.
    fileprivate var baseName: String { split(separator: "/").last.map(String.init) ?? self }
    /// Without leading slashes.
    fileprivate var trimmingSlashes: String { String(drop { $0 == "/" }) }
}
