#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sprig 3.2.3's text functions (`sprig.TxtFuncMap()`), the ones notification
/// formats use, with sprig's own conversions: most take `interface {}` and
/// convert (`int`, `add`, `toString`), strings are Go byte strings.
public enum Sprig {
    /// Where `env` and `expandenv` read variables: the process environment by default.
    public typealias Environment = @Sendable (String) -> String?

    /// The process environment.
    public static let processEnvironment: Environment = { name in getenv(name).map { String(cString: $0) } }

    /// Every sprig function name, implemented or not, so that a format using one
    /// Warden lacks is told so rather than "not defined".
    static let allNames: Set<String> = [
        "hello", "ago", "date", "date_in_zone", "date_modify", "dateInZone", "dateModify", "duration", "durationRound", "htmlDate",
        "htmlDateInZone", "must_date_modify", "mustDateModify", "mustToDate", "now", "toDate", "unixEpoch", "abbrev", "abbrevboth",
        "trunc", "trim", "upper", "lower", "title", "untitle", "substr", "repeat", "trimall", "trimAll", "trimSuffix", "trimPrefix",
        "nospace", "initials", "randAlphaNum", "randAlpha", "randAscii", "randNumeric", "swapcase", "shuffle", "snakecase",
        "camelcase", "kebabcase", "wrap", "wrapWith", "contains", "hasPrefix", "hasSuffix", "quote", "squote", "cat", "indent",
        "nindent", "replace", "plural", "sha1sum", "sha256sum", "adler32sum", "toString", "atoi", "int64", "int", "float64", "seq",
        "toDecimal", "split", "splitList", "splitn", "toStrings", "until", "untilStep", "add1", "add", "sub", "div", "mod", "mul",
        "randInt", "add1f", "addf", "subf", "divf", "mulf", "biggest", "max", "min", "maxf", "minf", "ceil", "floor", "round", "join",
        "sortAlpha", "default", "empty", "coalesce", "all", "any", "compact", "mustCompact", "fromJson", "toJson", "toPrettyJson",
        "toRawJson", "mustFromJson", "mustToJson", "mustToPrettyJson", "mustToRawJson", "ternary", "deepCopy", "mustDeepCopy",
        "typeOf", "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual", "env", "expandenv", "getHostByName", "base", "dir", "clean",
        "ext", "isAbs", "osBase", "osClean", "osDir", "osExt", "osIsAbs", "b64enc", "b64dec", "b32enc", "b32dec", "tuple", "list",
        "dict", "get", "set", "unset", "hasKey", "pluck", "keys", "pick", "omit", "merge", "mergeOverwrite", "mustMerge",
        "mustMergeOverwrite", "values", "append", "mustAppend", "prepend", "mustPrepend", "first", "mustFirst", "rest", "mustRest",
        "last", "mustLast", "initial", "mustInitial", "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout", "has",
        "mustHas", "slice", "mustSlice", "concat", "dig", "chunk", "mustChunk", "bcrypt", "htpasswd", "genPrivateKey",
        "derivePassword", "buildCustomCert", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
        "genSignedCert", "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes", "uuidv4", "semver", "semverCompare", "fail",
        "regexMatch", "mustRegexMatch", "regexFindAll", "mustRegexFindAll", "regexFind", "mustRegexFind", "regexReplaceAll",
        "mustRegexReplaceAll", "regexReplaceAllLiteral", "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit",
        "regexQuoteMeta", "urlParse", "urlJoin",
    ]

    static let stringList = GoType.slice(.string)
    static let anyMap = GoType.map(.interface)

    /// The implemented functions; `environment` answers `env` and `expandenv`.
    public static func functions(environment: @escaping Environment = processEnvironment) -> [String: TemplateFunction] {
        [stringFunctions(environment: environment), numberFunctions(), logicFunctions(), jsonFunctions(), listFunctions(), dateFunctions()]
            .reduce(into: [:]) { all, part in all.merge(part) { $1 } }
    }
}
