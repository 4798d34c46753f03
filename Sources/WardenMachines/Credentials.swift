/// The credentials file a CrowdSec agent or `cscli` reads (`api.client.credentials_path`):
/// `url`, `login`, `password`, written as `cscli machines add` writes it. The agent reads it
/// with `yaml.UnmarshalStrict`, so no other key may appear.
public struct Credentials: Sendable, Equatable {
    public var url: String
    public var login: String
    public var password: String

    public init(url: String, login: String, password: String) {
        self.url = url
        self.login = login
        self.password = password
    }

    /// The file's YAML text.
    public var yaml: String {
        "url: \(Self.scalar(url))\nlogin: \(Self.scalar(login))\npassword: \(Self.scalar(password))\n"
    }

    /// `text` as a YAML scalar: plain when it cannot be misread, else double-quoted.
    static func scalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./:@+".unicodeScalars.contains($0)
        } && !["-", ".", ":", "@"].contains(text.first!) && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased())
            && Double(text) == nil
        if plain { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
