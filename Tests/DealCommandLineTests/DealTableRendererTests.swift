import DealCommandLine
import Testing

@Suite("Deal table renderer") struct DealTableRendererTests {
    @Test("aligns columns left and right") func alignsColumnsLeftAndRight() {
        let renderer = DealTableRenderer(columns: [.init("name"), .init("amount", alignment: .right), .init("note")])
        let text = renderer.render([
            ["Amazon", "$4B", "x"], ["Google", "$300M", ""], ["Microsoft", "€2.5M", "long note"],
        ])
        #expect(
            text == """
                NAME       AMOUNT  NOTE
                Amazon        $4B  x
                Google      $300M
                Microsoft   €2.5M  long note

                """
        )
    }

    @Test("truncates long cells with ellipsis and flattens newlines")
    func truncatesLongCellsWithEllipsisAndFlattensNewlines() {
        let renderer = DealTableRenderer(columns: [.init("a")], maximumCellWidth: 5)
        #expect(renderer.render([["abcdefgh"], ["x\ny"]]) == "A\nabcd…\nx y\n")
    }

    @Test("never cuts a whole columns cells") func neverCutsAWholeColumnsCells() {
        // A quote cut short may no longer say what its source says.
        let renderer = DealTableRenderer(columns: [.init("a"), .init("quote", whole: true)], maximumCellWidth: 5)
        #expect(renderer.render([["abcdefgh", "« verbatim words »"]]) == "A      QUOTE\nabcd…  « verbatim words »\n")
    }

    @Test("fits the terminal by cutting only flexible columns") func fitsTheTerminalByCuttingOnlyFlexibleColumns() {
        let renderer = DealTableRenderer(
            columns: [.init("id"), .init("amount", alignment: .right), .init("title", flexible: true)],
            maximumTableWidth: 40
        )
        let text = renderer.render([
            ["amazon-anthropic-2023", "$1.25B", "Amazon invests up to $4B in Anthropic"]
        ])
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines[1] == "amazon-anthropic-2023  $1.25B  Amazon i…")
    }

    @Test(
        "draws bars with eighth blocks",
        arguments: [
            (1.0, 4, "████"),
            (0.5, 4, "██"),
            (0.0, 4, ""),
            (0.01, 4, "▏"),
            (0.5625, 2, "█▏"),
            (2.0, 3, "███"),
            (-1.0, 3, ""),
            (Double.nan, 3, ""),
        ]
    )
    func drawsBarsWithEighthBlocks(_ fraction: Double, _ width: Int, _ expected: String) {
        #expect(DealTableRenderer.bar(fraction: fraction, width: width) == expected)
    }
}
