using NUnit.Framework;
using NewsSearch.Core.Analysis;
using NewsSearch.Core.Search;

namespace NewsSearch.Core.Tests.Search;

/// <summary>
/// Small stand-ins for the news analysis, following its position scheme: a token's position is the index of its
/// first char in CJK units (each CJK char advances 1, a Latin/number token 1, sentence punctuation adds a gap).
/// Words: greedy longest match over a tiny dictionary (unknown CJK chars become one-char words), with sub-words of
/// long words stacked at their own char positions. Grams: CJK bigrams at their char index, unigram for a lone char.
/// </summary>
internal static class TestAnalyzers
{
    public static readonly string[] Dictionary =
    [
        "公共", "自行车", "公共自行车", "押金", "退还", "启动", "市民", "办理", "手续", "今天", "开始", "工作日",
        "轨道", "交通", "轨道交通", "安全", "检查", "集团", "开展", "公司", "参加", "发展", "中国", "国家",
        "发展中国家", "代表团", "来访", "参观", "中车", "高铁", "车辆", "生产线", "经济", "合作", "重点", "社区",
        "图书馆", "开放", "学生", "门口", "数据", "显示", "城市", "志愿者", "服务", "老人", "提供", "健康",
        "稳健", "宁静", "生活", "眼镜", "体验", "活动", "疫情", "之后", "热线", "收到", "版本", "反馈", "比赛",
        "记者", "本报", "新闻", "免费", "可以", "代表", "大检查", "医疗", "保险", "医疗保险", "报销", "比例", "提高", "医院",
        "门诊", "夜间", "开设", "公园", "街道", "居民", "城乡",
    ];

    public static readonly HashSet<string> StopWords = ["的", "了", "在", "是"];

    public static readonly Analyzer WordIndex = new WordAnalyzer(query: false);
    public static readonly Analyzer WordQuery = new WordAnalyzer(query: true);
    public static readonly Analyzer Gram = new GramAnalyzer();

    public static Analyzer For(string field, bool query) =>
        field.EndsWith(".cjk", StringComparison.Ordinal) ? Gram : query ? WordQuery : WordIndex;

    public static SearchAnalyzers Analyzers { get; } = new(f => For(f, true), f => For(f, false));

    internal static bool IsCjk(char c) => c >= 0x4E00 && c <= 0x9FFF;

    private static bool IsSentenceEnd(char c) => c is '。' or '！' or '？' or '；' or '，' or '\n';

    private readonly record struct Tok(string Term, int Position, int Start, int End, TokenType Type);

    private sealed class WordAnalyzer(bool query) : Analyzer
    {
        public override string Name => query ? "test-words-query" : "test-words";
        public override TokenStream CreateTokenStream() => new ListStream(Tokenize);

        private IEnumerable<Tok> Tokenize(string text)
        {
            var dict = new HashSet<string>(Dictionary);
            int pos = 0, i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (IsCjk(c))
                {
                    int len = 1;
                    for (int l = Math.Min(6, text.Length - i); l >= 2; l--)
                        if (dict.Contains(text.Substring(i, l))) { len = l; break; }
                    string word = text.Substring(i, len);
                    if (!(query && StopWords.Contains(word)))
                        yield return new Tok(word, pos, i, i + len, TokenType.Word);
                    if (len >= 3)
                    {
                        // Dictionary words inside the long word, stacked at their own char positions.
                        for (int s = 0; s < len; s++)
                            for (int l = len - s - (s == 0 ? 1 : 0); l >= 2; l--)
                                if (dict.Contains(text.Substring(i + s, l)))
                                    yield return new Tok(text.Substring(i + s, l), pos + s, i + s, i + s + l, TokenType.SubWord);
                    }
                    pos += len;
                    i += len;
                }
                else if (char.IsLetterOrDigit(c))
                {
                    int start = i;
                    while (i < text.Length && !IsCjk(text[i]) && (char.IsLetterOrDigit(text[i])
                        || (text[i] is '-' or '.' && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]) && !IsCjk(text[i + 1]))))
                        i++;
                    yield return new Tok(text[start..i].ToLowerInvariant(), pos, start, i,
                        char.IsDigit(text[start]) ? TokenType.Number : TokenType.Latin);
                    pos++;
                }
                else
                {
                    if (IsSentenceEnd(c)) pos++;
                    i++;
                }
            }
        }
    }

    private sealed class GramAnalyzer : Analyzer
    {
        public override string Name => "test-grams";
        public override TokenStream CreateTokenStream() => new ListStream(Tokenize);

        private static IEnumerable<Tok> Tokenize(string text)
        {
            int pos = 0, i = 0;
            while (i < text.Length)
            {
                if (IsCjk(text[i]))
                {
                    int start = i;
                    while (i < text.Length && IsCjk(text[i])) i++;
                    if (i - start == 1) yield return new Tok(text[start..i], pos, start, i, TokenType.Unigram);
                    for (int k = start; k + 1 < i; k++)
                        yield return new Tok(text.Substring(k, 2), pos + (k - start), k, k + 2, TokenType.Bigram);
                    pos += i - start;
                }
                else if (char.IsLetterOrDigit(text[i]))
                {
                    while (i < text.Length && char.IsLetterOrDigit(text[i]) && !IsCjk(text[i])) i++;
                    pos++;
                }
                else
                {
                    if (IsSentenceEnd(text[i])) pos++;
                    i++;
                }
            }
        }
    }

    /// <summary>Precomputes the tokens of a text and replays them with increments derived from positions.</summary>
    private sealed class ListStream(Func<string, IEnumerable<Tok>> tokenize) : TokenStream
    {
        private List<Tok> _tokens = [];
        private int _next;
        private int _lastPosition;

        public override void SetText(string text)
        {
            _tokens = tokenize(text).OrderBy(t => t.Position).ThenByDescending(t => t.End - t.Start).ToList();
            _next = 0;
            _lastPosition = -1;
        }

        public override bool IncrementToken()
        {
            if (_next >= _tokens.Count) return false;
            var t = _tokens[_next++];
            SetTerm(t.Term);
            StartOffset = t.Start;
            EndOffset = t.End;
            PositionIncrement = t.Position - _lastPosition;
            _lastPosition = t.Position;
            Type = t.Type;
            return true;
        }
    }
}
