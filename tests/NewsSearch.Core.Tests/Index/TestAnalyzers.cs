using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Tests.Index;

/// <summary>Splits on whitespace and lowercases (test-only; the real analysis lives in Analysis/).</summary>
internal sealed class WhitespaceAnalyzer : Analyzer
{
    public override string Name => "test-whitespace";

    public override TokenStream CreateTokenStream() => new Stream();

    private sealed class Stream : TokenStream
    {
        private string _text = "";
        private int _pos;

        public override void SetText(string text) { _text = text; _pos = 0; }

        public override bool IncrementToken()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
            if (_pos >= _text.Length) return false;
            int start = _pos;
            while (_pos < _text.Length && !char.IsWhiteSpace(_text[_pos])) _pos++;
            Span<char> lower = stackalloc char[_pos - start];
            _text.AsSpan(start, _pos - start).ToLowerInvariant(lower);
            SetTerm(lower);
            StartOffset = start;
            EndOffset = _pos;
            PositionIncrement = 1;
            Type = TokenType.Latin;
            return true;
        }
    }
}

/// <summary>One token per non-space character (a stand-in for CJK unigrams in tests).</summary>
internal sealed class CharAnalyzer : Analyzer
{
    public override string Name => "test-char";

    public override TokenStream CreateTokenStream() => new Stream();

    private sealed class Stream : TokenStream
    {
        private string _text = "";
        private int _pos;

        public override void SetText(string text) { _text = text; _pos = 0; }

        public override bool IncrementToken()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
            if (_pos >= _text.Length) return false;
            SetTerm(_text.AsSpan(_pos, 1));
            StartOffset = _pos;
            EndOffset = _pos + 1;
            _pos++;
            PositionIncrement = 1;
            Type = TokenType.Unigram;
            return true;
        }
    }
}

internal static class TestAnalysis
{
    public static readonly Analyzer Words = new WhitespaceAnalyzer();
    public static readonly Analyzer Chars = new CharAnalyzer();

    public static Analyzer For(string field) => field.EndsWith(".cjk", StringComparison.Ordinal) ? Chars : Words;

    public const string Signature = "test-analysis/v1";
}
