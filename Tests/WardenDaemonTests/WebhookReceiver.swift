import Foundation
import Synchronization

/// A webhook on a free loopback port, for Debian's `http` notification plugin: it records
/// each request's body and answers 200, or, with `hang`, reads requests and never answers
/// (the plugin's own HTTP client has no timeout, so the plugin hangs).
final class WebhookReceiver: Sendable {
    let port: Int
    private let listener: Int32
    private let hang: Bool
    private let received = Mutex<[String]>([])

    init(hang: Bool = false) throws {
        self.hang = hang
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw RawHTTP.Failure(description: "the webhook cannot listen: \(String(cString: strerror(errno)))") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while case let connection = accept(fd, nil, nil), connection >= 0 {
                Thread.detachNewThread { self.serve(connection) }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var bodies: [String] { received.withLock { $0 } }

    /// Reads requests off one keep-alive connection until the client closes it.
    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { return }
            bytes += buffer[0..<count]
            while let request = Self.take(&bytes) {
                received.withLock { $0.append(request) }
                if hang { continue }
                let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
                _ = write(connection, answer, answer.count)
            }
        }
    }

    /// The body of the first complete request in `bytes`, removed from it.
    private static func take(_ bytes: inout [UInt8]) -> String? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        let body = String(decoding: bytes[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        bytes.removeSubrange(..<(end + 4 + length))
        return body
    }
}
