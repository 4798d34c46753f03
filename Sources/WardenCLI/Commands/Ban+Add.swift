import ArgumentParser
import WardenModel

extension Ban {
    /// `warden ban add ip|range …`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Ban an address or a range in every loaded backend.",
            subcommands: [AddIP.self, AddRange.self])
    }

    /// `warden ban add ip <address> <duration> <reason…>`
    struct AddIP: BanAddLeaf {
        static let configuration = CommandConfiguration(
            commandName: "ip", abstract: "Ban one IPv4 or IPv6 address.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The address to ban (IPv4 or IPv6).") var target: String
        @OptionGroup var order: BanOrderArguments

        static func parseTarget(_ text: String) throws(InputError) -> BanTarget {
            try BanTarget.parseIP(text)
        }

        func validate() throws {
            try Self.check(target: target, order: order)
        }

        func run() throws {
            try Self.add(target: target, order: order, global: global)
        }
    }

    /// `warden ban add range <cidr> <duration> <reason…>`
    struct AddRange: BanAddLeaf {
        static let configuration = CommandConfiguration(
            commandName: "range", abstract: "Ban a CIDR block (IPv4 or IPv6).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The block to ban, e.g. 192.0.2.0/24 or 2001:db8::/32.") var target: String
        @OptionGroup var order: BanOrderArguments

        static func parseTarget(_ text: String) throws(InputError) -> BanTarget {
            try BanTarget.parseRange(text)
        }

        func validate() throws {
            try Self.check(target: target, order: order)
        }

        func run() throws {
            try Self.add(target: target, order: order, global: global)
        }
    }
}

/// `ban add ip` and `ban add range`, which differ only in how they read the target. Their
/// `validate()` and `run()` are ``check(target:order:)`` and ``add(target:order:global:)``,
/// which ``banAddByHand(_:)`` calls too.
protocol BanAddLeaf: ParsableCommand {
    /// The target, as this command reads it.
    static func parseTarget(_ text: String) throws(InputError) -> BanTarget
}

extension BanAddLeaf {
    /// Checks the target, the duration and the reason before anything is loaded or written.
    static func check(target: String, order: some BanOrderSettings) throws {
        do { _ = try parseTarget(target) } catch { throw ValidationError(error.message) }
        try order.check()
    }

    /// Bans the target as `order` says (see ``BanOrderSettings/add(_:global:)``).
    static func add(target: String, order: some BanOrderSettings, global: some GlobalSettings) throws {
        try order.add(try parseTarget(target), global: global)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
