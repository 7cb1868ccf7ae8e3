import Foundation
import Testing

/// ARCHITECTURE.md's table of what each module may import, checked against every Swift file under Sources/.
@Suite("ARCHITECTURE.md imports")
struct DealArchitectureImportTests {
    /// The platform's modules, which ARCHITECTURE.md allows everywhere.
    static let platformModules: Set<String> = [
        "Foundation", "FoundationEssentials", "Dispatch", "Synchronization", "Darwin", "Glibc",
    ]

    /// The table's rows: module name to the modules it may import, besides the platform's.
    static func allowedImports() throws -> [String: Set<String>] {
        let text = try String(
            contentsOf: DeployPaths.repositoryRoot.appendingPathComponent("ARCHITECTURE.md"),
            encoding: .utf8
        )
        guard let heading = text.range(of: "## Modules and what each may import") else {
            throw DeployTestError("ARCHITECTURE.md has no \"## Modules and what each may import\" section")
        }
        var table: [String: Set<String>] = [:]
        let section = text[heading.upperBound...]
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            // | `Module` | `A`, `B` | job |  splits into ["", module, imports, job, ""].
            guard cells.count >= 4, cells[1].hasPrefix("`") else { continue }
            let module = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let imports = cells[2].split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "` "))
            }
            table[module] = Set(imports.filter { !$0.isEmpty })
        }
        return table
    }

    /// The modules a Swift source imports (`import X`, `public import X`, `@preconcurrency import X.Y`,
    /// `import struct X.Y`), first path component only.
    static func imports(of source: String) -> Set<String> {
        var modules: Set<String> = []
        let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
        for line in source.split(separator: "\n") {
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first,
                first.hasPrefix("@") || ["public", "package", "internal", "fileprivate", "private"].contains(first)
            {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { continue }
            var name = words[1]
            if kinds.contains(name), words.count >= 3 {
                name = words[2]
            }
            modules.insert(String(name.split(separator: ".").first ?? ""))
        }
        return modules
    }

    @Test("every module under Sources/ imports only what ARCHITECTURE.md allows")
    func modulesImportOnlyWhatTheDocumentAllows() throws {
        let table = try Self.allowedImports()
        #expect(table["DealStore"] != nil, "the table was not parsed: \(table)")
        let sources = DeployPaths.repositoryRoot.appendingPathComponent("Sources")
        let modules = try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted()
        var violations: [String] = []
        for module in modules {
            let directory = sources.appendingPathComponent(module)
            guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { continue }
            let swiftFiles = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
            if swiftFiles.isEmpty { continue }  // C targets (COpenSSL, CDealOpenSSLShims)
            guard let allowed = table[module] else {
                violations.append("Sources/\(module) is not in ARCHITECTURE.md's table; add a row for it")
                continue
            }
            for file in swiftFiles {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for imported in Self.imports(of: text).sorted()
                where !allowed.contains(imported) && !Self.platformModules.contains(imported) {
                    violations.append(
                        "Sources/\(module)/\(file) imports \(imported), which ARCHITECTURE.md does not allow "
                            + "\(module); remove the import or add it to the table"
                    )
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test("the import reader sees every form of import and nothing else")
    func importReaderSeesEveryForm() {
        let source = """
            import Foundation
            public import NIOCore
            @preconcurrency import Dispatch
            internal import struct DealModel.DealMoney
            // import NotAnImport
            let imported = "import Nope"
            """
        #expect(Self.imports(of: source) == ["Foundation", "NIOCore", "Dispatch", "DealModel"])
    }
}
