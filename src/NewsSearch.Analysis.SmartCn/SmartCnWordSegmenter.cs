using System.Reflection;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Analysis.SmartCn;

/// <summary>
/// The word fields' segmenter for <c>--analysis smartcn</c>: Lucene.Net's <see cref="HMMChineseTokenizer"/> (the
/// tokenizer of SmartChineseAnalyzer: ICU sentence breaks, then the hidden-Markov word graph over SmartCn's
/// dictionaries) run over our normalized text. Only its word boundaries are taken: the terms are slices of our
/// normalized text (SmartCn's Porter stemming and stop list are not used; the query chain drops our stop words),
/// and the word chain of <see cref="NewsAnalysis"/> turns the spans into tokens exactly as it does jieba's.
///
/// Three adjustments keep SmartCn's output inside the word chain's rules: the text between its tokens (the spaces
/// and line breaks it skips) comes back as spans, so a line break still keeps phrases apart; a word it joined
/// across spaces (it reads 中 国 as one word) is cut at the spaces; and a supplementary char, which it splits into
/// two surrogate tokens, is one span again.
/// Not thread-safe (one per token stream); SmartCn itself allocates per sentence and per token.
/// </summary>
public sealed class SmartCnWordSegmenter : IWordSegmenter
{
    /// <summary>Bump when a change here changes the spans (it is part of the analysis signature).</summary>
    internal const int AdapterVersion = 1;

    private readonly CharBufferReader _reader = new();
    private readonly HMMChineseTokenizer _tokenizer;
    private readonly IOffsetAttribute _offsets;
    private bool _started;
    private WordSpan[] _words = new WordSpan[256];
    private int _count;

    public SmartCnWordSegmenter()
    {
        _tokenizer = new HMMChineseTokenizer(_reader);
        _offsets = _tokenizer.GetAttribute<IOffsetAttribute>();
    }

    /// <summary>Makes <c>smartcn</c> available to <see cref="NewsAnalysis.Load"/> in this process (hosts call it at startup).</summary>
    public static void Register() => WordSegmenters.Register(SmartCnFactory.Instance);

    /// <summary>The factory <see cref="Register"/> installs.</summary>
    public static IWordSegmenterFactory Factory => SmartCnFactory.Instance;

    public ReadOnlySpan<WordSpan> Words => _words.AsSpan(0, _count);

    public int Segment(ReadOnlySpan<char> text)
    {
        _count = 0;
        _reader.SetText(text);
        if (_started) _tokenizer.SetReader(_reader);
        _started = true;
        int covered = 0;
        try
        {
            _tokenizer.Reset();
            while (_tokenizer.IncrementToken())
            {
                int start = _offsets.StartOffset, end = _offsets.EndOffset;
                if (start < covered || end <= start || end > text.Length) continue; // never overlap, never leave the text
                if (start > covered) Add(covered, start - covered);
                AddToken(text, start, end);
                covered = end;
            }
            _tokenizer.End();
        }
        finally
        {
            _tokenizer.Dispose(); // Lucene's close(): required before the next SetReader; the tokenizer stays usable
        }
        if (covered < text.Length) Add(covered, text.Length - covered);
        return _count;
    }

    /// <summary>One SmartCn token, cut at the spaces inside it (SmartCn joins Han chars across spaces).</summary>
    private void AddToken(ReadOnlySpan<char> text, int start, int end)
    {
        for (int i = start; i < end;)
        {
            bool space = char.IsWhiteSpace(text[i]);
            int j = i + 1;
            while (j < end && char.IsWhiteSpace(text[j]) == space) j++;
            if (space) Add(i, j - i);
            else AddPiece(text, i, j);
            i = j;
        }
    }

    /// <summary>Adds [s, e), joining a surrogate pair SmartCn split into two tokens back into one span.</summary>
    private void AddPiece(ReadOnlySpan<char> text, int s, int e)
    {
        if (_count > 0 && char.IsLowSurrogate(text[s]) && s > 0 && char.IsHighSurrogate(text[s - 1]) && _words[_count - 1].End == s)
        {
            ref WordSpan last = ref _words[_count - 1];
            if (last.Length == 1) _count--;
            else last = new WordSpan(last.Start, last.Length - 1);
            Add(s - 1, 2);
            if (++s == e) return;
        }
        Add(s, e - s);
        JoinDecimal(text);
    }

    /// <summary>
    /// 3 . 14 (SmartCn cuts a decimal at its point) back into 3.14, as jieba and the gram fields keep it; the word
    /// chain would otherwise read the point as a sentence end.
    /// </summary>
    private void JoinDecimal(ReadOnlySpan<char> text)
    {
        if (_count < 3) return;
        WordSpan a = _words[_count - 3], dot = _words[_count - 2], b = _words[_count - 1];
        if (dot.Length != 1 || text[dot.Start] != '.' || a.End != dot.Start || dot.End != b.Start) return;
        if (!IsDigits(text.Slice(a.Start, a.Length)) || !IsDigits(text.Slice(b.Start, b.Length))) return;
        _count -= 2;
        _words[_count - 1] = new WordSpan(a.Start, b.End - a.Start);
    }

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (char c in span) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private void Add(int start, int length)
    {
        if (_count == _words.Length) Array.Resize(ref _words, _words.Length * 2);
        _words[_count++] = new WordSpan(start, length);
    }

    private sealed class SmartCnFactory : IWordSegmenterFactory
    {
        public static readonly SmartCnFactory Instance = new();

        public string Name => WordAnalysisNames.SmartCn;

        private readonly Lazy<string> _identity = new(BuildIdentity); // registering alone does not load Lucene.Net

        public string Identity => _identity.Value;

        public IWordSegmenter Create() => new SmartCnWordSegmenter();

        private static string BuildIdentity()
        {
            var assembly = typeof(HMMChineseTokenizer).Assembly;
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                             ?? assembly.GetName().Version?.ToString() ?? "unknown";
            return $"{assembly.GetName().Name} {version}; adapter v{AdapterVersion}";
        }
    }
}

/// <summary>
/// A reusable reader over a copy of the text: the tokenizer reads each text through it, and disposes it after each
/// text (Lucene's contract), which must not end it.
/// </summary>
internal sealed class CharBufferReader : TextReader
{
    private char[] _buffer = new char[1024];
    private int _length, _position;

    public void SetText(ReadOnlySpan<char> text)
    {
        if (_buffer.Length < text.Length) _buffer = new char[Math.Max(text.Length, _buffer.Length * 2)];
        text.CopyTo(_buffer);
        _length = text.Length;
        _position = 0;
    }

    public override int Peek() => _position < _length ? _buffer[_position] : -1;

    public override int Read() => _position < _length ? _buffer[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n = Math.Min(buffer.Length, _length - _position);
        _buffer.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing) { } // reused for the next text
}
