import ArgumentParser
import WardenAllowlist
import WardenConfig
import WardenEngine
import WardenModel
import WardenStore

extension Ban {
    /// `warden ban import FILE`: the files `cscli decisions import` reads.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Ban every decision of a CSV or JSON file, as 'cscli decisions import' does.",
            discussion: """
                CSV: a header line naming any of value,duration,reason,scope,type,origin, then one decision a \
                line. JSON: an array of objects with those keys. Only value is required; a row that leaves a \
                field empty gets the option's value. The origin is always cscli-import. Every row is checked \
                first: a malformed or allowlisted row stops the import before anything is written, unless \
                --skip-invalid is given.
                """)

        /// The two formats, chosen by the file name's extension unless `--format` says.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case csv, json
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The file of decisions (.csv or .json).") var file: String
        @Option(help: "The format, when the file name does not end with .csv or .json.") var format: Format?
        @Option(help: "Duration of rows without one, as Go writes durations.") var duration = "4h"
        @Option(help: "Reason of rows without one.") var reason = "manual"
        @Option(help: "Type of rows without one: ban, slow or captcha.") var type = "ban"
        @Option(help: "Scope of rows without one: ip or range.") var scope = "ip"
        @Flag(help: "Import the valid rows and list the others, instead of importing nothing.")
        var skipInvalid = false

        func validate() throws {
            let defaults = ImportPlan.Defaults(duration: duration, reason: reason, type: type, scope: scope)
            do { _ = try ImportPlan.ban(DecisionRow(line: 0, value: "192.0.2.1"), defaults) } catch {
                throw ValidationError("the defaults are wrong: \(error.message)")
            }
        }

        func run() throws {
            let chosen = try format ?? Self.format(of: file)
            let bytes: [UInt8]
            switch FileSystem.read(file) {
            case .success(let text): bytes = Array(text.utf8)
            case .failure(let error): throw InputError("cannot read \(file): \(error); give a CSV or JSON file of decisions")
            }
            let decisions = try chosen == .csv
                ? CSVDecisions.read(bytes, file: file) : JSONDecisions.read(bytes, file: file)
            guard decisions.rows.count + decisions.problems.count > 0 else {
                throw InputError("\(file): no decision to import; the file holds no row")
            }
            let main = try global.loadConfig()
            var bar = ProgressBar(
                label: "checking", total: decisions.rows.count, enabled: global.context.errorIsTerminal,
                write: global.context.writeError)
            let allowlist = AllowlistFileSource(AllowlistFile(path: main.allowlistFile))
            let plan = try ImportPlan(
                decisions, defaults: ImportPlan.Defaults(duration: duration, reason: reason, type: type, scope: scope),
                allowlist: allowlist, now: global.context.clock(), progress: { bar.update($0) })
            bar.finish()
            let rowCount = decisions.rows.count + decisions.problems.count
            if !plan.problems.isEmpty {
                let prefix = skipInvalid ? "skipped" : "error:"
                for problem in plan.problems { global.context.writeError("\(prefix) \(file):\(problem.line): \(problem.message)\n") }
                if !skipInvalid {
                    throw InputError(
                        "cannot import \(file): \(plan.problems.count) of \(rowCount) rows are invalid (listed above), "
                            + "nothing was imported; fix them, or pass --skip-invalid to import the valid ones")
                }
            }
            guard !plan.bans.isEmpty else {
                throw InputError("cannot import \(file): none of its \(rowCount) rows is valid (listed above)")
            }
            let engine = try global.openEngine(main, allowlist: allowlist)
            bar.status("storing \(plan.bans.count) bans in \(engine.store.backends.map(\.name).joined(separator: ", "))...")
            let bans = plan.bans
            let outcomes = try waitFor { try await engine.importBans(bans, file: file) }
            bar.finish()
            let stored = outcomes.succeededNames
            if !stored.isEmpty {
                switch global.output {
                case .json:
                    global.print(JSONText.object([
                        ("imported", String(plan.bans.count)), ("skipped", String(plan.problems.count)),
                        ("backends", JSONText.array(strings: stored)),
                    ]))
                case .human, .raw:
                    let skipped = plan.problems.isEmpty ? "" : "; skipped \(plan.problems.count) invalid rows (listed above)"
                    let bans = plan.bans.count == 1 ? "1 ban" : "\(plan.bans.count) bans"
                    global.print("Imported \(bans) from \(file) into \(stored.joined(separator: ", "))\(skipped)")
                }
            }
            try global.requireNoFailure(outcomes, work: "the \(plan.bans.count) bans of \(file) were stored")
        }

        /// The format a file name says.
        /// - Throws: ``InputError`` when it says neither.
        static func format(of file: String) throws(InputError) -> Format {
            let lower = file.lowercased()
            if lower.hasSuffix(".csv") { return .csv }
            if lower.hasSuffix(".json") { return .json }
            throw InputError("cannot tell the format of \(file) from its name; name it .csv or .json, or pass --format csv|json")
        }
    }
}
