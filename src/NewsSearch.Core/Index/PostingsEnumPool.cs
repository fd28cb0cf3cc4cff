namespace NewsSearch.Core.Index;

/// <summary>
/// Postings enums reused across searches on one thread. A search opens a <see cref="Scope"/>; every enum
/// <see cref="SegmentReader.GetPostings"/> hands out inside it goes back to the thread's free list when the outermost
/// scope ends, so a query's dozen enums (two or three int[128] buffers each) are neither allocated per search nor
/// cold in the cache. Outside a scope enums are allocated as before, so nothing held beyond a search is ever reused.
/// </summary>
internal static class PostingsEnumPool
{
    /// <summary>Most free enums a thread keeps.</summary>
    private const int MaxFree = 2048;

    [ThreadStatic] private static Stack<SegmentPostingsEnum>? _free;
    [ThreadStatic] private static List<SegmentPostingsEnum>? _leased;
    [ThreadStatic] private static int _depth;

    /// <summary>Enums handed out until the outermost scope is disposed are recycled then; scopes nest.</summary>
    public static Scope Begin()
    {
        _depth++;
        return new Scope(true);
    }

    public static SegmentPostingsEnum Get(FieldReader field, in TermMeta meta, bool withPositions)
    {
        if (_depth == 0) return new SegmentPostingsEnum(field, in meta, withPositions);
        SegmentPostingsEnum e;
        if (_free is { Count: > 0 } free)
        {
            e = free.Pop();
            e.Reset(field, in meta, withPositions);
        }
        else e = new SegmentPostingsEnum(field, in meta, withPositions);
        (_leased ??= []).Add(e);
        return e;
    }

    public readonly struct Scope(bool active) : IDisposable
    {
        public void Dispose()
        {
            if (!active || --_depth > 0) return;
            if (_leased is not { Count: > 0 } leased) return;
            var free = _free ??= new Stack<SegmentPostingsEnum>();
            foreach (var e in leased)
                if (free.Count < MaxFree) free.Push(e);
            leased.Clear();
        }
    }
}
