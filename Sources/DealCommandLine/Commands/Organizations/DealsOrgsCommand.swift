public import ArgumentParser

/// `deals orgs`: the organizations (companies, funds, labs) deals connect.
public struct DealsOrgsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orgs",
        abstract: "List, show and edit organizations.",
        discussion: """
            Examples:
              deals orgs list --query anthro
              deals orgs get Google            # id, name or alias
              deals orgs add --name "Mistral AI" --kind ai-lab --alias Mistral --website https://mistral.ai
              deals orgs update mistral-ai --set aliases="Mistral,Mistral AI SAS"
              deals orgs delete mistral-ai
              deals orgs merge open-ai --into openai    # the old id keeps resolving
            """,
        subcommands: [
            DealsOrgsListCommand.self, DealsOrgsGetCommand.self, DealsOrgsAddCommand.self,
            DealsOrgsUpdateCommand.self, DealsOrgsDeleteCommand.self, DealsOrgsMergeCommand.self,
        ]
    )

    public init() {}
}
