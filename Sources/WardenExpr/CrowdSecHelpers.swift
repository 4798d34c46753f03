/// The helper functions CrowdSec 1.4.6 puts in every profile's environment
/// (pkg/exprhelpers), with its semantics: helpers never fail, they answer a
/// neutral value (`false`, `""`) for bad input, as CrowdSec's log and carry on.
public enum CrowdSecHelpers {
    /// `Sprintf`, `Upper`, `Lower`, `IpInRange`, `IpToRange` and `TimeNow`.
    /// - Parameter now: the current time as RFC 3339 UTC text (`TimeNow()`), from the host's clock.
    public static func functions(now: @escaping @Sendable () -> String) -> [String: Function] {
        [
            "Sprintf": Function(Signature([.string, .interface], variadic: true, returns: .string)) { args in
                guard case .string(let format) = args[0] else { return .string("") }
                return .string(GoFormat.sprintf(format, Array(args.dropFirst())))
            },
            "Upper": Function(Signature([.string], returns: .string)) { args in
                .string(mapScalars(text(args[0]), \.uppercaseMapping))
            },
            "Lower": Function(Signature([.string], returns: .string)) { args in
                .string(mapScalars(text(args[0]), \.lowercaseMapping))
            },
            "IpInRange": Function(Signature([.string, .string], returns: .bool)) { args in
                guard let ip = IPAddress(text(args[0])), let network = IPNetwork(cidr: text(args[1])) else {
                    return .bool(false)
                }
                return .bool(network.contains(ip))
            },
            "IpToRange": Function(Signature([.string, .string], returns: .string)) { args in
                var cidr = Substring(text(args[1]))
                if cidr.hasPrefix("/") { cidr = cidr.dropFirst() }
                guard let bits = Int(cidr), let ip = IPAddress(text(args[0])) else { return .string("") }
                return .string(IPNetwork.rangeString(ip, bits: bits))
            },
            "TimeNow": Function(Signature([], returns: .string)) { _ in .string(now()) },
        ]
    }

    /// Go's strings.ToUpper/ToLower map rune by rune: a character whose case mapping
    /// is longer than one rune (`ß` → `SS` in Swift) stays as it is.
    private static func mapScalars(_ text: String, _ mapping: KeyPath<Unicode.Scalar.Properties, String>) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = scalar.properties[keyPath: mapping].unicodeScalars
            out.append(mapped.count == 1 ? mapped.first! : scalar)
        }
        return String(out)
    }

    private static func text(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return ""
    }
}
