import Glibc

/// The MariaDB client calls `warden migrate crowdsec` makes, resolved from the system's
/// libmariadb with `dlopen` when a migration of a MySQL-backed CrowdSec needs them:
/// linked into `warden`, libmariadb (with libssl, libcrypto and libz) would load at every
/// start, 5.25 ms instead of 3.72 for `warden --version` (release, fastest of 300).
struct MariaDBLibrary {
    // mysql.h: enum mysql_option.
    static let connectTimeout: Int32 = 0
    static let charsetName: Int32 = 7

    let initialize: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let options: @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> Int32
    let connect: @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UInt32,
        UnsafePointer<CChar>?, UInt
    ) -> OpaquePointer?
    let error: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let query: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let storeResult: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let fieldCount: @convention(c) (OpaquePointer?) -> UInt32
    let fetchRow: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    let fetchLengths: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<UInt>?
    let freeResult: @convention(c) (OpaquePointer?) -> Void
    let close: @convention(c) (OpaquePointer?) -> Void

    /// The library, loaded once; nil with why when it cannot be.
    static let shared: Result<MariaDBLibrary, CommandFailure> = load()

    private static func load() -> Result<MariaDBLibrary, CommandFailure> {
        guard let handle = dlopen("libmariadb.so.3", RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(CommandFailure(
                description: "cannot load libmariadb to read CrowdSec's MySQL database: \(why); install it (apt-get install libmariadb3)"))
        }
        func symbol<T>(_ name: String, _: T.Type) throws(CommandFailure) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw CommandFailure(description: "libmariadb has no \(name); install MariaDB's client library 3.x")
            }
            return unsafeBitCast(pointer, to: T.self)
        }
        let p = placeholder
        do throws(CommandFailure) {
            return .success(MariaDBLibrary(
                initialize: try symbol("mysql_init", type(of: p.initialize)),
                options: try symbol("mysql_options", type(of: p.options)),
                connect: try symbol("mysql_real_connect", type(of: p.connect)),
                error: try symbol("mysql_error", type(of: p.error)),
                query: try symbol("mysql_query", type(of: p.query)),
                storeResult: try symbol("mysql_store_result", type(of: p.storeResult)),
                fieldCount: try symbol("mysql_num_fields", type(of: p.fieldCount)),
                fetchRow: try symbol("mysql_fetch_row", type(of: p.fetchRow)),
                fetchLengths: try symbol("mysql_fetch_lengths", type(of: p.fetchLengths)),
                freeResult: try symbol("mysql_free_result", type(of: p.freeResult)),
                close: try symbol("mysql_close", type(of: p.close))))
        } catch {
            return .failure(error)
        }
    }

    /// Never called: gives each function pointer's type to ``load()``.
    private static let placeholder = MariaDBLibrary(
        initialize: { _ in nil }, options: { _, _, _ in 0 }, connect: { _, _, _, _, _, _, _, _ in nil }, error: { _ in nil },
        query: { _, _ in 0 }, storeResult: { _ in nil }, fieldCount: { _ in 0 }, fetchRow: { _ in nil },
        fetchLengths: { _ in nil }, freeResult: { _ in }, close: { _ in })
}

/// A connection to CrowdSec's MySQL/MariaDB database (`db_config.type: mysql`). It only
/// reads (SELECT); CrowdSec's driver writes times in UTC, which is how they are read back.
final class CrowdSecMySQL: CrowdSecDatabase {
    private let client: MariaDBLibrary
    private var handle: OpaquePointer?
    /// `user@host:port/db`, for messages (never the password).
    let place: String

    /// Connects as CrowdSec does.
    /// - Throws: ``CommandFailure`` saying why it cannot.
    init(host: String, port: Int?, user: String, password: String, database: String) throws {
        client = try MariaDBLibrary.shared.get()
        place = "\(user)@\(host):\(port ?? 3306)/\(database)"
        guard let mysql = client.initialize(nil) else {
            throw CommandFailure(description: "cannot start a MariaDB client: out of memory")
        }
        handle = mysql
        var timeout: UInt32 = 10
        _ = client.options(mysql, MariaDBLibrary.connectTimeout, &timeout)
        _ = client.options(mysql, MariaDBLibrary.charsetName, "utf8mb4")
        guard client.connect(mysql, host, user, password, database, UInt32(port ?? 3306), nil, 0) != nil else {
            let why = client.error(mysql).map { String(cString: $0) } ?? "unknown error"
            throw CommandFailure(
                description: "cannot connect to CrowdSec's MySQL database \(place): \(why); check db_config "
                    + "(host, port, user, password, db_name) in CrowdSec's config and that the server runs")
        }
    }

    deinit { client.close(handle) }

    func rows(_ sql: String, _ each: ([String?]) throws -> Void) throws {
        guard client.query(handle, sql) == 0, let result = client.storeResult(handle) else {
            let why = client.error(handle).map { String(cString: $0) } ?? "unknown error"
            throw CommandFailure(
                description: "cannot read CrowdSec's MySQL database \(place): \(why); check that db_config names the "
                    + "database of a CrowdSec 1.4 or later")
        }
        defer { client.freeResult(result) }
        let count = Int(client.fieldCount(result))
        while let row = client.fetchRow(result) {
            let lengths = client.fetchLengths(result)
            try each((0..<count).map { column in
                guard let bytes = row[column] else { return nil }
                let length = lengths.map { Int($0[column]) } ?? strlen(bytes)
                return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
            })
        }
    }
}
