using OrleansLog.Groups;

namespace OrleansLog.Client;

/// <summary>One consumer group in a listing.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">Where the group is in its life.</param>
/// <param name="MemberCount">How many members it has.</param>
/// <param name="Protocol">Which group protocol its members speak: the native client's and KIP-848's, or Kafka's classic JoinGroup.</param>
public sealed record ConsumerGroupListing(string GroupId, GroupState State, int MemberCount, GroupProtocol Protocol = GroupProtocol.Consumer);
