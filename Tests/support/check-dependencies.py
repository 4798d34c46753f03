#!/usr/bin/env python3
"""Check Warden's module dependencies: what Package.swift declares, and what the sources import.

Run it from anywhere (it checks the package it sits in); CI runs, from the repository root:

    python3 Tests/support/check-dependencies.py               # check this tree
    python3 Tests/support/check-dependencies.py --self-test   # check the checker on synthetic packages

It exits 0 when every rule holds, 1 otherwise, printing one line per problem in the form
"where: what failed: why; what to do", then "dependency check: N targets, M files, K problems".

Package.swift is read, not run: every `.target(`, `.executableTarget(`, `.testTarget(` and
`.systemLibrary(` call gives a target's `name:`, optional `path:` (else Sources/<name>, or
Tests/<name> for a test target) and `dependencies: [...]`, which must be a literal array of
"Name" (a target of this package), `.target(name:)`, `.byName(name:)` or
`.product(name:package:)` (an external product). Every other argument is ignored.

The rules:

1. Declared imports. Every `import` of every .swift file of a target (with any attributes and
   modifiers, `import struct M.T`, inside `#if` blocks too; not in comments or strings) names a
   standard module (STANDARD_MODULES), the target itself, a target of this package that its
   `dependencies:` name directly, or a module of a product they name (PRODUCT_MODULES).
2. Layers. Each target other than tests and backends has a layer in LAYERS (system libraries
   default to layer 0) and depends on, or imports, only targets of a strictly lower layer, but
   for the pairs in SAME_LAYER_ALLOWED.
3. Backends (targets under Backends/) depend on, or import, only BACKEND_MAY_USE and C targets
   (system libraries, and targets with no Swift source): a backend is loaded into any host
   through the C ABI.
4. Nothing above the store uses the loader: no target of a layer above STORE's, but for
   LOADER_EXCEPTIONS, depends on or imports LOADER.
5. NIO and Foundation never reach the CLI: no target that CLI_ROOTS link (their in-package
   dependencies, transitively) depends on a product of CLI_FORBIDDEN_PACKAGES (but for
   CLI_ALLOWED_PRODUCTS), or has a file importing CLI_FORBIDDEN_MODULES or a module whose name
   starts with CLI_FORBIDDEN_MODULE_PREFIX.

Test targets obey rule 1 only.
"""

import bisect
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field

SCRIPT = "Tests/support/check-dependencies.py"
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Each non-test, non-backend target's layer: a target may depend only on targets of a lower
# layer. Edit freely; an entry whose target does not exist (yet) is fine, a target with no
# entry is a problem. System libraries need no entry (layer 0).
LAYERS = {
    # 0: C, and the pure Swift engines that import no Warden module.
    "CWardenBackend": 0,
    "CYAML": 0,
    "CSQLite": 0,
    "CMariaDB": 0,
    "WardenTemplate": 0,
    "WardenExpr": 0,
    "WardenMetricNames": 0,
    # 1: what both sides of the backend ABI share.
    "WardenBasics": 1,
    # 2: domain values, the wire alert model, the backend SDK, metrics.
    "WardenModel": 2,
    "WardenAlerts": 2,
    "WardenBackendKit": 2,
    "WardenMetrics": 2,
    # 3: configuration files, the decision index.
    "WardenConfig": 3,
    "WardenDecisions": 3,
    # 4: the loader, and the daemon's and CLI's domain services.
    "WardenBackendHost": 4,
    "WardenBouncers": 4,
    "WardenMachines": 4,
    "WardenAllowlist": 4,
    "WardenProfiles": 4,
    "WardenCertificates": 4,
    "WardenNotify": 4,
    # 5: every backend as one store.
    "WardenStore": 5,
    # 6: the engine over the store.
    "WardenEngine": 6,
    # 7: the faces: Local API, command line, conformance suite, benchmark.
    "WardenAPI": 7,
    "WardenCLI": 7,
    "WardenTesting": 7,
    "WardenBench": 7,
    "WardenTestSupport": 7,  # helpers of the test targets (C fixtures, a private MariaDB)
    # 8: composition roots.
    "WardenDaemon": 8,
    "warden": 8,
    # 9: the daemon executable.
    "warden-daemon": 9,
}

# (user, used) pairs of the same layer that may depend on each other anyway.
SAME_LAYER_ALLOWED = {
    ("WardenBench", "WardenTesting"),  # the benchmark drives backends through the conformance suite's host
}

# Rule 4: the loader, the store above it, and who above the store may still use the loader.
LOADER = "WardenBackendHost"
STORE = "WardenStore"
LOADER_EXCEPTIONS = {
    "WardenTesting",  # the conformance suite loads the backend under test itself
    "WardenBench",  # the benchmark times the loader against raw C
}

# Rule 3: what a backend may use besides C targets.
BACKEND_FOLDER = "Backends/"
BACKEND_MAY_USE = {"WardenBackendKit"}

# Modules any target may import without declaring anything.
STANDARD_MODULES = {
    "Swift", "Glibc", "Musl", "Darwin", "Foundation", "FoundationEssentials", "Dispatch", "XCTest",
    "Synchronization", "_Concurrency", "os", "Observation", "Testing",
}

# External products: their package, and the modules they make importable (their own, and any a
# product re-exports whole). A declared product missing here provides the module of its name.
PRODUCT_MODULES = {
    "ArgumentParser": ("swift-argument-parser", {"ArgumentParser"}),
    "CompressNIO": ("compress-nio", {"CompressNIO"}),
    "CoreMetrics": ("swift-metrics", {"CoreMetrics"}),
    "Crypto": ("swift-crypto", {"Crypto"}),
    "GRPCCore": ("grpc-swift-2", {"GRPCCore"}),
    "GRPCNIOTransportHTTP2Posix": ("grpc-swift-nio-transport", {"GRPCNIOTransportHTTP2Posix"}),
    "HTTPTypes": ("swift-http-types", {"HTTPTypes"}),
    "Hummingbird": ("hummingbird", {"Hummingbird"}),
    "HummingbirdBcrypt": ("hummingbird-auth", {"HummingbirdBcrypt"}),
    "HummingbirdCore": ("hummingbird", {"HummingbirdCore"}),
    "HummingbirdTesting": ("hummingbird", {"HummingbirdTesting"}),
    "HummingbirdTLS": ("hummingbird", {"HummingbirdTLS"}),
    "Logging": ("swift-log", {"Logging"}),
    "NIOCore": ("swift-nio", {"NIOCore"}),
    "NIOSSL": ("swift-nio-ssl", {"NIOSSL"}),
    "Prometheus": ("swift-prometheus", {"Prometheus"}),
    "ServiceLifecycle": ("swift-service-lifecycle", {"ServiceLifecycle"}),
    "UnixSignals": ("swift-service-lifecycle", {"UnixSignals"}),
    "X509": ("swift-certificates", {"X509"}),
    "SwiftASN1": ("swift-asn1", {"SwiftASN1"}),
}

# Rule 5: the command line's targets, and what must not reach them.
CLI_ROOTS = ("warden", "WardenCLI")
CLI_FORBIDDEN_PACKAGES = {
    "swift-nio", "swift-nio-ssl", "hummingbird", "hummingbird-auth", "grpc-swift-2",
    "grpc-swift-nio-transport", "compress-nio", "swift-service-lifecycle", "swift-prometheus",
    "swift-http-types", "swift-certificates", "swift-asn1",
}
CLI_ALLOWED_PRODUCTS = {"HummingbirdBcrypt"}  # C bcrypt, nothing else
CLI_FORBIDDEN_MODULES = {"Foundation", "FoundationEssentials", "FoundationNetworking"}
CLI_FORBIDDEN_MODULE_PREFIX = "NIO"

TARGET_KINDS = ("target", "executableTarget", "testTarget", "systemLibrary")


# --- Reading Swift text -------------------------------------------------------------------

_CODE_TOKEN = re.compile(r'//|/\*|(#*)("""|")')
_CODE_TOKEN_IN_INTERPOLATION = re.compile(r'//|/\*|(#*)("""|")|[()]')
_BLOCK_COMMENT_TOKEN = re.compile(r"/\*|\*/")
_NOT_NEWLINE = re.compile(r"[^\n]")
_string_tokens = {}


def _string_token(hashes, triple):
    """The regex for what matters inside a string: escapes, interpolations, its end."""
    key = (hashes, triple)
    if key not in _string_tokens:
        escape = re.escape("\\" + "#" * hashes)
        close = re.escape(('"""' if triple else '"') + "#" * hashes)
        _string_tokens[key] = re.compile(escape + r"\(|" + escape + r"[\s\S]|" + close + ("" if triple else r"|\n"))
    return _string_tokens[key]


def mask_swift(text):
    """Blank Swift comments and string contents, keeping offsets and newlines.

    Returns (code, strings): `code` is `text` with every comment and the contents of every
    string literal replaced by spaces (quotes, interpolated code and newlines stay), and
    `strings` maps the offset of each uninterpolated literal's opening quote to its raw content.
    """
    blanks = []
    strings = {}

    def block_comment_end(pos):
        depth = 1
        while depth:
            m = _BLOCK_COMMENT_TOKEN.search(text, pos)
            if not m:
                return len(text)
            depth += 1 if m.group() == "/*" else -1
            pos = m.end()
        return pos

    def scan_string(quote, hashes, triple):
        content = pos = quote + (3 if triple else 1)
        token = _string_token(hashes, triple)
        interpolated = False
        while True:
            m = token.search(text, pos)
            if not m:
                blanks.append((content, len(text)))
                return len(text)
            if m.group().endswith("("):
                blanks.append((content, m.start()))
                interpolated = True
                content = pos = scan_code(m.end(), nested=True)
            elif m.group().startswith("\\"):
                pos = m.end()
            else:
                blanks.append((content, m.start()))
                if m.group() == "\n":
                    return m.start()  # unterminated: Swift ends single-line strings here
                if not interpolated:
                    strings[quote] = text[quote + (3 if triple else 1) : m.start()]
                return m.end()

    def scan_code(pos, nested):
        depth = 0
        token = _CODE_TOKEN_IN_INTERPOLATION if nested else _CODE_TOKEN
        while True:
            m = token.search(text, pos)
            if not m:
                return len(text)
            t = m.group()
            if t == "//":
                end = text.find("\n", m.start())
                pos = len(text) if end < 0 else end
                blanks.append((m.start(), pos))
            elif t == "/*":
                pos = block_comment_end(m.end())
                blanks.append((m.start(), pos))
            elif t == "(":
                depth += 1
                pos = m.end()
            elif t == ")":
                if depth == 0:
                    return m.end()
                depth -= 1
                pos = m.end()
            else:
                pos = scan_string(m.start(2), len(m.group(1)), m.group(2) == '"""')

    scan_code(0, nested=False)
    pieces, last = [], 0
    for start, end in blanks:
        blank = text[start:end]
        pieces.append(text[last:start])
        pieces.append(_NOT_NEWLINE.sub(" ", blank) if "\n" in blank else " " * len(blank))
        last = end
    pieces.append(text[last:])
    return "".join(pieces), strings


class Lines:
    """Line numbers of offsets in a text."""

    def __init__(self, text):
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def of(self, offset):
        return bisect.bisect_left(self.newlines, offset) + 1


# An import declaration: `import`, an optional kind, the module; before it on its line, only
# attributes (`@testable`, `@_documentation(visibility: internal)`) and an access modifier.
_IMPORT = re.compile(
    r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func|actor|macro)\s+)?([A-Za-z_]\w*)"
)
_IMPORT_PREFIX = re.compile(
    r"[ \t]*(?:@\w+(?:\([^)\n]*\))?[ \t]+)*(?:(?:public|package|internal|fileprivate|private|open)[ \t]+)?"
)


def swift_imports(text):
    """The modules a Swift file imports, as (module, line) pairs."""
    code, _ = mask_swift(text)
    imports = []
    for m in _IMPORT.finditer(code):
        line_start = code.rfind("\n", 0, m.start()) + 1
        if _IMPORT_PREFIX.fullmatch(code, line_start, m.start()):
            imports.append((m.group(1), code.count("\n", 0, line_start) + 1))
    return imports


# --- Reading Package.swift ------------------------------------------------------------------


class PackageError(Exception):
    """Package.swift says something this script cannot read."""


@dataclass
class Dependency:
    name: str
    package: str | None  # None: a target of this package
    line: int


@dataclass
class Target:
    name: str
    kind: str
    path: str
    line: int
    dependencies: list
    files: dict = field(default_factory=dict)  # relative path -> [(module, line)]

    @property
    def module(self):
        return self.name.replace("-", "_")

    @property
    def is_test(self):
        return self.kind == "testTarget"

    @property
    def is_backend(self):
        return self.path.startswith(BACKEND_FOLDER)

    @property
    def is_c(self):
        return self.kind == "systemLibrary" or not self.files

    def in_package_dependencies(self):
        return [d for d in self.dependencies if d.package is None]


_TARGET_CALL = re.compile(r"\.(" + "|".join(TARGET_KINDS) + r")\s*\(")
_BRACKET = re.compile(r"[()\[\]{}]")
_BRACKET_OR_COMMA = re.compile(r"[()\[\]{},]")
_LABEL = re.compile(r"\s*(\w+)\s*:")
_LITERAL = re.compile(r'\s*(#*)"[^"\n]*"\1\s*')
_DEPENDENCY_CALL = re.compile(r"\s*\.(product|target|byName)\s*\(")


class PackageReader:
    """Targets out of Package.swift's text: masked code, literals, line numbers."""

    def __init__(self, text):
        self.code, self.strings = mask_swift(text)
        self.lines = Lines(text)

    def start(self, s, e):
        """Where the code in code[s:e] starts, past blanks."""
        return e - len(self.code[s:e].lstrip())

    def closing(self, open_at):
        depth = 0
        for m in _BRACKET.finditer(self.code, open_at):
            depth += 1 if m.group() in "([{" else -1
            if depth == 0:
                return m.start()
        raise PackageError(f"Package.swift:{self.lines.of(open_at)}: unbalanced brackets")

    def items(self, start, end):
        """The comma-separated items of code[start:end], as (start, end) spans, blanks dropped."""
        spans, depth, item = [], 0, start
        for m in _BRACKET_OR_COMMA.finditer(self.code, start, end):
            c = m.group()
            if c == "," and depth == 0:
                spans.append((item, m.start()))
                item = m.end()
            elif c != ",":
                depth += 1 if c in "([{" else -1
        spans.append((item, end))
        return [(s, e) for s, e in spans if self.code[s:e].strip()]

    def arguments(self, open_paren):
        """A call's labelled arguments: label -> (value start, value end)."""
        args = {}
        for s, e in self.items(open_paren + 1, self.closing(open_paren)):
            m = _LABEL.match(self.code, s, e)
            if m:
                args[m.group(1)] = (m.end(), e)
        return args

    def literal(self, span, what):
        s, e = span
        m = _LITERAL.fullmatch(self.code, s, e)
        value = self.strings.get(self.start(s, e) + len(m.group(1))) if m else None
        if value is None:
            line = self.lines.of(self.start(s, e))
            raise PackageError(f"Package.swift:{line}: {what} is not a plain string literal; write it as one")
        return value

    def dependency(self, span, target):
        s, e = span
        line = self.lines.of(self.start(s, e))
        if _LITERAL.fullmatch(self.code, s, e):
            return Dependency(self.literal(span, "a dependency"), None, line)
        m = _DEPENDENCY_CALL.match(self.code, s, e)
        if not m:
            raise PackageError(
                f"Package.swift:{line}: cannot read a dependency of {target}: it is none of \"Name\", "
                f".target(name:), .byName(name:), .product(name:package:); write it as one of those"
            )
        args = self.arguments(m.end() - 1)
        labels = ("name", "package") if m.group(1) == "product" else ("name",)
        missing = [label for label in labels if label not in args]
        if missing:
            raise PackageError(
                f"Package.swift:{line}: a .{m.group(1)}( dependency of {target} has no {missing[0]}:; give it one"
            )
        package = self.literal(args["package"], f"a package of {target}") if "package" in labels else None
        return Dependency(self.literal(args["name"], f"a dependency name of {target}"), package, line)

    def target(self, kind, open_paren):
        line = self.lines.of(open_paren)
        args = self.arguments(open_paren)
        if "name" not in args:
            raise PackageError(f"Package.swift:{line}: a .{kind}( has no name:; give it one")
        name = self.literal(args["name"], "a target name")
        default_folder = "Tests" if kind == "testTarget" else "Sources"
        path = self.literal(args["path"], f"the path of {name}") if "path" in args else f"{default_folder}/{name}"
        dependencies = []
        if "dependencies" in args:
            start = self.start(*args["dependencies"])
            end = self.closing(start) if self.code[start] == "[" else None
            if end is None or self.code[end + 1 : args["dependencies"][1]].strip():
                raise PackageError(
                    f"Package.swift:{self.lines.of(start)}: the dependencies of {name} are not a literal array; "
                    f"write them as [...] in the target itself"
                )
            dependencies = [self.dependency(item, name) for item in self.items(start + 1, end)]
        return Target(name, kind, path.rstrip("/"), line, dependencies)

    def targets(self):
        found, after = [], 0
        for m in _TARGET_CALL.finditer(self.code):
            if m.start() < after:
                continue  # a .target(name:) dependency inside the previous target
            found.append(self.target(m.group(1), m.end() - 1))
            after = self.closing(m.end() - 1)
        return found


def read_package(root):
    """The targets of root/Package.swift, each with its Swift files' imports."""
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as f:
        targets = PackageReader(f.read()).targets()
    for target in targets:
        folder = os.path.join(root, target.path)
        for directory, subdirectories, names in os.walk(folder):
            subdirectories.sort()
            for name in sorted(names):
                if name.endswith(".swift"):
                    path = os.path.join(directory, name)
                    with open(path, encoding="utf-8") as f:
                        target.files[os.path.relpath(path, root)] = swift_imports(f.read())
    return targets


# --- The rules ----------------------------------------------------------------------------


class Package:
    """Targets by name and by module, and the layers they are checked against."""

    def __init__(self, targets, layers):
        self.targets = targets
        self.layers = layers
        self.by_name = {t.name: t for t in targets}
        self.by_module = {t.module: t for t in targets}

    def layer(self, target):
        return self.layers.get(target.name, 0 if target.kind == "systemLibrary" else None)


def forbidden(package, user, used):
    """Why `user` may not use in-package target `used`, as "why; what to do", or None."""
    if user.is_test:
        return None
    if user.is_backend:
        if used.is_c or used.name in BACKEND_MAY_USE:
            return None
        allowed = " and ".join(sorted(BACKEND_MAY_USE))
        return (
            f"a backend may use only {allowed} and C targets, since it is loaded into any host through the C ABI; "
            f"use what {allowed} offers"
        )
    user_layer, used_layer = package.layer(user), package.layer(used)
    store_layer = package.layers.get(STORE)
    if used.name == LOADER and user.name not in LOADER_EXCEPTIONS and None not in (user_layer, store_layer):
        if user_layer > store_layer:
            return f"nothing above the store (layer {store_layer}) uses the loader; use what {STORE} offers"
    if None in (user_layer, used_layer) or used_layer < user_layer or (user.name, used.name) in SAME_LAYER_ALLOWED:
        return None
    return (
        f"{used.name} is at layer {used_layer}, not below {user.name}'s layer {user_layer}; move what {user.name} "
        f"needs down a layer, or change LAYERS in {SCRIPT} if the layering itself should change"
    )


def check_layers(package):
    for t in package.targets:
        if not t.is_test and not t.is_backend and package.layer(t) is None:
            yield f"Package.swift:{t.line}: target {t.name} has no layer: add it to LAYERS in {SCRIPT}"


def check_folders(package, root):
    for t in package.targets:
        if not os.path.isdir(os.path.join(root, t.path)):
            yield (
                f"Package.swift:{t.line}: target {t.name} has no folder {t.path}: "
                f"create it, or give the target its path:"
            )


def imported_at(target, module):
    """Where `target`'s files import `module`, as " (imported at file:line and N more places)", or ""."""
    places = [f"{path}:{line}" for path, imports in target.files.items() for m, line in imports if m == module]
    if not places:
        return ""
    more = f" and {len(places) - 1} more places" if len(places) > 1 else ""
    return f" (imported at {places[0]}{more})"


def check_declared_dependencies(package):
    for user in package.targets:
        for dep in user.in_package_dependencies():
            used = package.by_name.get(dep.name)
            if used is None:
                yield (
                    f"Package.swift:{dep.line}: {user.name} depends on \"{dep.name}\", which is no target of this "
                    f"package; fix the name, or write .product(name: \"{dep.name}\", package: ...) for an "
                    f"external product"
                )
                continue
            why = forbidden(package, user, used)
            if why:
                where = imported_at(user, used.module)
                yield f"Package.swift:{dep.line}: {user.name} depends on {used.name}{where}: {why}"


def external_modules(target):
    """The modules the external products `target` declares make importable."""
    modules = set()
    for dep in target.dependencies:
        if dep.package is not None:
            modules |= PRODUCT_MODULES.get(dep.name, (dep.package, {dep.name}))[1]
    return modules


def product_of(module):
    """The known (product, package) providing `module`, or None."""
    for product, (package, modules) in sorted(PRODUCT_MODULES.items()):
        if module in modules:
            return product, package
    return None


def undeclared(package, target, module, declared, available):
    """Why importing `module` in `target` is a problem, as "what failed: why; what to do", or None."""
    if module in STANDARD_MODULES or module == target.module or module in available:
        return None
    used = package.by_module.get(module)
    if used is not None:
        if used.name in declared:
            return None
        why = forbidden(package, target, used)
        failure = f"{target.name} imports {used.name}, which its dependencies in Package.swift do not declare"
        return f"{failure}, nor may they: {why}" if why else f"{failure}; declare it or remove the import"
    known = product_of(module)
    if known:
        product, origin = known
        return (
            f"{target.name} imports {module}, from product {product} of package {origin}, which its dependencies in "
            f"Package.swift do not declare; declare .product(name: \"{product}\", package: \"{origin}\") (adding the "
            f"package if needed) or remove the import"
        )
    return (
        f"{target.name} imports {module}, which is no target of this package, no standard module, and no module of a "
        f"product it declares; declare the product that provides it (listing it in PRODUCT_MODULES in {SCRIPT} if "
        f"its modules are not named after it) or remove the import"
    )


def check_imports(package):
    for target in package.targets:
        declared = {d.name for d in target.in_package_dependencies()}
        available = external_modules(target)
        for path, imports in target.files.items():
            for module, line in imports:
                problem = undeclared(package, target, module, declared, available)
                if problem:
                    yield f"{path}:{line}: {problem}"


def chains_from(package, root):
    """Every target `root` links, with the shortest chain of dependencies from `root` to it."""
    chains, queue = {root.name: [root.name]}, [root]
    for target in queue:
        for dep in target.in_package_dependencies():
            used = package.by_name.get(dep.name)
            if used is not None and used.name not in chains:
                chains[used.name] = chains[target.name] + [used.name]
                queue.append(used)
    return chains


def reaches_cli(module):
    """What `module` brings into the CLI ("Foundation", "NIO"), or None."""
    if module in CLI_FORBIDDEN_MODULES:
        return "Foundation"
    return "NIO" if module.startswith(CLI_FORBIDDEN_MODULE_PREFIX) else None


def check_cli(package):
    todo = "move that code to a target only the daemon links, or do without it"
    reported = set()
    for root_name in CLI_ROOTS:
        root = package.by_name.get(root_name)
        if root is None:
            yield f"Package.swift: the CLI target {root_name} does not exist: update CLI_ROOTS in {SCRIPT}"
            continue
        for name, chain in chains_from(package, root).items():
            target, route = package.by_name[name], " → ".join(chain)
            for dep in target.dependencies:
                nio = dep.package in CLI_FORBIDDEN_PACKAGES and dep.name not in CLI_ALLOWED_PRODUCTS
                if nio and (name, dep.name) not in reported:
                    reported.add((name, dep.name))
                    yield (
                        f"Package.swift:{dep.line}: {route}: NIO reaches the CLI, as {name} depends on product "
                        f"{dep.name} of package {dep.package}; {todo}"
                    )
            for path, imports in target.files.items():
                for module, line in imports:
                    what = reaches_cli(module)
                    if what and (path, line) not in reported:
                        reported.add((path, line))
                        yield f"{path}:{line}: {route}: {what} reaches the CLI, as {name} imports {module}; {todo}"


def check(root, layers):
    """All problems of the package at `root`: (targets, number of files, problems)."""
    try:
        targets = read_package(root)
    except PackageError as error:
        return [], 0, [str(error)]
    except (OSError, UnicodeDecodeError) as error:
        where = getattr(error, "filename", None) or root
        return [], 0, [f"{where}: cannot read it: {error}; keep this script in {SCRIPT} of the package"]
    package = Package(targets, layers)
    problems = []
    for rule in (check_folders(package, root), check_layers(package), check_declared_dependencies(package),
                 check_imports(package), check_cli(package)):
        problems.extend(rule)
    return targets, sum(len(t.files) for t in targets), problems


# --- Self-test ----------------------------------------------------------------------------

# The layers of the synthetic package, fixed so that editing LAYERS never breaks the self-test.
SELF_TEST_LAYERS = {
    "CLib": 0,
    "WardenBasics": 1,
    "WardenModel": 2,
    "WardenBackendKit": 2,
    "WardenBackendHost": 3,
    "WardenStore": 4,
    "WardenEngine": 5,  # no such target: fine
    "WardenAPI": 6,
    "WardenCLI": 6,
    "warden": 7,
}

SELF_TEST_PACKAGE = """\
// swift-tools-version: 6.1
import PackageDescription

let flags = ["-Xlinker", "-z"]  // a comment with .target(name: "Nope")

let package = Package(
    name: "Synthetic",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLib", pkgConfig: "lib", providers: [.apt(["libdev"])]),
        .target(name: "WardenBasics", dependencies: ["CLib"]),
        /* .target(name: "Commented", dependencies: ["WardenAPI"]), */
        .target(
            name: "WardenModel",
            dependencies: [
                "WardenBasics",  // values
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.define("MODEL")],
            linkerSettings: [.unsafeFlags(flags + ["-L", "lib(1)"])]
        ),
        .target(name: "WardenBackendKit", dependencies: [.target(name: "WardenBasics")]),
        .target(name: "WardenBackendHost", dependencies: ["WardenModel", "CLib"]),
        .target(name: "WardenStore", dependencies: ["WardenModel", "WardenBackendHost"]),
        .target(
            name: "WardenAPI",
            dependencies: ["WardenStore", "WardenModel", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "WardenCLI",
            dependencies: [
                "WardenModel", "WardenStore",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .executableTarget(name: "warden", dependencies: ["WardenCLI"], linkerSettings: [.unsafeFlags(flags)]),
        .target(name: "DummyBackend", dependencies: ["WardenBackendKit", "CLib"], path: "Backends/dummy/Sources"),
        .testTarget(name: "WardenCLITests", dependencies: ["WardenCLI", "WardenBackendHost"]),
    ]
)
"""

SELF_TEST_FILES = {
    "Sources/CLib/module.modulemap": 'module CLib [system] { header "shim.h" }\n',
    "Sources/WardenBasics/Duration.swift": "#if canImport(Glibc)\n    import Glibc\n#elseif canImport(Darwin)\n"
    "    import Darwin\n#endif\nimport CLib\n",
    "Sources/WardenModel/Ban.swift": '@preconcurrency import WardenBasics\npublic import Logging\n'
    '// import Foundation\n/* import NIOCore /* nested */ import Foundation */\n'
    'let help = """\n    import  Bogus lines of a help text\n    \\(1 + ("a" == "b" ? 1 : 2)) \n    """\n'
    'let raw = #"""\nimport Bogus "quoted" \\(not interpolated)\n"""#\n',
    "Sources/WardenBackendKit/Kit.swift": "import struct WardenBasics.Duration\n",
    "Sources/WardenBackendHost/Loader.swift": "import CLib\nimport WardenModel\n",
    "Sources/WardenStore/Store.swift": "@_exported @_documentation(visibility: internal) import WardenModel\n"
    "internal import WardenBackendHost\n",
    "Sources/WardenAPI/Routes.swift": "import FoundationEssentials\nimport Hummingbird\nimport WardenStore\n",
    "Sources/WardenCLI/Main.swift": "import HummingbirdBcrypt\nimport WardenModel\npackage import WardenStore\n",
    "Sources/warden/main.swift": "import WardenCLI\n",
    "Backends/dummy/Sources/Dummy.swift": "import CLib\nimport WardenBackendKit\n",
    "Tests/WardenCLITests/CLITests.swift": "import Foundation\nimport XCTest\nimport WardenBackendHost\n"
    "@testable import WardenCLI\n",
}

# (case, what the one problem expected must contain, or None for none; edits of Package.swift
# as (old, new); files to add or replace).
SELF_TEST_CASES = [
    ("a clean package passes", None, [], {}),
    (
        "undeclared import of a target",
        "WardenCLI imports WardenBasics, which its dependencies in Package.swift do not declare; declare it",
        [],
        {"Sources/WardenCLI/Extra.swift": "import WardenBasics\n"},
    ),
    (
        "undeclared import of a product",
        'WardenBasics imports Logging, from product Logging of package swift-log',
        [],
        {"Sources/WardenBasics/Log.swift": "import Logging\n"},
    ),
    (
        "import of an unknown module",
        "WardenModel imports Bogus, which is no target of this package",
        [],
        {"Sources/WardenModel/Bogus.swift": "@testable import Bogus\n"},
    ),
    (
        "upward dependency",
        "WardenBasics depends on WardenModel: WardenModel is at layer 2, not below WardenBasics's layer 1",
        [('.target(name: "WardenBasics", dependencies: ["CLib"])',
          '.target(name: "WardenBasics", dependencies: ["CLib", "WardenModel"])')],
        {},
    ),
    (
        "missing layer",
        "target WardenExtra has no layer: add it to LAYERS",
        [("        .testTarget(", '        .target(name: "WardenExtra"),\n        .testTarget(')],
        {"Sources/WardenExtra/Extra.swift": "import Glibc\n"},
    ),
    (
        "backend depending on a host module",
        "DummyBackend depends on WardenBackendHost: a backend may use only WardenBackendKit and C targets",
        [('["WardenBackendKit", "CLib"], path:', '["WardenBackendKit", "CLib", "WardenBackendHost"], path:')],
        {},
    ),
    (
        "loader declared above the store",
        "WardenAPI depends on WardenBackendHost (imported at Sources/WardenAPI/Host.swift:1): nothing above the store",
        [('["WardenStore", "WardenModel",', '["WardenStore", "WardenModel", "WardenBackendHost",')],
        {"Sources/WardenAPI/Host.swift": "import WardenBackendHost\n"},
    ),
    (
        "loader imported above the store",
        "WardenAPI imports WardenBackendHost, which its dependencies in Package.swift do not declare, nor may they: "
        "nothing above the store",
        [],
        {"Sources/WardenAPI/Host.swift": "import WardenBackendHost\n"},
    ),
    (
        "Foundation in the CLI closure",
        "Sources/WardenModel/Text.swift:2: warden → WardenCLI → WardenModel: Foundation reaches the CLI",
        [],
        {"Sources/WardenModel/Text.swift": "import Glibc\n  import FoundationEssentials\n"},
    ),
    (
        "NIO product in the CLI closure",
        "warden → WardenCLI → WardenStore: NIO reaches the CLI, as WardenStore depends on product NIOCore of "
        "package swift-nio",
        [('dependencies: ["WardenModel", "WardenBackendHost"]',
          'dependencies: ["WardenModel", "WardenBackendHost", .product(name: "NIOCore", package: "swift-nio")]')],
        {},
    ),
]


def run_case(package_text, files, expected):
    """Whether the synthetic package gives exactly the expected problem; and the problems."""
    with tempfile.TemporaryDirectory() as root:
        for path, text in {"Package.swift": package_text, **files}.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(text)
        _, _, problems = check(root, SELF_TEST_LAYERS)
    if expected is None:
        return not problems, problems
    return len(problems) == 1 and expected in problems[0], problems


def self_test():
    failures = 0
    for name, expected, edits, files in SELF_TEST_CASES:
        package_text = SELF_TEST_PACKAGE
        for old, new in edits:
            if package_text.count(old) != 1:
                raise SystemExit(f"self-test case {name!r}: {old!r} is not once in the synthetic Package.swift")
            package_text = package_text.replace(old, new)
        ok, problems = run_case(package_text, {**SELF_TEST_FILES, **files}, expected)
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        if not ok:
            failures += 1
            wanted = "no problem" if expected is None else f"one problem containing {expected!r}"
            print(f"     wanted {wanted}, got {len(problems)}:" + "".join(f"\n       {p}" for p in problems))
    print(f"dependency check self-test: {len(SELF_TEST_CASES)} cases, {failures} wrong")
    return 1 if failures else 0


def main(arguments):
    if arguments == ["--self-test"]:
        return self_test()
    if arguments:
        print(f"usage: python3 {SCRIPT} [--self-test]", file=sys.stderr)
        return 2
    targets, files, problems = check(PACKAGE_ROOT, LAYERS)
    for problem in problems:
        print(problem)
    print(f"dependency check: {len(targets)} targets, {files} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
