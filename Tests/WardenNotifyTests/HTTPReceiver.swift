import Glibc
import Synchronization

@testable import WardenNotify

/// A small HTTP/1.1 server on a free loopback port, standing in for a webhook. It records
/// each request's body; `failNext` makes it close that many connections without answering
/// (the `http` plugin then reports an error), `hang` makes it never answer.
final class HTTPReceiver: Sendable {
    struct SetupError: Error {
        var text: String
    }

    let port: UInt16
    private let listener: Int32
    private let state = Mutex(State())

    private struct State {
        var bodies: [String] = []
        var requests = 0
        var failNext = 0
        var hang = false
        var held: [Int32] = []
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw SetupError(text: String(cString: strerror(errno))) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let socketFD = listener
        startDetachedThread { [self] in
            while true {
                let connection = accept(socketFD, nil, nil)
                if connection < 0 { return }
                startDetachedThread { self.serve(connection) }
            }
        }
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var bodies: [String] { state.withLock { $0.bodies } }
    var requests: Int { state.withLock { $0.requests } }

    func failNext(_ count: Int) { state.withLock { $0.failNext = count } }
    func hang(_ on: Bool) { state.withLock { $0.hang = on } }

    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        for fd in state.withLock({ $0.held }) { Glibc.close(fd) }
    }

    private func serve(_ connection: Int32) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { Glibc.close(connection); return }
            received += buffer[0..<count]
            guard let end = headerEnd(received) else { continue }
            let headers = String(decoding: received[..<end], as: UTF8.self).lowercased()
            let length = headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: " ")) } ?? 0
            guard received.count >= end + 4 + length else { continue }
            let body = String(decoding: received[(end + 4)..<(end + 4 + length)], as: UTF8.self)
            received.removeSubrange(..<(end + 4 + length))
            let action = state.withLock { state -> String in
                state.requests += 1
                if state.hang { state.held.append(connection); return "hang" }
                if state.failNext > 0 { state.failNext -= 1; return "fail" }
                state.bodies.append(body)
                return "ok"
            }
            if action == "hang" { return }
            if action == "fail" { Glibc.close(connection); return }
            let reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            _ = reply.withCString { write(connection, $0, strlen($0)) }
        }
    }

    private func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}
