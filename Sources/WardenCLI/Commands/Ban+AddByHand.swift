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
/// value ArgumentParser's own conversion refuses, and a ban the leaf's `validate()` would
/// refuse: every message still comes from ArgumentParser. It builds none of ArgumentParser's
/// property wrappers (making them costs metadata and conformance look-ups too), only plain
/// values for the functions the leaf's `validate()` and `run()` call. BanAddByHandTests
/// checks it against ArgumentParser.
func banAddByHand(_ arguments: [String]) -> HandReadBanAdd? {
    guard arguments.count > 3, arguments[0] == "ban", arguments[1] == "add",
        let words = BanAddWords(arguments.dropFirst(3))
    else { return nil }
    switch arguments[2] {
    case "ip": return words.ban(Ban.AddIP.self)
    case "range": return words.ban(Ban.AddRange.self)
    default: return nil
    }
}

/// A `ban add ip|range` read by ``banAddByHand(_:)`` and checked as its leaf checks it.
struct HandReadBanAdd {
    /// The command it stands for: ``Ban/AddIP`` or ``Ban/AddRange``.
    var leaf: any BanAddLeaf.Type
    var global: PlainGlobalSettings
    var target: String
    var order: PlainBanOrderSettings

    /// What the leaf's `run()` does.
    func run() throws {
        try leaf.add(target: target, order: order, global: global)
    }
}

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

    /// The ban these words order from `leaf`, checked by the leaf's own check; nil where
    /// ArgumentParser would fail.
    func ban(_ leaf: any BanAddLeaf.Type) -> HandReadBanAdd? {
        guard positionals.count >= 2, let format = converted(output, or: OutputFormat.byDefault),
            let remediation = converted(remediation, or: Remediation.byDefault)
        else { return nil }
        let ban = HandReadBanAdd(
            leaf: leaf, global: PlainGlobalSettings(config: config, output: format, debug: debug),
            target: positionals[0],
            order: PlainBanOrderSettings(
                duration: positionals[1], reason: Array(positionals.dropFirst(2)), remediation: remediation))
        guard (try? leaf.check(target: ban.target, order: ban.order)) != nil else { return nil }
        return ban
    }
}

/// An option's value as ArgumentParser converts it, `absent` when the option was not
/// given, nil when the conversion refuses it.
private func converted<Value: ExpressibleByArgument>(_ word: String?, or absent: Value) -> Value? {
    guard let word else { return absent }
    return Value(argument: word)
}
