import DealModel
import DealStore
import Foundation
import Testing

/// The bundled dataset against the seed articles it was read from: every quote is the articles' own words, and
/// every figure says which words it rests on.
///
/// The articles are not part of the product (nothing at run time reads them); the tests read the repository's
/// copies in `Tests/Fixtures/seeds`, which a test compares with `../shared/seeds` where that is present.
@Suite("Bundled dataset evidence")
struct DealSeedEvidenceTests {
    /// The article file behind each seed source id; other sources are known only through these.
    static let articleFiles = [
        "seed-000": "000_9ebc004f734b8c1b.txt",
        "seed-004": "004_8f1ce2eef4004bb0.txt",
    ]

    /// The repository root, three levels above this file.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The articles as the repository keeps them for its tests (copies of `../shared/seeds`).
    static var seedsDirectory: URL {
        Self.repositoryRoot.appendingPathComponent("Tests/Fixtures/seeds")
    }

    /// The text of the seed article behind `sourceID`; fails the test, saying where it looked, when it is absent.
    static func article(_ sourceID: String) throws -> String {
        let file = try #require(Self.articleFiles[sourceID], "source '\(sourceID)' has excerpts but no article file")
        let url = Self.seedsDirectory.appendingPathComponent(file)
        let text = try? String(contentsOf: url, encoding: .utf8)
        return try #require(text, "the seed article \(url.path) is missing or unreadable")
    }

    @Test("the repository's copies of the seed articles are the articles in ../shared/seeds, byte for byte")
    func fixturesMatchSharedSeeds() throws {
        let shared = Self.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds")
        for file in Self.articleFiles.values.sorted() {
            let copy = try Data(contentsOf: Self.seedsDirectory.appendingPathComponent(file))
            #expect(!copy.isEmpty)
            // Where the originals sit beside the checkout (a developer's machine), the copies must not drift.
            if let original = try? Data(contentsOf: shared.appendingPathComponent(file)) {
                #expect(copy == original, "Tests/Fixtures/seeds/\(file) differs from ../shared/seeds/\(file)")
            }
        }
    }

    /// The sources of every record of the dataset, with where each record is.
    static func allSources() throws -> [(record: String, source: Dealstore_V1_Source)] {
        try DealStore.seedRecords().flatMap { record -> [(String, Dealstore_V1_Source)] in
            switch record.record {
            case .deal(let deal): deal.sources.map { ("deal \(deal.id)", $0) }
            case .organization(let organization): organization.sources.map { ("organization \(organization.id)", $0) }
            case nil: []
            }
        }
    }

    /// The offsets (in characters) where each sentence of `paragraph` starts: a sentence ends at `.`, `?` or `!`
    /// followed by a space and an upper-case letter or `«` (the rule PROTOCOL.md gives for Excerpt.sentence).
    static func sentenceStarts(_ paragraph: String) -> [Int] {
        let characters = Array(paragraph)
        var starts = [0]
        var index = 0
        while index + 2 < characters.count {
            if ".?!".contains(characters[index]) && characters[index + 1] == " "
                && (characters[index + 2].isUppercase || characters[index + 2] == "«")
            {
                starts.append(index + 2)
            }
            index += 1
        }
        return starts
    }

    @Test("every excerpt is the cited article's own words, at the paragraph and sentence it names")
    func excerptsAreVerbatim() throws {
        var count = 0
        for (record, source) in try Self.allSources() where !source.excerpts.isEmpty {
            let paragraphs = try Self.article(source.id).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
            for excerpt in source.excerpts {
                count += 1
                let label = "\(record), source \(source.id), excerpt \(excerpt.id)"
                #expect(excerpt.text.count <= 300, "\(label): an excerpt is a short quote, not a passage")
                #expect(!excerpt.translation.isEmpty, "\(label): a French excerpt needs its English rendering")
                let index = Int(excerpt.paragraph) - 1
                guard paragraphs.indices.contains(index) else {
                    Issue.record("\(label): paragraph \(excerpt.paragraph) is not in the article")
                    continue
                }
                let paragraph = paragraphs[index]
                guard let range = paragraph.range(of: excerpt.text) else {
                    Issue.record("\(label): «\(excerpt.text)» is not verbatim in paragraph \(excerpt.paragraph)")
                    continue
                }
                let offset = paragraph.distance(from: paragraph.startIndex, to: range.lowerBound)
                let sentence = Self.sentenceStarts(paragraph).filter { $0 <= offset }.count
                #expect(Int(excerpt.sentence) == sentence, "\(label): starts in sentence \(sentence)")
            }
        }
        #expect(count >= 30, "the dataset quotes \(count) excerpts")
    }

    /// Which evidence fields a record's figures need: every figure and date that is set.
    static func missingEvidence(in deal: Dealstore_V1_Deal) -> [String] {
        var missing: [String] = []
        func need(_ evidence: [Dealstore_V1_Evidence], _ fields: [(String, Bool)], _ path: String) {
            let named = Set(evidence.filter { !$0.excerptIds.isEmpty }.map(\.field))
            for (field, isSet) in fields where isSet && !named.contains(field) { missing.append("\(path)\(field)") }
        }
        need(
            deal.evidence,
            [
                ("amount", deal.hasAmount), ("commitment_cap", deal.hasCommitmentCap),
                ("announced", deal.hasAnnounced), ("closed", deal.hasClosed), ("status", deal.status != .unspecified),
            ],
            ""
        )
        for (index, item) in deal.participations.enumerated() {
            need(
                item.evidence,
                [("committed", item.hasCommitted), ("stake", item.hasStake)],
                "participations[\(index)]."
            )
        }
        for (index, item) in deal.tranches.enumerated() {
            need(
                item.evidence,
                [("amount", item.hasAmount), ("due", item.hasDue), ("status", item.status != .unspecified)],
                "tranches[\(index)]."
            )
        }
        for (index, item) in deal.options.enumerated() {
            need(
                item.evidence,
                [
                    ("maximum", item.hasMaximum), ("expires", item.hasExpires),
                    ("exercised_by_tranche_id", !item.exercisedByTrancheID.isEmpty),
                ],
                "options[\(index)]."
            )
        }
        for (index, item) in deal.valuations.enumerated() {
            need(item.evidence, [("amount", item.hasAmount), ("as_of", item.hasAsOf)], "valuations[\(index)].")
        }
        for (index, item) in deal.strategicTerms.enumerated() {
            need(item.evidence, [("value", true), ("since", item.hasSince)], "strategic_terms[\(index)].")
        }
        for (index, item) in deal.disputedClaims.enumerated() {
            need(item.evidence, [("claimed_value", true)], "disputed_claims[\(index)].")
        }
        for (index, source) in deal.sources.enumerated() {
            need(source.evidence, [("published", source.hasPublished)], "sources[\(index)].")
        }
        return missing
    }

    @Test("every figure, term, date and disputed claim of every deal cites at least one excerpt")
    func everyFigureCitesAnExcerpt() throws {
        var deals = 0
        for record in try DealStore.seedRecords() {
            guard case .deal(let deal) = record.record else { continue }
            deals += 1
            #expect(
                Self.missingEvidence(in: deal).isEmpty,
                "\(deal.id): no evidence for \(Self.missingEvidence(in: deal))"
            )
        }
        #expect(deals == 5)
    }

    @Test("every organization fact cites an excerpt for its value, amount and date")
    func everyFactCitesAnExcerpt() throws {
        for record in try DealStore.seedRecords() {
            guard case .organization(let organization) = record.record else { continue }
            for fact in organization.facts {
                let named = Set(fact.evidence.filter { !$0.excerptIds.isEmpty }.map(\.field))
                #expect(named.contains("value"), "\(organization.id) fact \(fact.id)")
                if fact.hasAmount { #expect(named.contains("amount"), "\(organization.id) fact \(fact.id)") }
                if fact.hasDate { #expect(named.contains("date"), "\(organization.id) fact \(fact.id)") }
            }
        }
    }

    @Test("no source points at a local file; the seed articles give no address, so none has a url")
    func noPlaceholderURLs() throws {
        for (record, source) in try Self.allSources() {
            #expect(source.url.isEmpty, "\(record), source \(source.id): url '\(source.url)'")
        }
    }

    @Test("both errors of the articles are disputed claims, each quoting the sentence that makes it")
    func disputedClaimsQuoteTheirSentence() async throws {
        try await TestStores.withStore(seed: true) { store in
            let conflicts = try store.conflicts().conflicts
            #expect(conflicts.count == 3)
            for conflict in conflicts {
                let ids = conflict.claim.evidence.first { $0.field == "claimed_value" }?.excerptIds ?? []
                let quotes = conflict.source.excerpts.filter { ids.contains($0.id) }
                #expect(!quotes.isEmpty, "\(conflict.dealID) \(conflict.claim.id): no quote on its source")
                #expect(
                    quotes.contains {
                        $0.text.contains(conflict.claim.claimedValue == "openai" ? "OpenAI" : "Anthropic")
                    },
                    "\(conflict.dealID) \(conflict.claim.id): the quote does not name the claimed value"
                )
            }
            let reversed = try #require(conflicts.first { $0.dealID == "amazon-anthropic-2023" })
            #expect(
                reversed.source.excerpts.contains { $0.text.contains("optant respectivement pour OpenAI et Anthropic") }
            )
            let google = try #require(conflicts.first { $0.dealID == "google-anthropic-2023-10" })
            #expect(
                google.source.excerpts.contains {
                    $0.text.contains("Google a initialement investi massivement dans OpenAI")
                }
            )
        }
    }

    @Test("the facts the articles state beyond the deals are in the data")
    func seedFactsAreComplete() async throws {
        try await TestStores.withStore(seed: true) { store in
            let anthropic = try store.organization(id: "anthropic")
            let plan = try #require(anthropic.facts.first { $0.property == "plan" })
            #expect(plan.amount.units == 5_000_000_000)
            #expect(plan.approximate)
            #expect(
                anthropic.sources.flatMap(\.excerpts).contains {
                    $0.text.contains("plan quinquennal estimé à 5 milliards")
                }
            )
            let openai = try store.organization(id: "openai")
            #expect(openai.facts.first { $0.property == "founded" }?.date.year == 2015)
            #expect(openai.facts.contains { $0.property == "legal_form" })
            #expect(
                try store.organization(id: "google").facts.first { $0.property == "headquarters" }?.value
                    == "Mountain View"
            )
            #expect(
                try store.organization(id: "microsoft").facts.first { $0.property == "headquarters" }?.value
                    == "Redmond"
            )
            // The article ties the preferred-cloud role and the GPU and TPU clusters to the February 2023 deal.
            let february = try store.deal(id: "google-anthropic-2023-02")
            #expect(Set(february.strategicTerms.map(\.value)) == ["Google Cloud", "GPU", "TPU"])
            #expect(try store.deal(id: "google-anthropic-2023-10").strategicTerms.isEmpty)
            // Article 004 is of the week after Friday 27 October 2023; article 000 of 2024; neither names a month.
            let seed004 = try #require(february.sources.first { $0.id == "seed-004" })
            #expect(seed004.published.precision == .quarter && seed004.published.month == 12)
            #expect(seed004.publisher.isEmpty)
        }
    }

    @Test("Microsoft's total is $11B committed, from the 2019 and 2023 deals")
    func microsoftTotal() async throws {
        try await TestStores.withStore(seed: true) { store in
            let byInvestor = try store.summarize(groupBy: .investor)
            let microsoft = try #require(DealSeedTests.total(byInvestor, "microsoft"))
            #expect(microsoft.committed == 11_000_000_000)
            #expect(microsoft.funded == 0)
        }
    }
}
