import ArgumentParser

/// `ban add ip|range …` read by hand, or nil to leave it to ArgumentParser
/// (``banAddByItsLeaf(_:)``, then the root).
///
/// ArgumentParser learns a command's grammar by reflecting on its types (metadata looked
/// up by mangled name, protocol conformance scans): perf put that at about a quarter of a
/// whole `warden ban add` process, even parsing from the leaf. This reader knows the leaf's
/// words only: `-c`/`--config`, `-o`/`--output` and `--remediation`, each followed by its
/// value or as `--name=value` (the last one given wins), `--debug`, and the positionals
/// anywhere among them, in their order. It declines every other word that starts with a
/// dash (help, the version, completion scripts, `--`, `-c=x`, grouped or unknown options),
/// an option without a value (`--name=` too) or with a value that starts with a dash, a
/// value ArgumentParser's own conversion refuses, and a command whose `validate()` throws:
/// every message still comes from ArgumentParser. BanAddByHandTests checks it against
/// ArgumentParser.
func banAddByHand(_ arguments: [String]) -> (any ParsableCommand)? {
    guard arguments.count > 3, arguments[0] == "ban", arguments[1] == "add",
        let words = BanAddWords(arguments.dropFirst(3))
    else { return nil }
    switch arguments[2] {
    case "ip": return words.command(Ban.AddIP.self)
    case "range": return words.command(Ban.AddRange.self)
    default: return nil
    }
}

/// `ban add ip` and `ban add range`: the global options, a target and a ban order.
protocol BanAddLeaf: ParsableCommand {
    var global: GlobalOptions { get set }
    var target: String { get set }
    var order: BanOrderArguments { get set }
}

extension Ban.AddIP: BanAddLeaf {}
extension Ban.AddRange: BanAddLeaf {}

/// The words after `ban add ip|range`, sorted into options and positionals as
/// ArgumentParser sorts them for that leaf.
struct BanAddWords {
    var config: String?
    var output: String?
    var debug = false
    var remediation: String?
    /// The target, the duration, then the reason's words, in the order given.
    var positionals: [String] = []

    /// Nil for any word or value this reader is not sure to read as ArgumentParser does.
    init?(_ words: ArraySlice<String>) {
        var words = words
        while let word = words.popFirst() {
            guard word.hasPrefix("-") else {
                positionals.append(word)
                continue
            }
            if word == "--debug" {
                debug = true
                continue
            }
            let equals = word.hasPrefix("--") ? word.firstIndex(of: "=") : nil
            let name = equals.map { String(word[..<$0]) } ?? word
            let attached = equals.map { String(word[word.index(after: $0)...]) }
            // ArgumentParser takes `--name ""` as an empty value but `--name=` as a missing one.
            guard attached != "", let value = attached ?? words.popFirst(), !value.hasPrefix("-") else { return nil }
            switch name {
            case "-c", "--config": config = value
            case "-o", "--output": output = value
            case "--remediation": remediation = value
            default: return nil
            }
        }
    }

    /// The command these words make, its properties set without ArgumentParser's parse and
    /// validated as ArgumentParser validates it; nil where ArgumentParser would fail.
    func command<Leaf: BanAddLeaf>(_ leaf: Leaf.Type) -> Leaf? {
        guard positionals.count >= 2, let format = converted(output, or: OutputFormat.byDefault),
            let remediation = converted(remediation, or: Remediation.byDefault)
        else { return nil }
        var global = GlobalOptions()
        global.config = config
        global.output = format
        global.debug = debug
        var order = BanOrderArguments()
        order.duration = positionals[1]
        order.reason = Array(positionals.dropFirst(2))
        order.remediation = remediation
        var command = Leaf()
        command.global = global
        command.target = positionals[0]
        command.order = order
        do {
            try global.validate()
            try order.validate()
            try command.validate()
        } catch {
            return nil
        }
        return command
    }
}

/// An option's value as ArgumentParser converts it, `absent` when the option was not
/// given, nil when the conversion refuses it.
private func converted<Value: ExpressibleByArgument>(_ word: String?, or absent: Value) -> Value? {
    guard let word else { return absent }
    return Value(argument: word)
}
