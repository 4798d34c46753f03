import ArgumentParser
import Glibc

/// `warden run`: starts the daemon. The daemon is its own executable,
/// `warden-daemon`, installed beside `warden`: this process replaces itself with
/// it (exec), so the CLI never links the HTTP stack and `warden ban add` stays fast.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon: serve the Local API to bouncers (runs warden-daemon).")

    @OptionGroup var global: GlobalOptions

    /// The daemon's file name, looked up in the folder of the running `warden`.
    static let daemonName = "warden-daemon"

    func run() throws {
        let daemon = Self.daemonPath()
        var arguments = [daemon, "--config", global.configPath]
        if global.debug { arguments.append("--debug") }
        let argv = arguments.map { strdup($0) } + [nil]
        execv(daemon, argv)
        let reason = String(cString: strerror(errno))
        throw CommandFailure(
            description: "cannot start \(daemon): \(reason); install warden-daemon beside warden (swift build --product warden-daemon)")
    }

    /// `<folder of this executable>/warden-daemon`.
    static func daemonPath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard length > 0 else { return daemonName }
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return daemonName }
        return String(executable[...slash]) + daemonName
    }
}
