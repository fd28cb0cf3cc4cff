using NewsSearch.Core.Analysis;
using NewsSearch.Core.Index;

namespace NewsSearch.Core.Search;

/// <summary>
/// Reading a gram field after dedupe: the gram index chain leaves out a Han bigram at position p when the word
/// field holds the same two chars as a word or sub-word at p (both fields use the word chain's positions), so
/// "bigram b at p" is the union of the gram field's and the word field's postings of b.
/// </summary>
internal static class GramPostings
{
    /// <summary>The word field whose two-char terms complete <paramref name="gramField"/>, or null.</summary>
    public static string? WordFieldOf(string gramField) => gramField switch
    {
        NewsFields.TitleGrams => NewsFields.Title,
        NewsFields.BodyGrams => NewsFields.Body,
        _ => null,
    };

    /// <summary>Two Han chars: the only gram terms the index may have moved to the word field.</summary>
    public static bool IsHanPair(ReadOnlySpan<char> term) =>
        term.Length == 2 && CharClass.IsCjk(term[0]) && CharClass.IsCjk(term[1]);

    /// <summary>A single Han char: a gram prefix query, whose occurrences may also start a word-field term.</summary>
    public static bool IsHanChar(ReadOnlySpan<char> term) => term.Length == 1 && CharClass.IsCjk(term[0]);

    /// <summary>Postings of <paramref name="term"/> in <paramref name="field"/>, merged with the word field's when deduped.</summary>
    public static PostingsEnum? Get(LeafReader leaf, string field, string term, bool withPositions)
    {
        var gram = leaf.GetPostings(field, term, withPositions);
        string? wordField = WordFieldOf(field);
        if (wordField is null || !IsHanPair(term)) return gram;
        var word = leaf.GetPostings(wordField, term, withPositions);
        if (word is null) return gram;
        if (gram is null) return word;
        return new UnionPostingsEnum(gram, word);
    }

    /// <summary>
    /// Document frequency for scoring a gram term: the gram field's plus the word field's (an upper bound of the
    /// union's, exact when no doc holds the bigram in both fields; at most the doc count after the caller's clamp).
    /// </summary>
    public static long DocFreq(DirectoryReader reader, string field, string term)
    {
        long df = reader.DocFreq(field, term);
        string? wordField = WordFieldOf(field);
        if (wordField is not null && IsHanPair(term)) df += reader.DocFreq(wordField, term);
        return df;
    }
}

/// <summary>
/// Two postings lists of one term read as one: docs merged, freqs summed, positions merged in increasing order
/// (each list's positions of a doc are ascending).
/// </summary>
internal sealed class UnionPostingsEnum(PostingsEnum a, PostingsEnum b) : PostingsEnum
{
    private int _doc = -1;
    private bool _positionsStarted;
    private int _leftA, _leftB, _headA, _headB;

    public override int DocId => _doc;

    public override long Cost => a.Cost + b.Cost;

    public override int Freq => (a.DocId == _doc ? a.Freq : 0) + (b.DocId == _doc ? b.Freq : 0);

    public override int NextDoc()
    {
        // Only the sides standing on the current doc move, each by one (an Advance would search its block).
        if (a.DocId <= _doc) a.NextDoc();
        if (b.DocId <= _doc) b.NextDoc();
        _positionsStarted = false;
        return _doc = Math.Min(a.DocId, b.DocId);
    }

    public override int Advance(int target)
    {
        if (a.DocId < target) a.Advance(target);
        if (b.DocId < target) b.Advance(target);
        _positionsStarted = false;
        return _doc = Math.Min(a.DocId, b.DocId);
    }

    public override void PrefetchLengths(in FieldLengths lengths)
    {
        a.PrefetchLengths(lengths);
        b.PrefetchLengths(lengths);
    }

    public override int NextPosition()
    {
        if (!_positionsStarted)
        {
            _positionsStarted = true;
            _leftA = a.DocId == _doc ? a.Freq : 0;
            _leftB = b.DocId == _doc ? b.Freq : 0;
            _headA = _leftA > 0 ? a.NextPosition() : int.MaxValue;
            _headB = _leftB > 0 ? b.NextPosition() : int.MaxValue;
        }
        if (_headA <= _headB)
        {
            int p = _headA;
            _headA = --_leftA > 0 ? a.NextPosition() : int.MaxValue;
            return p;
        }
        int q = _headB;
        _headB = --_leftB > 0 ? b.NextPosition() : int.MaxValue;
        return q;
    }

    public override void IntoBitSet(ulong[] bits)
    {
        // A side already ahead of the current doc holds a doc the union has not returned yet.
        if (a.DocId > _doc && a.DocId != NoMoreDocs) bits[a.DocId >> 6] |= 1UL << a.DocId;
        if (b.DocId > _doc && b.DocId != NoMoreDocs) bits[b.DocId >> 6] |= 1UL << b.DocId;
        if (a.DocId != NoMoreDocs) a.IntoBitSet(bits);
        if (b.DocId != NoMoreDocs) b.IntoBitSet(bits);
        _doc = NoMoreDocs;
    }
}
