using NewsSearch.Core.Index;

namespace NewsSearch.Core.Tests;

internal static class LeaseExtensions
{
    /// <summary>The native reader under a lease (tests of native internals: segments, postings, doc values).</summary>
    public static IndexSnapshot Native(this SnapshotLease lease) => ((NativeSnapshot)lease.Snapshot).Reader;
}
