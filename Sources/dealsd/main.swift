import DealDaemonCommand

await DealsdCommand.runFromCommandLine()
