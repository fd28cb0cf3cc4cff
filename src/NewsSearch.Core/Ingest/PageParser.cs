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
    internal enum UnitKind : byte { Text, Headline, Byline, OwnByline, Caption, Weather, Ad, Notice, Banner, Editor, Quote, Jump, Box }

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
        private readonly HashSet<int> _trailingBylines = [];
        private DateOnly? _folioDate;

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
            MarkPageHeadBanners(units);
            MarkBoxes(units);
            for (int i = 0; i < units.Length; i++)
            {
                ref var u = ref units[i];
                // A short line right above an editor line is the section banner.
                if (u.Kind == UnitKind.Headline && u.Length <= 10 && i + 1 < units.Length && units[i + 1].Kind == UnitKind.Editor)
                    u.Kind = UnitKind.Banner;
                // "——某某" under a quotation is its attribution (a subtitle line "——…" has no quotation above).
                if (u.Kind == UnitKind.Headline && u.Length <= 20 && i > 0 && Span(i).StartsWith("——") && IsFullQuote(Span(i - 1)))
                    u.Kind = UnitKind.Quote;
                // The quotation above a "——摘自…" line is part of the quote box.
                if (u.Kind == UnitKind.Quote && i > 0 && units[i - 1].Kind is UnitKind.Text or UnitKind.Headline && units[i - 1].Length <= 160)
                {
                    if (IsFullQuote(Span(i - 1))) units[i - 1].Kind = UnitKind.Quote;
                }
                // Ads run on over the short lines after them in their group (广告 / 接待 / 热线 / number); a blank line
                // ends the ad (a short headline may follow it).
                if (u.Kind == UnitKind.Ad)
                {
                    int k = i + 1;
                    while (k < units.Length && units[k].Group == u.Group && units[k].Length <= 12 && units[k].Kind is UnitKind.Headline or UnitKind.Text or UnitKind.Ad)
                        units[k++].Kind = UnitKind.Ad;
                }
                if (u.Kind == UnitKind.Banner) _banners.Add((i, SectionName(Span(i)) is { Length: >= 2 } name ? name : Str(i)));
                if (u.Kind == UnitKind.Editor)
                {
                    var s = Span(i);
                    if (s.StartsWith("本版")) s = s[2..];
                    int role = s.StartsWith("责任编辑") ? 4 : s.StartsWith("责编") ? 2 : s.StartsWith("编辑") ? 2 : 0;
                    if (role > 0)
                    {
                        var name = s[role..].TrimStart(":：/ \u3000");
                        int sp = name.IndexOfAny(' ', '\u3000', '\t');
                        if (sp > 0) name = name[..sp];
                        if (name.Length > 0) _editors.Add((i, name.ToString()));
                    }
                }
            }
        }

        private UnitKind ClassifyLine(int i, ReadOnlySpan<char> s, bool open)
        {
            if (JumpMarkerLength(s, atStart: true) == s.Length) return UnitKind.Jump;
            if (s.Length <= 40 && IsFolio(s, out var folioDate))
            {
                _folioDate ??= folioDate;
                // "A3 要闻", "第2版 本地": the page's section; a bare page number or date is dropped.
                return SectionName(s).Length >= 2 ? UnitKind.Banner : UnitKind.Jump;
            }
            if (IsEditorLine(s)) return UnitKind.Editor;
            if (IsBanner(s)) return UnitKind.Banner;
            if (s is "广告" || IsPhoneLine(s) || IsAdLine(s)) return UnitKind.Ad;
            if (IsWeatherLine(s)) return UnitKind.Weather;
            if (IsCaption(s)) return UnitKind.Caption;
            if (s.StartsWith("——") && s.Contains("摘自", StringComparison.Ordinal) && s.Length <= 40) return UnitKind.Quote;
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
            // Headlines may ask or exclaim ("端午出游，你准备好了吗？"); a quoted exclamation ends with ” and is not one.
            if (s.Length <= 40 && s[^1] is '？' or '！' or '?' or '!' && !s.Contains('。') && Balanced(s)) return UnitKind.Headline;
            return UnitKind.Text;
        }

        /// <summary>
        /// A section banner at the head of a page (本地, 综合新闻, "时政 2026年6月1日"): the page's first line (folios and
        /// editor lines aside), short, alone in its group, not right above a byline (that would be a short headline).
        /// </summary>
        private void MarkPageHeadBanners(Span<Unit> units)
        {
            for (int i = 0; i < units.Length; i++)
            {
                ref var u = ref units[i];
                if (u.Kind is UnitKind.Text or UnitKind.Byline or UnitKind.OwnByline or UnitKind.Caption or UnitKind.Notice) return;
                if (u.Kind is UnitKind.Jump or UnitKind.Banner or UnitKind.Editor) continue;
                if (u.Kind != UnitKind.Headline) return;
                bool alone = (i == 0 || units[i - 1].Group != u.Group) && (i + 1 == units.Length || units[i + 1].Group != u.Group);
                int next = i + 1;
                while (next < units.Length && units[next].Kind == UnitKind.Jump) next++;
                if (!alone || next == units.Length || units[next].Kind is UnitKind.Byline or UnitKind.OwnByline) return;
                var name = SectionName(Span(i));
                if (name.Length is >= 2 and <= 6 && AllLetters(name)) u.Kind = UnitKind.Banner;
                return; // only the page's first line: a short line below it is a kicker
            }
        }

        /// <summary>
        /// A box: a short heading (今日提醒, 服务信息, 今日天气 …) over the lines of a box — the rest of its own group, or the
        /// next group when that has several lines (running text is one line per paragraph), or a run of list or
        /// "项目：内容" lines. Heading and lines are not part of any article; a group that ends right above a byline is a
        /// headline, never a box.
        /// </summary>
        private void MarkBoxes(Span<Unit> units)
        {
            for (int h = 0; h < units.Length; h++)
            {
                if (units[h].Kind != UnitKind.Headline || CollapsedLength(Span(h)) > 10) continue;
                int g = units[h].Group;
                int end = h + 1; // box lines are [h + 1, end)
                if (end < units.Length && units[end].Group == g)
                    while (end < units.Length && units[end].Group == g) end++;
                else if (end < units.Length)
                {
                    int g2 = units[end].Group, e2 = end;
                    while (e2 < units.Length && units[e2].Group == g2) e2++;
                    if (e2 - end >= 2) end = e2;
                    else while (end < units.Length && units[end].Length <= 60 && IsListLine(Span(end)) && units[end].Kind is UnitKind.Text or UnitKind.Headline) end++;
                }
                if (end == h + 1) continue;
                bool lines = true;
                for (int k = h + 1; k < end && lines; k++)
                    lines = units[k].Length <= 60 && units[k].Kind is UnitKind.Text or UnitKind.Headline or UnitKind.Weather or UnitKind.Ad or UnitKind.Caption;
                if (!lines || end < units.Length && units[end].Kind is UnitKind.Byline or UnitKind.OwnByline) continue;
                for (int k = h; k < end; k++)
                    if (units[k].Kind is UnitKind.Text or UnitKind.Headline) units[k].Kind = UnitKind.Box;
                h = end - 1;
            }
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
                    if (heads.Count == 0 && _bylines[b].Rest.Length == 0 && b > 0
                        && (_units[b - 1].Kind is UnitKind.Text or UnitKind.Caption
                            || _units[b - 1].Kind == UnitKind.Byline && _bylines[b - 1].Rest.Length > 0))
                    {
                        // "(记者 张三)" or "本报记者 张三" after the text: the byline of the article above, printed at its end.
                        _trailingBylines.Add(b);
                        continue;
                    }
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
                    var lead = b.Rest.AsSpan();
                    int jump = JumpMarkerLength(lead, atStart: false);
                    if (jump > 0) lead = lead[..^jump].TrimEnd();
                    if (lead.Length > 0) { d.StartParagraph(lead); d.CurrentOpen = jump == 0 && IsOpen(lead); }
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
                    case UnitKind.Weather or UnitKind.Ad or UnitKind.Banner or UnitKind.Editor or UnitKind.Quote or UnitKind.Jump or UnitKind.Box:
                        continue;
                    case UnitKind.Byline or UnitKind.OwnByline:
                        // Only trailing bylines reach here (the others start articles).
                        if (d is not null && d.Reporters.Count + d.Correspondents.Count == 0 && _bylines.TryGetValue(i, out var tb))
                        {
                            d.Reporters = tb.Reporters;
                            d.Correspondents = tb.Correspondents;
                            d.LastLine = u.Line;
                        }
                        continue;
                }
                var s = Span(i);
                bool open = u.Open;
                // "(上接第1版)" opens text continued from another page; "(下转第2版)" ends text continued elsewhere.
                if (JumpMarkerLength(s, atStart: true) is > 0 and var head)
                {
                    s = s[head..].TrimStart();
                    if (d is not null && d.ParagraphCount > 0) FlushParagraph(d);
                    if (d is null || d.ParagraphCount > 0 || d.Kind != ArticleKind.Continuation) d = NewContinuation(i);
                }
                if (JumpMarkerLength(s, atStart: false) is > 0 and var tail)
                {
                    s = s[..^tail].TrimEnd();
                    open = false;
                }
                if (s.Length == 0) continue;
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
                        d.CurrentOpen = open;
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
                d.CurrentOpen = open;
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
            // The record's pairs are collected once and then only for text appended since (one record at a time).
            var known = t_known ??= new PairBits();
            var block = t_block ??= new PairBits();
            if (!ReferenceEquals(_knownOwner, d))
            {
                known.Clear();
                _knownOwner = d;
                _knownUpTo = 0;
                AddPairs(known, d.Title);
                AddPairs(known, d.Subtitle);
            }
            if (_knownUpTo < d.Body.Length)
            {
                int from = Math.Max(0, _knownUpTo - 1), pos = 0;
                foreach (var chunk in d.Body.GetChunks())
                {
                    var span = chunk.Span;
                    if (pos + span.Length > from) AddPairs(known, span[Math.Max(0, from - pos)..]);
                    pos += span.Length;
                }
                _knownUpTo = d.Body.Length;
            }
            block.Clear();
            int shared = 0;
            for (int k = i; k < last; k++)
            {
                if (_units[k].Kind is not (UnitKind.Text or UnitKind.Headline)) continue;
                var t = Span(k);
                for (int c = 0; c + 1 < t.Length; c++)
                    if (IsPair(t[c], t[c + 1]) && block.Add(t[c], t[c + 1]) && known.Contains(t[c], t[c + 1])) shared++;
            }
            if (block.Count == 0) return false;
            double jaccard = (double)shared / (block.Count + known.Count - shared);
            return jaccard < options.FragmentOverlap;
        }

        private static void AddPairs(PairBits set, ReadOnlySpan<char> s)
        {
            for (int k = 0; k + 1 < s.Length; k++)
                if (IsPair(s[k], s[k + 1])) set.Add(s[k], s[k + 1]);
        }

        /// <summary>Two adjacent letters or digits, at least one of them CJK: the unit of vocabulary compared.</summary>
        private static bool IsPair(char a, char b) => char.IsLetterOrDigit(a) && char.IsLetterOrDigit(b) && (a > 0x2E80 || b > 0x2E80);

        [ThreadStatic] private static PairBits? t_known, t_block;
        private Draft? _knownOwner;
        private int _knownUpTo;

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
            // A short line over a headline at least twice its length is a kicker (a column name or 引题: 民生关注).
            if (d.Kicker is null && lines.Count >= 2 && lines[0].Length <= 6 && lines[1].Length >= 2 * lines[0].Length && !lines[1].StartsWith('—'))
            {
                d.Kicker = lines[0];
                lines.RemoveAt(0);
            }
            if (lines.Count == 0) return;
            string title = lines[0];
            int next = 1;
            // Two-line headline: the first line visibly runs on ...
            if (lines.Count > 1 && (title.EndsWith('—') || title.EndsWith('：') || title.EndsWith(':') || title.EndsWith('，') || title.EndsWith('、')))
            {
                title += lines[1];
                next = 2;
            }
            // ... or two short lines of similar length (a headline set over two lines, printed as "A B" on one line).
            else if (lines.Count > 1 && title.Length <= 12 && lines[1].Length <= 12 && !lines[1].StartsWith('—')
                     && Math.Max(title.Length, lines[1].Length) <= 2 * Math.Min(title.Length, lines[1].Length))
            {
                title += " " + lines[1];
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
            else if (_folioDate is { } fd) { year = fd.Year; yearHow = "folio-year"; }
            else if (Datelines.YearFromText(text) is { } py) { year = py; yearHow = "page-year"; }
            else if (options.FileTime is { } ft) { year = ft.Year; yearHow = "file-year"; }

            // Page date: the caller's, else the most common dateline date on the page.
            DateOnly? pageDate = options.Date ?? _folioDate;
            string pageHow = options.Date is null ? "folio" : "caller-date";
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
            var legacyIds = new List<string>(_drafts.Count);
            var ids = new HashSet<string>();
            var legacySeen = new HashSet<string>();
            _drafts.Sort((a, b) => a.FirstLine.CompareTo(b.FirstLine));
            var kept = new List<Draft>(_drafts.Count);
            foreach (var d in _drafts)
            {
                if (d.Kind == ArticleKind.Notice) FlushParagraph(d);
                if (d.ParagraphCount == 0 && (d.Kind != ArticleKind.Article || string.IsNullOrEmpty(d.Title))) continue;
                if (d.Kind != ArticleKind.Article || string.IsNullOrEmpty(d.Title))
                    d.Title = Shorten(d.ParagraphCount > 0 ? d.FirstParagraph() : d.Captions.FirstOrDefault() ?? "", 24);
                kept.Add(d);
            }
            // An article's place on the page is its title where that is unique, else the title and its occurrence.
            var titleCounts = new Dictionary<string, int>();
            foreach (var d in kept)
                if (d.Kind == ArticleKind.Article) titleCounts[d.Title!] = titleCounts.GetValueOrDefault(d.Title!) + 1;
            var occurrence = new Dictionary<string, int>();
            DateOnly? idDate = options.Date ?? _folioDate ?? options.FallbackDate;
            foreach (var d in kept)
            {
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
                string place;
                if (d.Kind == ArticleKind.Article && titleCounts[d.Title!] == 1) place = d.Title!;
                else
                {
                    string basis = d.Kind == ArticleKind.Article ? d.Title! : d.Kind.ToString();
                    int nth = occurrence[basis] = occurrence.GetValueOrDefault(basis) + 1;
                    place = basis + "#" + nth;
                }
                string id = PageIds.MakeId(idDate, file, d.Kind, place);
                for (int n = 2; !ids.Add(id); n++) id = PageIds.MakeId(idDate, file, d.Kind, place + "#" + n);
                // The first id scheme (file name + title), so ingest can replace rows stored under it.
                string key = d.Kind == ArticleKind.Article ? d.Title! : d.FirstParagraph();
                string name = file.Contains('/') ? file[(file.LastIndexOf('/') + 1)..] : file;
                string legacy = PageIds.LegacyId(name, d.Kind, key);
                for (int n = 2; !legacySeen.Add(legacy); n++) legacy = PageIds.LegacyId(name, d.Kind, key + "#" + n);
                legacyIds.Add(legacy);
                articles.Add(new Article
                {
                    Id = id,
                    Kind = d.Kind,
                    Title = d.Title!,
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
                PageKey = PageIds.PageKey(idDate, file),
                LegacyIds = legacyIds,
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

    /// <summary>
    /// A set of character pairs as a 65,536-bit table (8 KB, reused per thread): a pair hashes to one bit. Collisions
    /// are rare at page sizes and only nudge the similarity; no allocation per pair or per page.
    /// </summary>
    private sealed class PairBits
    {
        private readonly ulong[] _bits = new ulong[1024];
        public int Count { get; private set; }

        public void Clear()
        {
            if (Count == 0) return;
            Array.Clear(_bits);
            Count = 0;
        }

        private static int Slot(char a, char b) => (int)((uint)(a << 16 | b) * 0x9E3779B1u >> 16);

        /// <summary>True when the pair was not in the set yet.</summary>
        public bool Add(char a, char b)
        {
            int h = Slot(a, b);
            ulong mask = 1UL << (h & 63);
            ref ulong word = ref _bits[h >> 6];
            if ((word & mask) != 0) return false;
            word |= mask;
            Count++;
            return true;
        }

        public bool Contains(char a, char b)
        {
            int h = Slot(a, b);
            return (_bits[h >> 6] & (1UL << (h & 63))) != 0;
        }
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

    private static bool IsFullQuote(ReadOnlySpan<char> q) => q.Length >= 2 && q[0] is '“' or '"' or '「' && q[^1] is '”' or '"' or '」';

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

    /// <summary>A short, balanced, headline-like line in running text: "加装电梯 方便老人出行".</summary>
    internal static bool IsSubhead(ReadOnlySpan<char> s)
    {
        if (s.Length > 30 || s.Length < 4) return false;
        int commas = 0, comma = -1;
        for (int i = 0; i < s.Length; i++) if (s[i] is '，' or ',') { commas++; comma = i; }
        if (commas > 1) return false;
        if (commas == 1)
        {
            int left = comma, right = s.Length - comma - 1;
            // "押金随时可退,市民不必扎堆" has two halves; "市民排队至窗口,提交" is a sentence cut short.
            if (left < 4 || right < 4 || Math.Min(left, right) * 5 < Math.Max(left, right) * 2) return false;
        }
        return true;
    }

    /// <summary>
    /// Length of a page-jump marker such as "(下转第2版)", "（上接1版）", "(转第3版)" at the start or end of a line; 0 if none.
    /// </summary>
    internal static int JumpMarkerLength(ReadOnlySpan<char> s, bool atStart)
    {
        if (s.Length < 4) return 0;
        int open, close;
        if (atStart)
        {
            if (s[0] is not ('(' or '（')) return 0;
            close = s[..Math.Min(s.Length, 12)].IndexOfAny(')', '）');
            if (close < 0) return 0;
            open = 0;
        }
        else
        {
            if (s[^1] is not (')' or '）')) return 0;
            close = s.Length - 1;
            open = s[Math.Max(0, s.Length - 12)..].LastIndexOfAny('(', '（');
            if (open < 0) return 0;
            open += Math.Max(0, s.Length - 12);
        }
        var inner = s[(open + 1)..close].Trim();
        if (!(inner.StartsWith("上接") || inner.StartsWith("下转") || inner.StartsWith("转第") || inner.StartsWith("接第"))) return 0;
        if (!inner.EndsWith("版")) return 0;
        return atStart ? close + 1 : s.Length - open;
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
            bool separated = b > 0 && r[b - 1] is '/' or '／' or ' ' or '\u3000' or '。' or ':' or '：' or ')' or '）';
            if ((run.StartsWith("记者") || run.StartsWith("摄影")) && run.Length is >= 4 and <= 6) return separated && r[b - 1] is not ('/' or '／');
            return run.Length is >= 2 and <= 5 && separated;
        }
        t = t.TrimEnd(")）");
        if (t.EndsWith("资料图") || t.EndsWith("供图") || t.EndsWith("资料图片")) return true;
        // Credit at the end without 摄: "…。图/张三", "…。摄影：李四 王五".
        int sep = t[Math.Max(0, t.Length - 12)..].LastIndexOfAny("/／：:");
        if (sep >= 0)
        {
            sep += Math.Max(0, t.Length - 12);
            var who = t[(sep + 1)..].Trim();
            var role = t[..sep].TrimEnd();
            bool names = who.Length is >= 2 and <= 9;
            foreach (char c in who) if (!(char.IsLetter(c) || c == ' ')) names = false;
            if (names && (role.EndsWith("图") || role.EndsWith("摄影") || role.EndsWith("图片")) && (role.Length <= 4 || role.Contains('。')))
                return true;
        }
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
        if (s.StartsWith("本版")) s = s[2..];
        foreach (var p in (ReadOnlySpan<string>)["责任编辑", "美术编辑", "美编", "责编", "校对", "版式", "组版", "编辑"])
            if (s.StartsWith(p, StringComparison.Ordinal) && s.Length > p.Length && s[p.Length] is ':' or '：' or '/' or ' ' or '\u3000') return true;
        return false;
    }

    /// <summary>
    /// A folio line: "2026年1月8日 星期四", "A3 要闻", "第3版". Returns true when it is one; <paramref name="date"/> gets
    /// the full date it prints, if any.
    /// </summary>
    internal static bool IsFolio(ReadOnlySpan<char> s, out DateOnly? date)
    {
        date = null;
        if (s.Length > 40) return false;
        bool weekday = s.Contains("星期", StringComparison.Ordinal) && s.Contains('年') && s.Contains('月') && !s.Contains('。') && !s.Contains('，') && !s.Contains(',');
        int ban = s.IndexOf('版');
        bool page = ban > 0 && ban <= 4 && s[0] is '第' or (>= '0' and <= '9') && char.IsAsciiDigit(s[ban - 1]);
        bool sheet = s.Length >= 2 && s.Length <= 12 && s[0] is >= 'A' and <= 'H' && char.IsAsciiDigit(s[1])
            && (s.Length == 2 || !char.IsAsciiDigit(s[2]) || s.Length == 3 || !char.IsAsciiDigit(s[3]));
        if (!weekday && !page && !(sheet && (s.Length <= 3 || IsSpaceChar(s[2]) || IsSpaceChar(s[3])))) return false;
        int y = s.IndexOf('年');
        if (y >= 4 && Datelines.Find(s[(y - 4)..]) is { ExplicitYear: not null } dl) date = dl.Resolve(null, null);
        return true;
    }

    /// <summary>A banner or folio line without its page number, date and weekday: "A3 要闻" → "要闻", "本地 2026年6月1日" → "本地".</summary>
    internal static string SectionName(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var part in CollapseSpaces(s).Split(' '))
        {
            var p = part.AsSpan();
            if (p.Length == 0 || IsFolioToken(p)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(p);
        }
        return sb.ToString();
    }

    /// <summary>A page number (A3, 第3版, 3版, A03版), a date (2026年6月1日, 6月1日) or a weekday (星期一, 周一).</summary>
    private static bool IsFolioToken(ReadOnlySpan<char> p)
    {
        if (p.StartsWith("星期") && p.Length == 3 || p.Length == 2 && p[0] == '周' && "一二三四五六日天".Contains(p[1])) return true;
        int digits = 0;
        foreach (char c in p) if (char.IsAsciiDigit(c)) digits++;
        if (digits == 0) return false;
        foreach (char c in p)
            if (!(char.IsAsciiDigit(c) || c is '年' or '月' or '日' or '版' or '第' or '-' or '/' or '.' || c is >= 'A' and <= 'H')) return false;
        return true;
    }

    private static bool AllLetters(string s)
    {
        foreach (char c in s) if (!char.IsLetter(c)) return false;
        return true;
    }

    private static int CollapsedLength(ReadOnlySpan<char> s)
    {
        int n = 0;
        foreach (char c in s) if (!IsSpaceChar(c)) n++;
        return n;
    }

    /// <summary>A line of a list or table: "1.…", "(2)…", "一、…", "●…", or "项目：内容" with a short label.</summary>
    private static bool IsListLine(ReadOnlySpan<char> s)
    {
        if (s.Length < 2) return false;
        if (s[0] is '●' or '■' or '◆' or '▲' or '★' or '·' or '•' or '○' or '□') return true;
        int k = 0;
        if (s[0] is '(' or '（') k++;
        int d = k;
        while (d < s.Length && (char.IsAsciiDigit(s[d]) || "一二三四五六七八九十".Contains(s[d]))) d++;
        if (d > k && d < s.Length && s[d] is '、' or '.' or '．' or ')' or '）') return true;
        int colon = s.IndexOfAny('：', ':');
        return colon is >= 2 and <= 8 && colon + 1 < s.Length && !s[..colon].ContainsAny('，', '。', ',');
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
