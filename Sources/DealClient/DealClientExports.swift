// One import for tool authors: `import DealClient` also brings the messages (`Deal`, `DealMoney`, the money parser,
// formatter and `Decimal` conversion) and the error and status types (`DealRPCError`, `DealStatusCode`), since every
// method of the client takes or returns them. The modules stay separate products for code that wants only them.
@_exported import DealModel
@_exported import DealProtocol
