using OrleansLog.Groups;

namespace OrleansLog.Client;

/// <summary>One consumer group in a listing.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">Where the group is in its life.</param>
/// <param name="MemberCount">How many members it has.</param>
public sealed record ConsumerGroupListing(string GroupId, GroupState State, int MemberCount);
