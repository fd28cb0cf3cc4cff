using NewsSearch.Core.Index;

namespace NewsSearch.Core.Tests.Search;

/// <summary>An in-memory <see cref="DirectoryReader"/> behind the seam, searched the native way (unit tests of
/// the searcher above the engines).</summary>
internal sealed class ReaderSnapshot(DirectoryReader reader) : IEngineSnapshot
{
    public string Engine => EngineNames.Native;
    public long Generation => reader.Generation;
    public long StoreSequence => reader.StoreSequence;
    public string AnalysisSignature => "";
    public int NumDocs => reader.NumDocs;
    public bool TryIncRef() => true;
    public void DecRef() { }
    public void Dispose() { }
    public EngineSearchResult Search(EngineSearchRequest request) => NativeSearch.Run(reader, request);
    public long DocFreq(string field, string term) => reader.DocFreq(field, term);
    public IReadOnlySet<string> LiveIds() => throw new NotSupportedException();
    public IndexStats GetStats(string folder) => throw new NotSupportedException();
}
