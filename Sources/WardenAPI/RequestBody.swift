import CompressNIO
import Hummingbird

extension Request {
    /// The body as the route reads it, at most `limit` bytes: a body sent with
    /// `Content-Encoding: gzip` (CrowdSec 1.7's agents and `cscli` compress every body
    /// over 5 KiB) is inflated first. The limit holds for the inflated bytes: a small
    /// body that would inflate past it is refused with 413 as soon as it does, never
    /// inflated to its end.
    /// - Throws: ``APIError``: 413 past the limit, 400 for a body that is not gzip,
    ///   415 for another encoding; Hummingbird's 413 for a sent body past the limit.
    func decodedBody(upTo limit: Int) async throws -> ByteBuffer {
        var sent = try await body.collect(upTo: limit)
        let encoding = (headers[.contentEncoding] ?? "").filter { $0 != " " && $0 != "\t" }.lowercased()
        switch encoding {
        case "", "identity":
            return sent
        case "gzip", "x-gzip":
            do {
                return try sent.decompress(with: .gzip, maxSize: limit)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError(
                    .contentTooLarge,
                    message: "the gzip body inflates past \(limit) bytes, the most this route reads; send less at once")
            } catch {
                throw APIError(.badRequest, message: "the body is not valid gzip (\(error)); send it again, compressed or not")
            }
        default:
            throw APIError(
                .unsupportedMediaType,
                message: "Content-Encoding '\(encoding)' is not supported; send the body as is or with gzip")
        }
    }
}
