import Glibc

/// The few SQLite calls `warden migrate crowdsec` makes, resolved from the system's
/// libsqlite3 with `dlopen` when a migration first needs them. Linking libsqlite3 into
/// `warden` (the CSQLite module) would load it at every start: measured on the release
/// build, `warden --version` took 3.93 ms instead of 3.72 (fastest of 300, 2 shared
/// cores), a cost every `warden ban add` would pay for a command run once.
struct SQLiteLibrary {
    // SQLite's constants (sqlite3.h), stable since 3.0.
    static let ok: Int32 = 0
    static let row: Int32 = 100
    static let done: Int32 = 101
    static let integer: Int32 = 1
    static let null: Int32 = 5
    static let openReadOnly: Int32 = 0x0000_0001

    let open: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?, Int32, UnsafePointer<CChar>?) -> Int32
    let close: @convention(c) (OpaquePointer?) -> Int32
    let errmsg: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let busyTimeout: @convention(c) (OpaquePointer?, Int32) -> Int32
    let prepare: @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<OpaquePointer?>?,
        UnsafeMutablePointer<UnsafePointer<CChar>?>?
    ) -> Int32
    let step: @convention(c) (OpaquePointer?) -> Int32
    let finalize: @convention(c) (OpaquePointer?) -> Int32
    let columnCount: @convention(c) (OpaquePointer?) -> Int32
    let columnType: @convention(c) (OpaquePointer?, Int32) -> Int32
    let columnText: @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<UInt8>?

    /// The library, loaded once; nil with why when it cannot be.
    static let shared: Result<SQLiteLibrary, CommandFailure> = load()

    private static func load() -> Result<SQLiteLibrary, CommandFailure> {
        guard let handle = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(CommandFailure(
                description: "cannot load libsqlite3 to read CrowdSec's database: \(why); install it (apt-get install libsqlite3-0)"))
        }
        func symbol<T>(_ name: String, _: T.Type) throws(CommandFailure) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw CommandFailure(description: "libsqlite3 has no \(name); install a SQLite of 3.7 or later")
            }
            return unsafeBitCast(pointer, to: T.self)
        }
        do throws(CommandFailure) {
            return .success(SQLiteLibrary(
                open: try symbol("sqlite3_open_v2", type(of: placeholder.open)),
                close: try symbol("sqlite3_close", type(of: placeholder.close)),
                errmsg: try symbol("sqlite3_errmsg", type(of: placeholder.errmsg)),
                busyTimeout: try symbol("sqlite3_busy_timeout", type(of: placeholder.busyTimeout)),
                prepare: try symbol("sqlite3_prepare_v2", type(of: placeholder.prepare)),
                step: try symbol("sqlite3_step", type(of: placeholder.step)),
                finalize: try symbol("sqlite3_finalize", type(of: placeholder.finalize)),
                columnCount: try symbol("sqlite3_column_count", type(of: placeholder.columnCount)),
                columnType: try symbol("sqlite3_column_type", type(of: placeholder.columnType)),
                columnText: try symbol("sqlite3_column_text", type(of: placeholder.columnText))))
        } catch {
            return .failure(error)
        }
    }

    /// Never called: gives each function pointer's type to ``load()``.
    private static let placeholder = SQLiteLibrary(
        open: { _, _, _, _ in 0 }, close: { _ in 0 }, errmsg: { _ in nil }, busyTimeout: { _, _ in 0 },
        prepare: { _, _, _, _, _ in 0 }, step: { _ in 0 }, finalize: { _ in 0 }, columnCount: { _ in 0 }, columnType: { _, _ in 0 },
        columnText: { _, _ in nil })
}
