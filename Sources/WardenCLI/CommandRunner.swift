import ArgumentParser
import WardenModel
import WardenConfig
import WardenStore

/// Runs `warden` with `arguments` in ``CommandContext/current`` and returns the
/// exit status instead of exiting: 0 success, 64 bad input or config (nothing
/// written), 1 runtime failure.
public enum CommandRunner {
    public static func run(_ arguments: [String]) -> Int32 {
        let context = CommandContext.current
        do {
            let arguments = hoistingGlobalOptions(arguments)
            if let ban = banAddByHand(arguments) {
                try ban.run()
            } else {
                var command = try banAddByItsLeaf(arguments) ?? Warden.parseAsRoot(arguments)
                try command.run()
            }
            return 0
        } catch let error as any WardenError {
            context.writeError("error: \(error)\n")
            return error.category.exitStatus
        } catch {
            let code = Warden.exitCode(for: error)
            let message = Warden.fullMessage(for: error)
            if !message.isEmpty {
                let text = message + "\n"
                code == .success ? context.write(text) : context.writeError(text)
            }
            return code.rawValue
        }
    }
}

/// `ban add ip|range …` parsed by its own command alone, or nil to parse from the root;
/// tried when ``banAddByHand(_:)`` declines.
///
/// Scripts and fail2ban actions run `warden ban add` once per ban, so its start-up is
/// the command's speed: building the root's whole tree of commands to find the leaf took
/// about 2 ms of the 7.7 a ban took (profiled with perf), where the raw C program takes
/// 2.8 in all. The leaf's grammar is the same either way; anything that is not a plain
/// successful parse (an error, help, the version, completion scripts) goes through the
/// root, so its messages name the whole command as before.
func banAddByItsLeaf(_ arguments: [String]) -> (any ParsableCommand)? {
    guard arguments.count > 3, arguments[0] == "ban", arguments[1] == "add" else { return nil }
    let rest = Array(arguments.dropFirst(3))
    let rootOnly: Set<String> = ["-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help"]
    guard !rest.contains(where: { rootOnly.contains($0) || $0.hasPrefix("--generate-completion-script=") }) else {
        return nil
    }
    switch arguments[2] {
    case "ip": return try? Ban.AddIP.parse(rest)
    case "range": return try? Ban.AddRange.parse(rest)
    default: return nil
    }
}

/// A command could not do its work (not bad input): exit status 1.
struct CommandFailure: WardenError {
    var description: String
    var category: ErrorCategory { .runtime }
}

extension ErrorCategory {
    /// The CLI's exit status for an error of this category: 64 (EX_USAGE) when
    /// nothing was written because the input or the config is wrong, else 1.
    var exitStatus: Int32 {
        switch self {
        case .badInput, .badConfig: 64
        case .runtime: 1
        }
    }
}

/// Moves global options written before the subcommand (`warden -c cfg ban list`,
/// the legacy grammar) to where the leaf command parses them (before any `--`).
func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    let withValue: Set<String> = ["-c", "--config", "-o", "--output"]
    let flags: Set<String> = ["--debug"]
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
        let word = arguments[index]
        let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
        if flags.contains(word) || (word.contains("=") && withValue.contains(name)) {
            leading.append(word)
            index += 1
        } else if withValue.contains(word) && index + 1 < arguments.count {
            leading += [word, arguments[index + 1]]
            index += 2
        } else {
            break
        }
    }
    guard !leading.isEmpty else { return arguments }
    var rest = Array(arguments[index...])
    let end = rest.firstIndex(of: "--") ?? rest.count
    rest.insert(contentsOf: leading, at: end)
    return rest
}
