import GRPCCore

/// The three messages of CrowdSec's `notifier.proto` and the go-plugin calls, on the wire.
///
/// Hand-written rather than generated: the messages are two strings, one byte field and
/// nothing, so about sixty lines of protobuf encoding replace ≈ 580 generated lines, the
/// swift-protobuf dependency (≈ 40 s more per clean build on CI) and a protoc step nobody
/// can rerun without building two code generators. The proto has not changed since
/// CrowdSec 1.0, and the tests drive the real plugins, so a wire mistake cannot hide.
enum PluginWire {
    static let configure = MethodDescriptor(fullyQualifiedService: "proto.Notifier", method: "Configure")
    static let notify = MethodDescriptor(fullyQualifiedService: "proto.Notifier", method: "Notify")
    static let healthCheck = MethodDescriptor(fullyQualifiedService: "grpc.health.v1.Health", method: "Check")
    static let shutdown = MethodDescriptor(fullyQualifiedService: "plugin.GRPCController", method: "Shutdown")

    /// The longest text a plugin accepts: go-plugin keeps grpc-go's 4 MiB limit on a received
    /// message, and the encoded Notification adds a few bytes and the config name (a text of
    /// 4,194,240 bytes was verified to pass, 5 MiB to fail with RESOURCE_EXHAUSTED).
    static let maximumText = 4 * 1024 * 1024 - 1024

    /// `proto.Config`: the notification's YAML in field 2 (there is no field 1).
    static func config(yaml: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendField(2, Array(yaml.utf8), to: &bytes)
        return bytes
    }

    /// `proto.Notification`: the rendered text in field 1, the config name in field 2.
    static func notification(text: String, name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendField(1, Array(text.utf8), to: &bytes)
        appendField(2, Array(name.utf8), to: &bytes)
        return bytes
    }

    /// `grpc.health.v1.HealthCheckRequest` for go-plugin's service name, `plugin`.
    static let healthRequest: [UInt8] = {
        var bytes: [UInt8] = []
        appendField(1, Array("plugin".utf8), to: &bytes)
        return bytes
    }()

    /// The reply `HealthCheckResponse{status: SERVING}` encodes as.
    static let serving: [UInt8] = [0x08, 0x01]

    /// A length-delimited field (wire type 2). proto3 leaves empty strings out.
    private static func appendField(_ number: UInt8, _ value: [UInt8], to bytes: inout [UInt8]) {
        guard !value.isEmpty else { return }
        bytes.append(number << 3 | 2)
        var length = UInt64(value.count)
        while length >= 0x80 {
            bytes.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
        bytes += value
    }
}

/// Passes already-encoded message bytes through to gRPC.
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Hands a reply's bytes over undecoded: only Health/Check's reply is ever looked at.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
