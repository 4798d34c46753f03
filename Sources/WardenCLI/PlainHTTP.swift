import Glibc

/// One HTTP/1.1 GET over a plain socket, without Foundation or NIO (the CLI links
/// neither): enough for `warden metrics` to read the daemon's Prometheus endpoint.
/// `http://` only; the body is read to the end (`Connection: close`), de-chunked if
/// the server chunked it.
enum PlainHTTP {
    /// Why a GET failed, said for a person.
    struct Failure: Error {
        var reason: String
    }

    /// The status and body of `GET url`, giving up after `timeoutSeconds` without progress.
    static func get(_ url: String, timeoutSeconds: Int = 5) throws(Failure) -> (status: Int, body: [UInt8]) {
        let (host, port, path) = try parse(url)
        let fd = try connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: warden-cli\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(reason: "cannot send the request: \(String(cString: strerror(errno)))") }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let reason = errno == EAGAIN ? "no answer within \(timeoutSeconds) s" : String(cString: strerror(errno))
                throw Failure(reason: reason)
            }
            if n == 0 { break }
            answer += buffer[0..<n]
        }
        return try response(answer)
    }

    /// `http://host:port/path` → its parts (port 80 and path `/` when absent).
    static func parse(_ url: String) throws(Failure) -> (host: String, port: Int, path: String) {
        guard url.hasPrefix("http://") else { throw Failure(reason: "only http:// URLs are supported") }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        var host = Substring(authority), port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Failure(reason: "an IPv6 address needs its closing ']'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { throw Failure(reason: "a bad port") }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let number = Int(authority[authority.index(after: colon)...]) else { throw Failure(reason: "a bad port") }
            host = authority[..<colon]
            port = number
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw Failure(reason: "no host, or a port out of 1-65535") }
        return (String(host), port, path)
    }

    /// A connected TCP socket to the first address of `host` that accepts.
    private static func connect(host: String, port: Int, timeoutSeconds: Int) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else { throw Failure(reason: "cannot resolve \(host): \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            // On Linux the send timeout bounds connect() too.
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return fd }
            reason = errno == EINPROGRESS || errno == EAGAIN
                ? "no connection within \(timeoutSeconds) s" : String(cString: strerror(errno))
            close(fd)
        }
        throw Failure(reason: reason)
    }

    /// The status and body of a whole HTTP/1.x response.
    static func response(_ bytes: [UInt8]) throws(Failure) -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw Failure(reason: "the answer is not HTTP (no end of headers)")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n")
        let statusWords = head.first?.split(separator: " ") ?? []
        guard statusWords.count >= 2, statusWords[0].hasPrefix("HTTP/1."), let status = Int(statusWords[1]) else {
            throw Failure(reason: "the answer is not HTTP (status line '\(head.first ?? "")')")
        }
        var body = Array(bytes[(end + 4)...])
        let chunked = head.dropFirst().contains {
            $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked")
        }
        if chunked { body = try dechunk(body) }
        return (status, body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var body: [UInt8] = []
        var i = 0
        while true {
            guard let lineEnd = bytes[i...].firstIndex(of: 13), lineEnd + 1 < bytes.count else { break }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces, radix: 16) else { throw Failure(reason: "a malformed chunk size") }
            if size == 0 { return body }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw Failure(reason: "the answer ended inside a chunk") }
            body += bytes[start..<(start + size)]
            i = start + size + 2
            guard i <= bytes.count else { break }
        }
        throw Failure(reason: "the answer ended before its last chunk")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
