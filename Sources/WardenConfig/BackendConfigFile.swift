/// One file of the backend folder: which library to load and its `config:` map.
///
/// ```yaml
/// name: sqlite
/// path: ./libwarden-backend-sqlite.so    # relative to this file's folder
/// config:
///   db_path: /var/lib/warden/warden.db
/// ```
public struct BackendConfigFile: Sendable, Equatable {
    public var name: String
    /// The library path, resolved against the file's folder.
    public var libraryPath: String
    public var config: [String: String]
    /// The YAML file it came from.
    public var file: String

    public init(name: String, libraryPath: String, config: [String: String], file: String) {
        self.name = name
        self.libraryPath = libraryPath
        self.config = config
        self.file = file
    }

    /// Reads every `*.yaml` and `*.yml` below `folder`, sorted by path.
    /// A name defined twice keeps the later file (as the legacy host did).
    /// - Throws: ``ConfigError`` for the first file that cannot be read or is invalid.
    public static func loadAll(in folder: String) throws -> [BackendConfigFile] {
        guard FileSystem.isDirectory(folder) else {
            throw ConfigError(
                file: folder, line: nil,
                "the backend config folder does not exist; create it or fix 'plugin.backend' in the main config")
        }
        var byName: [String: Int] = [:]
        var result: [BackendConfigFile] = []
        for file in FileSystem.files(in: folder, suffixes: [".yaml", ".yml"]) {
            let entry = try load(file: file)
            if let index = byName[entry.name] {
                result[index] = entry
            } else {
                byName[entry.name] = result.count
                result.append(entry)
            }
        }
        return result
    }

    /// Reads one backend file.
    /// - Throws: ``ConfigError`` naming the file and line.
    public static func load(file: String) throws -> BackendConfigFile {
        let text: String
        switch FileSystem.read(file) {
        case .success(let t): text = t
        case .failure(let error): throw ConfigError(file: file, line: nil, "cannot read: \(error)")
        }
        let root = try YAML.parse(text, file: file)
        guard case .mapping = root.value else {
            throw ConfigError(file: file, line: root.line, "a backend config must be a mapping, found \(root.kind)")
        }
        func requiredText(_ key: String, _ hint: String) throws -> String {
            guard let node = root[key] else {
                throw ConfigError(file: file, line: nil, "missing key '\(key)': \(hint)")
            }
            guard let value = node.scalar, !value.isEmpty else {
                throw ConfigError(file: file, line: node.line, "'\(key)' must be text: \(hint)")
            }
            return value
        }
        let name = try requiredText("name", "give the backend a short name such as sqlite")
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw ConfigError(
                file: file, line: root["name"]?.line,
                "'name' may hold letters, digits, '-', '_' and '.' only, found '\(name)'")
        }
        let path = try requiredText("path", "name the backend's .so file")
        var config: [String: String] = [:]
        if let node = root["config"] {
            switch node.value {
            case .mapping(let pairs):
                for pair in pairs {
                    guard let value = pair.value.scalar else {
                        throw ConfigError(
                            file: file, line: pair.value.line,
                            "config key '\(pair.key)' must be a single value, found \(pair.value.kind)")
                    }
                    config[pair.key] = value
                }
            case .scalar(""): break
            default:
                throw ConfigError(file: file, line: node.line, "'config' must be a mapping of keys, found \(node.kind)")
            }
        }
        return BackendConfigFile(
            name: name, libraryPath: FileSystem.resolve(path, against: FileSystem.folder(of: file)),
            config: config, file: file)
    }
}
