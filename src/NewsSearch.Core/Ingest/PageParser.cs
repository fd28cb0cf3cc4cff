using System.Security.Cryptography;
using System.Text;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Ingest;

/// <summary>
/// Turns one plain-text newspaper page dump into articles, continuations and notices.
/// <para>
/// The page is read as lines; each non-blank line is a unit (a paragraph, a headline line, a caption, a line of a
/// box). Units are classified by what they look like, boxes (weather, ads, notices) by their group of adjacent
/// lines. An article starts at the headline lines just above a byline, or at a headline carrying a known kicker;
/// it runs until the next start. Bodies are then repaired: captions are taken out, a paragraph that ends
/// mid-sentence is joined with the next text (a column jump) unless that text is a long block sharing little
/// vocabulary with the article (a continuation from another page), short headline-like lines become subheads.
/// </para>
/// </summary>
public static class PageParser
{
    internal enum UnitKind : byte { Text, Headline, Byline, OwnByline, Caption, Weather, Ad, Notice, Banner, Editor, Quote }

    internal struct Unit
    {
        public int Line;   // 1-based
        public int Start;  // UTF-16 index into the page text
        public int Length;
        public int Group;  // units of one group have no blank line between them
        public UnitKind Kind;
        public bool Open;  // ends mid-sentence
    }

    public static ParsedPage Parse(string text, PageParseOptions? options = null) =>
        new Run(text ?? throw new ArgumentNullException(nameof(text)), options ?? new PageParseOptions()).Parse();

    private sealed class Draft
    {
        public ArticleKind Kind;
        public string? Kicker, Title, Subtitle;
        public List<string> Reporters = [], Correspondents = [];
        public Dateline? Dateline;
        public int FirstLine, LastLine, FirstUnit;
        public readonly List<string> Captions = [];
        /// <summary>The body so far: paragraphs separated by '\n' (one builder per record, no string per paragraph).</summary>
        public readonly StringBuilder Body = new(256);
        public int ParagraphCount;
        /// <summary>A paragraph is open for appending (the last one in <see cref="Body"/>).</summary>
        public bool InParagraph;
        public bool CurrentOpen;
        /// <summary>Character pairs of title and body up to <see cref="KnownUpTo"/>, built on first need.</summary>
        public HashSet<int>? KnownPairs;
        public int KnownUpTo;

        public void StartParagraph(ReadOnlySpan<char> text)
        {
            if (ParagraphCount > 0) Body.Append('\n');
            Body.Append(text);
            ParagraphCount++;
            InParagraph = true;
        }

        public string FirstParagraph()
        {
            var body = Body.ToString();
            int nl = body.IndexOf('\n');
            return nl < 0 ? body : body[..nl];
        }
    }

    private readonly record struct Start(int FirstUnit, int BodyUnit, List<int> Headlines, List<int> Captions, Byline? Byline);

    private sealed class Run(string text, PageParseOptions options)
    {
        private readonly List<Unit> _units = new(64);
        private readonly Dictionary<int, Byline> _bylines = [];
        private readonly List<string> _warnings = [];
        private readonly List<Draft> _drafts = [];
        private readonly List<(int Unit, string Text)> _banners = [];
        private readonly List<(int Unit, string Text)> _editors = [];
        private readonly HashSet<int> _blockPairs = [];

        private ReadOnlySpan<char> Span(int i) => text.AsSpan(_units[i].Start, _units[i].Length);
        private string Str(int i) => text.Substring(_units[i].Start, _units[i].Length);

        public ParsedPage Parse()
        {
            SplitUnits();
            ClassifyUnits();
            var starts = FindStarts();
            BuildDrafts(starts);
            return Finish(starts);
        }

        // ---- 1. lines to units ------------------------------------------------------------------------------

        private void SplitUnits()
        {
            int line = 0, group = 0, pos = 0;
            bool blankSeen = false;
            while (pos <= text.Length)
            {
                int rel = text.AsSpan(pos).IndexOfAny('\r', '\n');
                int end = rel < 0 ? text.Length : pos + rel;
                line++;
                int s = pos, e = end;
                while (s < e && IsSpace(text[s])) s++;
                while (e > s && IsSpace(text[e - 1])) e--;
                if (e > s)
                {
                    if (blankSeen && _units.Count > 0) group++;
                    blankSeen = false;
                    _units.Add(new Unit { Line = line, Start = s, Length = e - s, Group = group });
                }
                else blankSeen = true;
                if (rel < 0) break;
                pos = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
                if (pos == text.Length) break;
            }
        }

        private static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is '\uFEFF' or '\u200B';

        // ---- 2. what each unit looks like ------------------------------------------------------------------

        private void ClassifyUnits()
        {
            var units = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_units);
            for (int i = 0; i < units.Length; i++)
            {
                var s = Span(i);
                ref var u = ref units[i];
                u.Open = IsOpen(s);
                u.Kind = ClassifyLine(i, s, u.Open);
            }
            // Boxes: several lines without blank lines between them are not running text.
            for (int i = 0; i < units.Length;)
            {
                int j = i;
                while (j + 1 < units.Length && units[j + 1].Group == units[i].Group) j++;
                if (j > i) ClassifyBox(units, i, j);
                i = j + 1;
            }
            for (int i = 0; i < units.Length; i++)
            {
                ref var u = ref units[i];
                // A short line right above an editor line is the section banner.
                if (u.Kind == UnitKind.Headline && u.Length <= 10 && i + 1 < units.Length && units[i + 1].Kind == UnitKind.Editor)
                    u.Kind = UnitKind.Banner;
                // The quotation above a "——摘自…" line is part of the quote box.
                if (u.Kind == UnitKind.Quote && i > 0 && units[i - 1].Kind is UnitKind.Text or UnitKind.Headline && units[i - 1].Length <= 160)
                {
                    var q = Span(i - 1);
                    if (q[0] is '“' or '"' or '「' && q[^1] is '”' or '"' or '」') units[i - 1].Kind = UnitKind.Quote;
                }
                // Ads run on over the short lines after them (广告 / 接待 / 热线 / number).
                if (u.Kind == UnitKind.Ad)
                {
                    int k = i + 1;
                    while (k < units.Length && units[k].Length <= 12 && units[k].Kind is UnitKind.Headline or UnitKind.Text or UnitKind.Ad)
                        units[k++].Kind = UnitKind.Ad;
                }
                if (u.Kind == UnitKind.Banner) _banners.Add((i, Str(i)));
                if (u.Kind == UnitKind.Editor)
                {
                    var s = Span(i);
                    if (s.StartsWith("责任编辑") || s.StartsWith("本版编辑"))
                    {
                        var name = s[4..].TrimStart(":：/ ");
                        int sp = name.IndexOfAny(' ', '\u3000', '\t');
                        if (sp > 0) name = name[..sp];
                        if (name.Length > 0) _editors.Add((i, name.ToString()));
                    }
                }
            }
        }

        private UnitKind ClassifyLine(int i, ReadOnlySpan<char> s, bool open)
        {
            if (IsEditorLine(s)) return UnitKind.Editor;
            if (IsBanner(s)) return UnitKind.Banner;
            if (s is "广告" || IsPhoneLine(s) || IsAdLine(s)) return UnitKind.Ad;
            if (IsWeatherLine(s)) return UnitKind.Weather;
            if (IsCaption(s)) return UnitKind.Caption;
            if (s.StartsWith("——") && (s.Contains("摘自", StringComparison.Ordinal) || s.Length <= 16) && s.Length <= 40)
                return UnitKind.Quote;
            if (s.Length >= 4 && s[0] is not '“' and not '"')
            {
                var b = Bylines.ParseLeading(s);
                if (b is not null) { _bylines[i] = b; return UnitKind.Byline; }
                if (s.Length <= 40)
                {
                    b = Bylines.ParseOwnLine(s);
                    if (b is not null) { _bylines[i] = b; return UnitKind.OwnByline; }
                }
            }
            if (IsNoticeLine(s)) return UnitKind.Notice;
            if (open && s.Length <= 60 && !s.Contains('。') && Balanced(s)) return UnitKind.Headline;
            return UnitKind.Text;
        }

        private void ClassifyBox(Span<Unit> units, int from, int to)
        {
            bool weather = false, ad = false, notice = false, allShort = true;
            for (int k = from; k <= to; k++)
            {
                var s = Span(k);
                if (units[k].Kind == UnitKind.Weather) weather = true;
                if (s is "广告" || s.Contains("热线", StringComparison.Ordinal)) ad = true;
                if (s.Contains("遗失", StringComparison.Ordinal) || s.Contains("作废", StringComparison.Ordinal)
                    || s.Contains("声明", StringComparison.Ordinal) || s.Contains("公告", StringComparison.Ordinal)) notice = true;
                if (s.Length > 30) allShort = false;
            }
            UnitKind? kind = weather ? UnitKind.Weather : ad && allShort ? UnitKind.Ad : notice && allShort ? UnitKind.Notice : null;
            if (kind is { } k2)
                for (int k = from; k <= to; k++)
                    if (units[k].Kind is not (UnitKind.Byline or UnitKind.OwnByline or UnitKind.Editor or UnitKind.Banner)) units[k].Kind = k2;
        }

        // ---- 3. where articles start ------------------------------------------------------------------------

        private List<Start> FindStarts()
        {
            var starts = new List<Start>();
            var taken = new bool[_units.Count];
            for (int b = 0; b < _units.Count; b++)
            {
                var kind = _units[b].Kind;
                if (kind is UnitKind.Byline or UnitKind.OwnByline)
                {
                    var heads = new List<int>();
                    var caps = new List<int>();
                    int first = b;
                    for (int j = b - 1; j >= 0 && !taken[j]; j--)
                    {
                        var k = _units[j].Kind;
                        if (k == UnitKind.Headline)
                        {
                            if (heads.Count == 4) break;
                            heads.Insert(0, j);
                            first = j;
                        }
                        else if (k is UnitKind.Caption or UnitKind.Quote) { }
                        else break;
                    }
                    // Captions between the headline and the byline belong to this article; those above the headline do not.
                    for (int j = first; j < b; j++)
                    {
                        taken[j] = true;
                        if (_units[j].Kind == UnitKind.Caption) caps.Add(j);
                    }
                    taken[b] = true;
                    if (heads.Count == 0)
                        _warnings.Add($"line {_units[b].Line}: byline without a headline");
                    starts.Add(new Start(first, b + 1, heads, caps, _bylines[b]));
                }
            }
            // Headlines with a column kicker start an article even without a byline.
            for (int h = 0; h < _units.Count; h++)
            {
                if (taken[h] || _units[h].Kind != UnitKind.Headline || !HasKicker(Span(h), out bool alone)) continue;
                var heads = new List<int> { h };
                if (alone && h + 1 < _units.Count && !taken[h + 1] && _units[h + 1].Kind == UnitKind.Headline) heads.Add(h + 1);
                else if (alone) continue;
                foreach (var x in heads) taken[x] = true;
                starts.Add(new Start(h, heads[^1] + 1, heads, [], null));
            }
            starts.Sort((a, b) => a.FirstUnit.CompareTo(b.FirstUnit));
            return starts;
        }

        private bool HasKicker(ReadOnlySpan<char> s, out bool alone)
        {
            alone = false;
            foreach (var k in options.KnownKickers)
            {
                if (s.SequenceEqual(k)) { alone = true; return true; }
                if (s.StartsWith(k, StringComparison.Ordinal) && s.Length > k.Length + 2 && IsSpace(s[k.Length])) return true;
            }
            int sp = s.IndexOfAny(' ', '\u3000');
            return sp is >= 4 and <= 12 && s.Length - sp > 4 && IsKickerToken(s[..sp]);
        }

        private static bool IsKickerToken(ReadOnlySpan<char> t) =>
            t.EndsWith("督办") || t.EndsWith("有理") || t.EndsWith("观察") || t.EndsWith("直击") || t.EndsWith("视点")
            || t.EndsWith("快评") || t.EndsWith("追踪") || t.EndsWith("纪事");

        // ---- 4. bodies ----------------------------------------------------------------------------------------

        private void BuildDrafts(List<Start> starts)
        {
            int firstStart = starts.Count > 0 ? starts[0].FirstUnit : _units.Count;
            if (firstStart > 0) BuildRegion(null, 0, firstStart);
            for (int k = 0; k < starts.Count; k++)
            {
                var st = starts[k];
                int end = k + 1 < starts.Count ? starts[k + 1].FirstUnit : _units.Count;
                var d = new Draft { Kind = ArticleKind.Article, FirstUnit = st.FirstUnit, FirstLine = _units[st.FirstUnit].Line };
                d.LastLine = _units[Math.Max(st.FirstUnit, st.BodyUnit - 1)].Line;
                AssignHeadline(d, st.Headlines.ConvertAll(Str));
                foreach (var c in st.Captions) d.Captions.Add(Str(c));
                if (st.Byline is { } b)
                {
                    d.Reporters = b.Reporters;
                    d.Correspondents = b.Correspondents;
                    d.Dateline = Datelines.Find(b.Source.Length > 0 && b.Source.Contains('日') ? b.Source + " " + b.Rest : b.Rest);
                    if (b.Rest.Length > 0) { d.StartParagraph(b.Rest); d.CurrentOpen = IsOpen(b.Rest); }
                }
                d.Title ??= "";
                _drafts.Add(d);
                BuildRegion(d, st.BodyUnit, end);
                // No dateline in a byline of its own: look at the first paragraph instead.
                if (d.Dateline is null && (st.Byline is null || st.Byline.Rest.Length == 0) && d.ParagraphCount > 0)
                    d.Dateline = Datelines.Find(d.FirstParagraph());
            }
        }

        /// <summary>Fills <paramref name="article"/> (or, when null, continuation records) from units [from, to).</summary>
        private void BuildRegion(Draft? article, int from, int to)
        {
            Draft? d = article;
            Draft? notice = null;
            for (int i = from; i < to; i++)
            {
                var u = _units[i];
                switch (u.Kind)
                {
                    case UnitKind.Caption:
                        if (d is null) { d = NewContinuation(i); }
                        d.Captions.Add(Str(i));
                        d.LastLine = u.Line;
                        continue;
                    case UnitKind.Notice:
                        if (notice is null || _units[i - 1].Kind != UnitKind.Notice)
                        {
                            notice = new Draft { Kind = ArticleKind.Notice, FirstUnit = i, FirstLine = u.Line };
                            _drafts.Add(notice);
                            notice.StartParagraph(Span(i));
                        }
                        else notice.Body.Append(Span(i));
                        notice.LastLine = u.Line;
                        continue;
                    case UnitKind.Weather or UnitKind.Ad or UnitKind.Banner or UnitKind.Editor or UnitKind.Quote:
                        continue;
                    case UnitKind.Byline or UnitKind.OwnByline:
                        continue; // only reachable for bylines already consumed by a start
                }
                var s = Span(i);
                if (d is null) d = NewContinuation(i);
                else if (d.InParagraph && d.CurrentOpen)
                {
                    if (IsForeignBlock(d, i, to))
                    {
                        _warnings.Add($"line {u.Line}: text after a paragraph ending mid-sentence reads as continued from another page; kept apart");
                        FlushParagraph(d);
                        _warnings.Add($"line {d.LastLine}: \"{Shorten(d.Title ?? "", 20)}\" ends mid-sentence (continues elsewhere?)");
                        d = NewContinuation(i);
                    }
                    else
                    {
                        if (IsAsciiLetter(d.Body[^1]) && IsAsciiLetter(s[0])) d.Body.Append(' ');
                        d.Body.Append(s);
                        d.CurrentOpen = u.Open;
                        d.LastLine = u.Line;
                        continue;
                    }
                }
                if (u.Kind == UnitKind.Headline && IsSubhead(s))
                {
                    FlushParagraph(d);
                    d.StartParagraph(CollapseSpaces(s));
                    FlushParagraph(d);
                    d.LastLine = u.Line;
                    continue;
                }
                FlushParagraph(d);
                d.StartParagraph(s);
                d.CurrentOpen = u.Open;
                d.LastLine = u.Line;
            }
            if (d is not null)
            {
                if (d.InParagraph && d.CurrentOpen && d.Kind == ArticleKind.Article)
                    _warnings.Add($"line {d.LastLine}: \"{Shorten(d.Title ?? "", 20)}\" ends mid-sentence (continues elsewhere?)");
                FlushParagraph(d);
            }
        }

        private Draft NewContinuation(int unit)
        {
            var d = new Draft { Kind = ArticleKind.Continuation, FirstUnit = unit, FirstLine = _units[unit].Line, LastLine = _units[unit].Line };
            _drafts.Add(d);
            return d;
        }

        private static void FlushParagraph(Draft d)
        {
            d.InParagraph = false;
            d.CurrentOpen = false;
        }

        /// <summary>
        /// True when units [i, to) are a long run of text with little vocabulary in common with the article so far:
        /// text continued from some other article, not the other half of a sentence cut by a column jump.
        /// </summary>
        private const int BlockWindow = 800;

        private bool IsForeignBlock(Draft d, int i, int to)
        {
            // Look at most BlockWindow characters ahead and back, so a page of endless open lines stays linear.
            int chars = 0, last = i;
            for (; last < to && chars < BlockWindow; last++)
                if (_units[last].Kind is UnitKind.Text or UnitKind.Headline) chars += _units[last].Length;
            if (chars < options.MinFragmentChars) return false;
            // The article's pairs are collected once per record and then only for text appended since.
            if (d.KnownPairs is null)
            {
                d.KnownPairs = [];
                AddPairs(d.KnownPairs, d.Title);
                AddPairs(d.KnownPairs, d.Subtitle);
            }
            var known = d.KnownPairs;
            if (d.KnownUpTo < d.Body.Length)
            {
                int from = Math.Max(0, d.KnownUpTo - 1), pos = 0;
                foreach (var chunk in d.Body.GetChunks())
                {
                    var span = chunk.Span;
                    if (pos + span.Length > from) AddPairs(known, span[Math.Max(0, from - pos)..]);
                    pos += span.Length;
                }
                d.KnownUpTo = d.Body.Length;
            }
            var block = _blockPairs;
            block.Clear();
            for (int k = i; k < last; k++)
                if (_units[k].Kind is UnitKind.Text or UnitKind.Headline) AddPairs(block, Span(k));
            if (block.Count == 0) return false;
            int shared = 0;
            foreach (var p in block) if (known.Contains(p)) shared++;
            double jaccard = (double)shared / (block.Count + known.Count - shared);
            return jaccard < options.FragmentOverlap;
        }

        private static void AddPairs(HashSet<int> set, ReadOnlySpan<char> s)
        {
            for (int k = 0; k + 1 < s.Length; k++)
                if (char.IsLetterOrDigit(s[k]) && char.IsLetterOrDigit(s[k + 1]) && (s[k] > 0x2E80 || s[k + 1] > 0x2E80))
                    set.Add(s[k] << 16 | s[k + 1]);
        }

        // ---- 5. headlines, dates, ids ----------------------------------------------------------------------

        private void AssignHeadline(Draft d, List<string> raw)
        {
            var lines = raw.ConvertAll(l => CollapseSpaces(l));
            if (lines.Count == 0) return;
            // A known column name, alone on its line or in front of the headline.
            for (int i = 0; i < lines.Count && d.Kicker is null; i++)
            {
                var l = lines[i];
                foreach (var k in options.KnownKickers)
                {
                    if (l == k && lines.Count > 1) { d.Kicker = k; lines.RemoveAt(i); break; }
                    if (l.StartsWith(k + " ", StringComparison.Ordinal)) { d.Kicker = k; lines[i] = l[(k.Length + 1)..]; break; }
                }
                if (d.Kicker is null)
                {
                    int sp = l.IndexOf(' ');
                    if (sp is >= 4 and <= 12 && l.Length - sp > 4 && IsKickerToken(l.AsSpan(0, sp))) { d.Kicker = l[..sp]; lines[i] = l[(sp + 1)..]; }
                }
            }
            if (d.Kicker is null && lines.Count >= 2 && IsKickerLike(lines[0])) { d.Kicker = lines[0]; lines.RemoveAt(0); }
            if (lines.Count == 0) return;
            string title = lines[0];
            int next = 1;
            // Two-line headline: the first line visibly runs on.
            if (lines.Count > 1 && (title.EndsWith('—') || title.EndsWith('：') || title.EndsWith(':') || title.EndsWith('，') || title.EndsWith('、')))
            {
                title += lines[1];
                next = 2;
            }
            d.Title = title;
            var sub = new List<string>();
            for (int i = next; i < lines.Count; i++)
            {
                if (lines[i].Length <= 6 && d.Kicker is null) d.Kicker = lines[i];
                else sub.Add(lines[i].TrimStart('—', '-', ' '));
            }
            if (sub.Count > 0) d.Subtitle = string.Join(" ", sub);
        }

        private static bool IsKickerLike(string s) =>
            s.StartsWith("学习贯彻") || s.StartsWith("深入学习") || s.StartsWith("贯彻落实") || s.StartsWith("奋进")
            || s.StartsWith("喜迎") || s.StartsWith("聚焦") || s.StartsWith("践行") || s.EndsWith("精神") || s.EndsWith("系列报道")
            || s.EndsWith("进行时");

        private ParsedPage Finish(List<Start> starts)
        {
            string file = options.SourceFile ?? "";
            // Year: caller, else the page, else the file's time.
            int? year = null; string yearHow = "none";
            if (options.Date is { } cd) { year = cd.Year; yearHow = "caller-date"; }
            else if (options.Year is { } cy) { year = cy; yearHow = "caller-year"; }
            else if (Datelines.YearFromText(text) is { } py) { year = py; yearHow = "page-year"; }
            else if (options.FileTime is { } ft) { year = ft.Year; yearHow = "file-year"; }

            // Page date: the caller's, else the most common dateline date on the page.
            DateOnly? pageDate = options.Date;
            string pageHow = "caller-date";
            if (pageDate is null)
            {
                var counts = new Dictionary<DateOnly, int>();
                foreach (var d in _drafts)
                    if (d.Dateline is { PageRelative: false } dl && dl.Resolve(year, null) is { } dt)
                        counts[dt] = counts.GetValueOrDefault(dt) + 1;
                if (counts.Count > 0)
                {
                    pageDate = counts.OrderByDescending(p => p.Value).ThenByDescending(p => p.Key).First().Key;
                    pageHow = "most-common-dateline+" + yearHow;
                }
                else pageHow = "none";
            }

            var articles = new List<Article>(_drafts.Count);
            var ids = new HashSet<string>();
            _drafts.Sort((a, b) => a.FirstLine.CompareTo(b.FirstLine));
            foreach (var d in _drafts)
            {
                if (d.Kind == ArticleKind.Notice) FlushParagraph(d);
                if (d.ParagraphCount == 0 && d.Kind != ArticleKind.Article) continue;
                if (d.Kind != ArticleKind.Article || string.IsNullOrEmpty(d.Title))
                    d.Title = Shorten(d.ParagraphCount > 0 ? d.FirstParagraph() : d.Captions.FirstOrDefault() ?? "", 24);
                DateOnly? date; string how;
                if (d.Dateline is { } dl)
                {
                    date = dl.Resolve(year, pageDate);
                    how = dl.PageRelative ? $"{dl.Text}=page-date({pageHow})"
                        : dl.ExplicitYear is not null ? $"dateline {dl.Text}"
                        : $"dateline {dl.Text}+{yearHow}";
                    if (date is null) _warnings.Add($"line {d.FirstLine}: dateline {dl.Text} could not be resolved (no year known)");
                }
                else { date = pageDate; how = pageDate is null ? "none" : $"page-date({pageHow})"; }
                string key = d.Kind == ArticleKind.Article ? d.Title : d.FirstParagraph();
                string id = MakeId(file, d.Kind, key);
                for (int n = 2; !ids.Add(id); n++) id = MakeId(file, d.Kind, key + "#" + n);
                articles.Add(new Article
                {
                    Id = id,
                    Kind = d.Kind,
                    Title = d.Title,
                    Subtitle = d.Subtitle,
                    Kicker = d.Kicker,
                    Reporters = d.Reporters,
                    Correspondents = d.Correspondents,
                    PublishedAt = date,
                    DateSource = date is null ? null : how,
                    Section = SectionFor(_banners, d.FirstUnit, starts),
                    Editor = SectionFor(_editors, d.FirstUnit, starts),
                    SourceFile = string.IsNullOrEmpty(file) ? null : file,
                    SourceStartLine = d.FirstLine,
                    SourceEndLine = d.LastLine,
                    Body = d.Body.ToString(),
                    Captions = d.Captions,
                });
            }
            return new ParsedPage
            {
                Articles = articles,
                Section = _banners.Count > 0 ? _banners[0].Text : null,
                Editor = _editors.Count > 0 ? _editors[0].Text : null,
                PageDate = pageDate,
                PageDateSource = pageDate is null ? null : pageHow,
                Warnings = _warnings,
            };
        }

        /// <summary>
        /// The banner (or editor line) in force at a unit: the last one above it. A page whose banner sits below all
        /// of its articles (some dumps print it at the foot) gives that banner to every article.
        /// </summary>
        private static string? SectionFor(List<(int Unit, string Text)> marks, int unit, List<Start> starts)
        {
            string? found = null;
            int lo = 0, hi = marks.Count - 1; // marks are in unit order: the last one above the unit
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (marks[mid].Unit < unit) { found = marks[mid].Text; lo = mid + 1; } else hi = mid - 1;
            }
            if (found is null && marks.Count > 0 && starts.Count > 0 && marks[0].Unit > starts[^1].FirstUnit) found = marks[0].Text;
            return found;
        }
    }

    /// <summary>"p" + 16 hex digits of SHA-256 over file name, kind and normalized key text.</summary>
    internal static string MakeId(string file, ArticleKind kind, string key)
    {
        var sb = new StringBuilder(file.Length + key.Length + 8);
        sb.Append(file).Append('\n').Append(kind switch { ArticleKind.Notice => 'n', ArticleKind.Continuation => 'c', _ => 'a' }).Append('\n');
        int n = 0;
        foreach (char c in key)
        {
            if (IsSpaceChar(c)) continue;
            sb.Append(c);
            if (++n == 64) break;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        return "p" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private static bool IsSpaceChar(char c) => char.IsWhiteSpace(c) || c is '\uFEFF' or '\u200B';

    // ---- line tests (internal for tests) -------------------------------------------------------------------

    /// <summary>Ends mid-sentence: the last character (closing quotes aside) is not sentence-final.</summary>
    internal static bool IsOpen(ReadOnlySpan<char> s)
    {
        int e = s.Length;
        while (e > 0 && (s[e - 1] is '”' or '’' or '」' or '』' or ')' or '）' or '》' or '"' or '\'' || IsSpaceChar(s[e - 1]))) e--;
        if (e == 0) return false;
        return s[e - 1] is not ('。' or '！' or '？' or '!' or '?' or '；' or ';' or '…' or '：' or ':' or '.');
    }

    private static bool Balanced(ReadOnlySpan<char> s)
    {
        int q = 0, b = 0;
        foreach (char c in s)
        {
            if (c == '“') q++; else if (c == '”') q--;
            else if (c == '《') b++; else if (c == '》') b--;
        }
        return q == 0 && b == 0;
    }

    /// <summary>A short, balanced, headline-like line in running text: "暖心服务 保障重点群体就业".</summary>
    internal static bool IsSubhead(ReadOnlySpan<char> s)
    {
        if (s.Length > 30 || s.Length < 4) return false;
        int commas = 0, comma = -1;
        for (int i = 0; i < s.Length; i++) if (s[i] is '，' or ',') { commas++; comma = i; }
        if (commas > 1) return false;
        if (commas == 1)
        {
            int left = comma, right = s.Length - comma - 1;
            // "退卡退费无时限,市民不必扎堆办理" has two halves; "市民刘先生排队至窗口,提交" is a sentence cut short.
            if (left < 4 || right < 4 || Math.Min(left, right) * 5 < Math.Max(left, right) * 2) return false;
        }
        return true;
    }

    internal static bool IsCaption(ReadOnlySpan<char> s)
    {
        if (s.Length is < 3 or > 160) return false;
        var t = s.TrimEnd();
        if (t[^1] == '摄')
        {
            var r = t[..^1].TrimEnd();
            int e = r.Length, b = e;
            while (b > 0 && char.IsLetter(r[b - 1])) b--;
            var run = r[b..e];
            if (run.StartsWith("记者") && run.Length is >= 4 and <= 6) return true;
            if (run.StartsWith("摄影") && run.Length is >= 4 and <= 6) return true;
            return run.Length is >= 2 and <= 5 && b > 0 && r[b - 1] is '/' or '／' or ' ' or '\u3000' or '。' or ':' or '：' or ')' or '）';
        }
        t = t.TrimEnd(")）");
        if (t.EndsWith("资料图") || t.EndsWith("供图") || t.EndsWith("资料图片")) return true;
        return (s.StartsWith("图为") || s.StartsWith("图:") || s.StartsWith("图：")) && s.Length <= 100;
    }

    private static bool IsWeatherLine(ReadOnlySpan<char> s)
    {
        if (s.Length <= 24 && s.Contains('℃') && !s.Contains('。')) return true;
        if (s.StartsWith("风力") || s.StartsWith("风向")) return s.Length <= 30;
        return s.Length <= 40 && s[0] is '(' or '（' && s.Contains("气象台", StringComparison.Ordinal) && s.Contains("发布", StringComparison.Ordinal);
    }

    /// <summary>"广告 接待热线 28835396" on one line, or a short hotline line with a number.</summary>
    private static bool IsAdLine(ReadOnlySpan<char> s)
    {
        if (s.Length > 30 || s[^1] is '。' or '！' or '？') return false;
        if (s.StartsWith("广告") && (s.Length == 2 || IsSpaceChar(s[2]))) return true;
        if (!s.Contains("热线", StringComparison.Ordinal) && !s.Contains("电话", StringComparison.Ordinal)) return false;
        int digits = 0;
        foreach (char c in s) if (c is >= '0' and <= '9') digits++;
        return digits >= 7;
    }

    private static bool IsPhoneLine(ReadOnlySpan<char> s)
    {
        int digits = 0;
        foreach (char c in s)
        {
            if (c is >= '0' and <= '9') digits++;
            else if (!(c is '-' or '—' or ' ' or '、' or '/' or '(' or ')' or '（' or '）')) return false;
        }
        return digits >= 7;
    }

    private static bool IsEditorLine(ReadOnlySpan<char> s)
    {
        if (s.Length > 40) return false;
        foreach (var p in (ReadOnlySpan<string>)["责任编辑", "本版编辑", "美术编辑", "美编", "校对", "版式", "组版", "编辑"])
            if (s.StartsWith(p, StringComparison.Ordinal) && s.Length > p.Length && s[p.Length] is ':' or '：' or '/' or ' ') return true;
        return false;
    }

    private static bool IsBanner(ReadOnlySpan<char> s)
    {
        if (s.Length is < 5 or > 15) return false;
        int dot = s.IndexOfAny('·', '•', '・');
        if (dot < 2 || s.Length - dot - 1 < 2) return false;
        foreach (char c in s) if (!(char.IsLetter(c) || c is '·' or '•' or '・')) return false;
        return true;
    }

    private static bool IsNoticeLine(ReadOnlySpan<char> s)
    {
        if (s.Length > 150) return false;
        if (s.StartsWith("遗失声明") || s.StartsWith("注销公告") || s.StartsWith("清算公告") || s.StartsWith("减资公告")) return true;
        return (s.Contains("遗失", StringComparison.Ordinal) || s.Contains("丢失", StringComparison.Ordinal))
            && (s.Contains("作废", StringComparison.Ordinal) || s.Contains("声明", StringComparison.Ordinal));
    }

    private static bool IsAsciiLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    internal static string CollapseSpaces(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        bool space = false;
        foreach (char c in s)
        {
            if (IsSpaceChar(c)) { space = sb.Length > 0; continue; }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    internal static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
