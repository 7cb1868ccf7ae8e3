public import ArgumentParser

/// `deals completion bash|zsh|fish`: prints the shell completion script.
public struct DealsCompletionCommand: AsyncParsableCommand, DealCommandRunnable {
    public static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print a shell completion script.",
        discussion: """
            Examples:
              source <(deals completion bash)
              deals completion zsh > "${fpath[1]}/_deals"
              deals completion fish > ~/.config/fish/completions/deals.fish
            """
    )

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    public init() {}

    public func validate() throws {
        guard CompletionShell(rawValue: self.shell) != nil else {
            throw ValidationError("unknown shell \"\(self.shell)\"; expected bash, zsh or fish")
        }
    }

    public mutating func run() async throws {
        try await self.run(in: .standard())
    }

    public func run(in context: DealCommandContext) async throws {
        guard let shell = CompletionShell(rawValue: self.shell) else {
            throw DealInputError("unknown shell \"\(self.shell)\"; expected bash, zsh or fish")
        }
        context.output.writeOut(DealsCommand.completionScript(for: shell))
    }
}
