import DealCommandLine

await DealsCommand.runFromCommandLine()
