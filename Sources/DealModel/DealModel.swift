/// The DealStore data model: the protobuf messages generated from `Protocol/dealstore/v1/model.proto`.
///
/// This module holds data types and the value conversions of money (parsing the forms people write, formatting,
/// exact `Decimal` conversion), which every layer that reads or shows amounts shares. The store keeps these
/// messages as its records (as etcd keeps its protobuf types) and the protocol carries them on the wire, so
/// neither maps between two models; the module imports nothing about framing or networking, so the store can
/// depend on it without the network.
public typealias DealRecordMessage = Dealstore_V1_DealRecord
