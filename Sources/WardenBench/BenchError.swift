/// A failure of `warden-bench`, written as what failed, why, and what to do.
struct BenchError: Error, CustomStringConvertible, Equatable {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
