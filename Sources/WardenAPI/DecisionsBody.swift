import CompressNIO
import Hummingbird
import Synchronization

/// A decisions answer rendered once, with its gzip encoding made the first time a client
/// that accepts gzip asks for it; every response that shares it sends the same buffers
/// (a 300k-decision startup body is 41 MB plain, about a tenth of that in gzip).
final class DecisionsBody: Sendable {
    /// Bodies smaller than this go plain whatever the client accepts: gzip would save less
    /// than a packet and cost a compressor.
    static var gzipThreshold: Int { 1024 }

    let plain: ByteBuffer
    private let gzipped = Mutex<ByteBuffer?>(nil)

    init(_ bytes: [UInt8]) {
        plain = ByteBuffer(bytes: bytes)
    }

    /// The answer to `request`, gzip when it accepts gzip and the body is worth it. Both
    /// variants say `Vary: Accept-Encoding`, so a cache between never mixes them up. A body
    /// below the threshold (most lookups) is sent without reading `Accept-Encoding`.
    func response(to request: Request) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        guard plain.readableBytes >= Self.gzipThreshold else {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: plain))
        }
        headers[.vary] = "Accept-Encoding"
        guard acceptsGzip(request), let compressed = gzip() else {
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: plain))
        }
        headers[.contentEncoding] = "gzip"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: compressed))
    }

    /// The gzip encoding, made once (zlib's fastest level: the body is compressed while
    /// bouncers wait, and JSON of decisions still shrinks about eightfold). Nil if zlib
    /// fails, and the client then gets the plain body.
    private func gzip() -> ByteBuffer? {
        gzipped.withLock { gzipped in
            if let gzipped { return gzipped }
            var source = plain
            let compressed = try? source.compress(with: .gzip(configuration: .init(compressionLevel: .fastestCompression)))
            gzipped = compressed
            return compressed
        }
    }
}

/// Whether an `Accept-Encoding` request header allows gzip (RFC 9110 §12.5.3): `gzip`,
/// `x-gzip` listed without `q=0`, or else `*` without it. Absent, the answer is plain.
func acceptsGzip(_ request: Request) -> Bool {
    var gzip: Bool?
    var any: Bool?
    for field in request.headers[values: .acceptEncoding] {
        for item in field.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingASCIISpaces.lowercased() }
            let refused = parts.dropFirst().contains { parameter in
                parameter.hasPrefix("q=") && Double(parameter.dropFirst(2)) == 0
            }
            switch parts.first {
            case "gzip", "x-gzip": gzip = !refused
            case "*": any = !refused
            default: continue
            }
        }
    }
    return gzip ?? any ?? false
}

extension Substring {
    fileprivate var trimmingASCIISpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
