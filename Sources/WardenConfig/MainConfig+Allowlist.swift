extension MainConfig {
    /// Reads `allowlist.file` from the main config's root: the file resolved against
    /// the config's folder, or `allowlist` in that folder when the key is absent.
    /// - Throws: ``ConfigError`` naming the file, the line and the key.
    static func allowlistFile(_ root: YAMLNode, base: String, file: String) throws(ConfigError) -> String {
        let fallback = FileSystem.join(base, "allowlist")
        guard let section = root["allowlist"] else { return fallback }
        guard case .mapping = section.value else {
            throw ConfigError(file: file, line: section.line, "'allowlist' must be a mapping, found \(section.kind)")
        }
        guard let node = section["file"] else { return fallback }
        guard let text = node.scalar, !text.isEmpty else {
            throw ConfigError(file: file, line: node.line, "'allowlist.file' must name a file")
        }
        return FileSystem.resolve(text, against: base)
    }
}
