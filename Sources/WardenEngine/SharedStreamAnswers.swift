import Synchronization
import WardenDecisions

/// Stream answers that bouncers pulling the same thing at nearly the same time share:
/// one rendering of a 300k-decision startup body, not one per bouncer (a hundred bouncers
/// restarting together used to render the same 41 MB a hundred times).
///
/// Two pulls share an answer when they start from the same position (both `startup`, or
/// the same cursor), end at the same position of the book (nothing was added, removed or
/// expired between them), ask with the same filter and dedup, and the second comes within
/// ``lifetimeNs`` of the first. Their bodies are then identical but for the durations,
/// which are counted from the first pull: a shared answer can make a bouncer hold a ban up
/// to ``lifetimeNs`` past its end, never less than it should. `Body` is what the caller
/// renders (the API keeps its encodings in it). Thread-safe.
public final class SharedStreamAnswers<Body: Sendable>: Sendable {
    /// How long an answer may be handed out after it was computed: one second.
    public static var lifetimeNs: Int64 { 1_000_000_000 }
    /// Answers kept at once, at most: pulls with more distinct filters render their own.
    static var capacity: Int { 64 }

    struct Key: Hashable, Sendable {
        /// `nil` for a full answer (startup or resync).
        var from: ChangeCursor?
        var to: ChangeCursor
        var filter: DecisionFilter
        var dedup: Bool
    }

    private let answers = Mutex<[Key: Answer]>([:])

    public init() {}

    /// The answer for `key` if one computed at most ``lifetimeNs`` before `now` is kept,
    /// else the one `changes` makes, kept for the pulls that follow. Called under the book's lock.
    func answer(for key: Key, now: Int64, changes: () -> DecisionChanges) -> Answer {
        answers.withLock { answers in
            if let kept = answers[key], now - kept.computedAt < Self.lifetimeNs, now >= kept.computedAt {
                return kept
            }
            answers = answers.filter { now - $0.value.computedAt < Self.lifetimeNs }
            let fresh = Answer(changes: changes(), computedAt: now)
            if answers.count < Self.capacity {
                answers[key] = fresh
                dropWhenOld(key, fresh)
            }
            return fresh
        }
    }

    /// Drops `answer` once its lifetime is over, whether or not another pull comes: kept
    /// until then, a startup answer at a million decisions held 140 MB for as long as the
    /// bouncers stayed quiet.
    private func dropWhenOld(_ key: Key, _ answer: Answer) {
        Task { [weak self] in
            try? await Task.sleep(for: .nanoseconds(Self.lifetimeNs))
            self?.answers.withLock { answers in
                if answers[key] === answer { answers[key] = nil }
            }
        }
    }

    /// One answer: its changes until the first pull renders them, its body after.
    final class Answer: Sendable {
        let computedAt: Int64
        private enum Content { case changes(DecisionChanges), body(Body) }
        private let content: Mutex<Content>

        init(changes: DecisionChanges, computedAt: Int64) {
            self.computedAt = computedAt
            content = Mutex(.changes(changes))
        }

        /// The rendered body: the first caller renders it (the others sharing this answer
        /// wait for it), later ones get it as it is.
        func body(render: (DecisionChanges, Int64) -> Body) -> Body {
            content.withLock { content in
                switch content {
                case .body(let body):
                    return body
                case .changes(let changes):
                    let body = render(changes, computedAt)
                    content = .body(body)
                    return body
                }
            }
        }
    }
}
