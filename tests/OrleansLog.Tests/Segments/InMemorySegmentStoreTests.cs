using OrleansLog.Segments;
using OrleansLog.Testing;

namespace OrleansLog.Tests.Segments;

/// <summary>The segment store conformance tests against the in-memory store.</summary>
public sealed class InMemorySegmentStoreTests : SegmentStoreConformanceTests
{
    internal override ISegmentStore CreateStore() => new InMemorySegmentStore();
}
