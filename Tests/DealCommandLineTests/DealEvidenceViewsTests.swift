import DealCommandLine
import DealModel
import Foundation
import Testing

@Suite("Evidence views")
struct DealEvidenceViewsTests {
    static func excerpt(
        _ id: String,
        _ text: String,
        _ translation: String,
        paragraph: Int32,
        sentence: Int32
    )
        -> Dealstore_V1_Excerpt
    {
        var excerpt = Dealstore_V1_Excerpt()
        excerpt.id = id
        excerpt.text = text
        excerpt.translation = translation
        excerpt.paragraph = paragraph
        excerpt.sentence = sentence
        return excerpt
    }

    static func evidence(_ field: String, _ ids: [String], inference: String = "") -> Dealstore_V1_Evidence {
        var evidence = Dealstore_V1_Evidence()
        evidence.field = field
        evidence.excerptIds = ids
        evidence.inference = inference
        return evidence
    }

    /// The Amazon fixture with a French article quoted for its amount and its tranche, a press release known only
    /// through that article, and a disputed claim.
    static var deal: Dealstore_V1_Deal {
        var deal = DealTestFixtures.amazonAnthropic
        var article = Dealstore_V1_Source()
        article.id = "seed-000"
        article.language = "fr"
        article.derivedFromSourceIds = ["release"]
        article.excerpts = [
            Self.excerpt(
                "first",
                "une enveloppe de 1,25 milliard de dollars",
                "an envelope of 1.25 billion dollars",
                paragraph: 2,
                sentence: 1
            ),
            Self.excerpt("more", "2,75 milliards de plus", "2.75 billion more", paragraph: 1, sentence: 1),
            Self.excerpt(
                "reversed",
                "optant respectivement pour OpenAI et Anthropic",
                "opting for OpenAI and Anthropic respectively",
                paragraph: 6,
                sentence: 1
            ),
        ]
        var release = Dealstore_V1_Source()
        release.id = "release"
        release.publisher = "Amazon"
        deal.sources = [article, release]
        deal.evidence = [Self.evidence("amount", ["first"])]
        deal.tranches[0].sourceIds = ["seed-000"]
        deal.tranches[0].evidence = [
            Self.evidence("amount", ["more"]),
            Self.evidence("status", ["more"], inference: "'vient de parier': paid"),
        ]
        deal.participations[0].sourceIds = ["release"]
        deal.participations[0].evidence = [Self.evidence("committed", ["first", "more"])]
        var claim = Dealstore_V1_DisputedClaim()
        claim.id = "reversed-bets"
        claim.field = "target_id"
        claim.claimedValue = "openai"
        claim.acceptedValue = "anthropic"
        claim.sourceID = "seed-000"
        claim.evidence = [Self.evidence("claimed_value", ["reversed"])]
        deal.disputedClaims = [claim]
        return deal
    }

    @Test("get --evidence: each figure, then its verbatim quote, English rendering, place and inference")
    func dealEvidenceTable() throws {
        let text = try DealViews.dealWithEvidence(Self.deal).render(as: .table)
        let lines = text.split(separator: "\n").map(String.init)
        let evidence = try #require(lines.firstIndex(of: "Evidence"), "\(text)")
        let after = Array(lines[evidence...])
        let amount = try #require(after.firstIndex(of: "  deal: amount = $1.25B"), "\(text)")
        #expect(after[amount + 1] == "    seed-000, paragraph 2, sentence 1:", "\(text)")
        #expect(after[amount + 2] == "      \"une enveloppe de 1,25 milliard de dollars\"", "\(text)")
        #expect(after[amount + 3] == "      (an envelope of 1.25 billion dollars)", "\(text)")
        #expect(after.contains("  tranche option-exercise: amount = $2.75B"), "\(text)")
        #expect(after.contains("    inferred: 'vient de parier': paid"), "\(text)")
        #expect(after.contains("  claim reversed-bets: claimed_value = target_id = openai"), "\(text)")
        // The fixture's figures without evidence are listed, not hidden.
        let gaps = try #require(lines.firstIndex(of: "Without evidence"), "\(text)")
        #expect(Array(lines[(gaps + 1)...]) == ["  deal: commitment_cap", "  deal: announced", "  deal: status"])
        #expect(
            DealFigureEvidence.unsupported(in: Self.deal) == [
                "deal: commitment_cap", "deal: announced", "deal: status",
            ]
        )
        // Without the flag, the detail view is unchanged.
        #expect(try !DealViews.deal(Self.deal).render(as: .table).contains("Evidence"))
    }

    @Test("get --evidence -o csv: one row per quote; -o json: the record with its evidence and excerpts")
    func dealEvidenceCSVAndJSON() throws {
        let document = DealViews.dealWithEvidence(Self.deal)
        #expect(document.csvHeader.first == "record_id")
        // amount (1 quote), tranche amount (1), tranche status (1), committed (2), claim (1).
        #expect(document.csvRows.count == 6)
        let committed = document.csvRows.filter { $0[1] == "participation amazon" }
        #expect(committed.map { $0[5] } == ["first", "more"])
        #expect(committed.first?[4] == "seed-000")
        let json = try document.render(as: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let evidence = try #require(object["evidence"] as? [[String: Any]])
        #expect(evidence.first?["excerptIds"] as? [String] == ["first"])
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect((sources.first?["excerpts"] as? [[String: Any]])?.count == 3)
    }

    @Test("conflicts: the quote that makes each claim, in the table and the CSV")
    func conflictQuotes() throws {
        var conflict = Dealstore_V1_Conflict()
        conflict.dealID = Self.deal.id
        conflict.claim = Self.deal.disputedClaims[0]
        conflict.source = Self.deal.sources[0]
        let document = DealViews.conflicts([conflict])
        let table = try document.render(as: .table)
        #expect(table.split(separator: "\n").first?.contains("QUOTE") == true, "\(table)")
        #expect(table.contains("\"optant respectivement pour OpenAI et Anthropic\""), "\(table)")
        let row = try #require(document.csvRows.first)
        let header = document.csvHeader
        let cell = { (name: String) in header.firstIndex(of: name).map { row[$0] } }
        #expect(cell("quote") == "optant respectivement pour OpenAI et Anthropic")
        #expect(cell("quote_translation") == "opting for OpenAI and Anthropic respectively")
        #expect(cell("quote_location") == "paragraph 6, sentence 1")
        #expect(cell("source_id") == "seed-000")
    }

    @Test("sources: figures each source backs, by quotes or by being named; JSON has the figures")
    func sourcesCount() throws {
        var other = DealTestFixtures.amazonAnthropic
        other.id = "other-deal"
        other.sources = [Self.deal.sources[0]]
        other.evidence = [Self.evidence("amount", ["first"])]
        let document = DealViews.sources(deals: [Self.deal, other], organizations: [])
        let rows = Dictionary(uniqueKeysWithValues: document.csvRows.map { ($0[0], $0) })
        let header = document.csvHeader
        let cell = { (source: String, name: String) in
            header.firstIndex(of: name).flatMap { index in rows[source].map { $0[index] } }
        }
        // seed-000: its quotes back the amount in both deals, the tranche's amount and status, the committed
        // amount and the claim.
        #expect(cell("seed-000", "figure_count") == "6")
        #expect(cell("seed-000", "quoted_figure_count") == "6")
        #expect(cell("seed-000", "record_ids") == "amazon-anthropic-2023;other-deal")
        #expect(cell("seed-000", "excerpt_count") == "3")
        // The release is quoted nowhere, but the participation names it: one figure, none quoting it.
        #expect(cell("release", "figure_count") == "1")
        #expect(cell("release", "quoted_figure_count") == "0")
        #expect(document.csvRows.first?[0] == "seed-000", "most figures first")
        let json = try document.render(as: .json)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let first = try #require(array.first)
        #expect((first["source"] as? [String: Any])?["id"] as? String == "seed-000")
        #expect((first["figures"] as? [Any])?.count == 6)
        #expect((first["figureCount"] as? NSNumber)?.intValue == 6)
    }
}
