import Glibc

/// Where SwiftPM put the products of this build (the folder of the running test binary).
public enum BuildProducts {
    /// The folder holding the test binary, `libwarden-backend-*.so` and `warden`.
    public static var folder: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        precondition(n > 0, "cannot read /proc/self/exe")
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var folder = path[..<path.lastIndex(of: "/")!]
        // xctest bundles on Linux are plain executables in the products folder;
        // step out of a `.xctest` directory if the layout ever makes one.
        if folder.hasSuffix(".xctest"), let slash = folder.lastIndex(of: "/") { folder = folder[..<slash] }
        return String(folder)
    }

    /// The path of the shared library product `name` (e.g. `warden-backend-dummy`).
    public static func library(_ name: String) -> String {
        "\(folder)/lib\(name).so"
    }

    /// The `warden` executable of this build.
    public static var warden: String { "\(folder)/warden" }
}
