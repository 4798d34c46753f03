import Hummingbird
import WardenDecisions
import WardenEngine

/// `POST /v1/alerts` (machine token): stores the alerts and answers 201 with their ids
/// as strings, in order (`["12","13"]`), as LAPI 1.4.6 does; ids as numbers would make
/// the agent resend the batch.
struct AlertRoutes {
    let intake: AlertIntake

    /// The largest body accepted: `cscli decisions import` sends every decision in one alert.
    static let maxBody = 1 << 30

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("alerts") { request, context -> Response in
            let buffer = try await request.decodedBody(upTo: Self.maxBody)
            let body = try AlertBody.parse(Array(buffer: buffer))
            let ids = try await intake.receive(body.alerts, bodies: body.elements, machine: context.machine ?? "")
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (index, id) in ids.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += Array("\"\(id)\"".utf8)
            }
            out.append(UInt8(ascii: "]"))
            return .json(out, status: .created)
        }
    }
}
