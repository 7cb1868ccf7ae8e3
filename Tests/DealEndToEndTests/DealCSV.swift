import DealTestSupport
/// A strict RFC 4180 reader for checking `-o csv` output: quoted fields, doubled quotes, commas and newlines inside.
enum DealCSV {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// The records of `text`, each a list of fields; a final newline ends the last record.
    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var fieldWasQuoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        characters.removeFirst()
                        field.append("\"")
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw ParseError(description: "a quote inside an unquoted field: \(field)\"")
                }
                quoted = true
                fieldWasQuoted = true
            case ",":
                record.append(field)
                field = ""
                fieldWasQuoted = false
            case "\n", "\r\n":
                record.append(field)
                records.append(record)
                record = []
                field = ""
                fieldWasQuoted = false
            default:
                guard !fieldWasQuoted else {
                    throw ParseError(description: "text after a closing quote: \(field)\(character)")
                }
                field.append(character)
            }
        }
        guard !quoted else {
            throw ParseError(description: "unterminated quoted field")
        }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// The rows of `text` as dictionaries keyed by the header row; checks every row has the header's width.
    static func table(_ text: String) throws -> (header: [String], rows: [[String: String]]) {
        let records = try Self.parse(text)
        guard let header = records.first else {
            throw ParseError(description: "no header row")
        }
        var rows: [[String: String]] = []
        for (index, record) in records.dropFirst().enumerated() {
            guard record.count == header.count else {
                throw ParseError(
                    description: "row \(index + 1) has \(record.count) fields, the header \(header.count): \(record)"
                )
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, record)))
        }
        return (header, rows)
    }
}
