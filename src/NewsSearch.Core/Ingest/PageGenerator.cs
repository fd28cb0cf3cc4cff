using System.Text;
using System.Text.Json;

namespace NewsSearch.Core.Ingest;

/// <summary>One article of a corpus to set on generated pages.</summary>
public sealed record CorpusArticle(string Title, string Body);

/// <summary>What <see cref="PageGenerator.Generate"/> wrote: pages, and the articles and notices set on them.</summary>
public sealed record GeneratedArchive(int Pages, int Articles, int Notices, long Bytes, IReadOnlyList<string> Files);

/// <summary>
/// Writes synthetic page dumps in the format of our paper's pages (云溪日报): dated folders <c>yyyy/MM/dd/A01.txt</c>,
/// section banners and folios, kickers, one- and two-line headlines, dash subtitles, bylines
/// (<c>云溪日报讯(全媒体记者/… 通讯员/…) 5月29日,</c>, own-line bylines), captions inside bodies, column breaks,
/// reminder / service / weather boxes, notices and ads. Titles and bodies come from a corpus; everything around them
/// is drawn from small lists written here. The same corpus, seed and page count give the same bytes.
/// </summary>
public static class PageGenerator
{
    private static readonly string[] Sections = ["要闻", "本地", "综合", "时政", "文体", "经济", "民生", "教育", "城建", "社区"];
    private static readonly string[] Columns = ["民生关注", "今日聚焦", "城事", "社区纪事", "江城观察", "百姓话题", "一线直击", "身边事"];
    private static readonly string[] Names =
        ["林晓", "宋雨桐", "唐嘉禾", "温静", "贺明远", "彭立", "欧阳晴", "何嘉", "周以宁", "陆冬青", "韩书白", "苏映雪", "程远航", "叶知秋", "秦朗", "夏子衿"];
    private static readonly string[] Reminders =
        ["滨江路北段夜间封闭施工,请绕行。", "市民服务中心周六上午照常办公。", "雨天路滑,出行请注意安全。", "老城区部分路段临时停水。",
         "社区疫苗接种点调整开放时间。", "江北新区公交线路临时改道。"];
    private static readonly string[] ServiceLines =
        ["开放时间：每日9:00—21:00", "咨询电话：0730-5551234", "停车：东口停车场", "报名方式：社区服务站现场报名", "地址：云溪市滨江路18号"];
    private static readonly string[] Companies = ["云溪市青石食品有限公司", "云溪江北建材商行", "云溪市滨江物业服务有限公司", "云溪市晨光文具店"];
    private static readonly string[] Papers = ["营业执照副本", "公章一枚", "税务登记证", "开户许可证"];

    /// <summary>Reads a JSON-lines corpus of <c>{id, title, body, date}</c> records, streaming.</summary>
    public static IEnumerable<CorpusArticle> ReadCorpus(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("title", out var t) && root.TryGetProperty("body", out var b)
                && t.GetString() is { Length: > 0 } title && b.GetString() is { Length: > 0 } body)
                yield return new CorpusArticle(title, body);
        }
    }

    /// <summary>
    /// Writes <paramref name="pages"/> pages under <paramref name="outDir"/> (<paramref name="pagesPerDay"/> pages a day
    /// from <paramref name="firstDay"/>), taking corpus articles in order and starting over when they run out.
    /// </summary>
    public static GeneratedArchive Generate(IEnumerable<CorpusArticle> corpus, string outDir, int pages, int seed = 1,
        DateOnly? firstDay = null, int pagesPerDay = 8, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        ArgumentOutOfRangeException.ThrowIfLessThan(pagesPerDay, 1);
        var day0 = firstDay ?? new DateOnly(2026, 1, 1);
        var rng = new Random(seed);
        using var source = new Cycle(corpus);
        var files = new List<string>(pages);
        int articles = 0, notices = 0;
        long bytes = 0;
        var utf8 = new UTF8Encoding(false);
        for (int p = 0; p < pages; p++)
        {
            cancel.ThrowIfCancellationRequested();
            var date = day0.AddDays(p / pagesPerDay);
            int sheet = p % pagesPerDay + 1;
            var sb = new StringBuilder(8192);
            var (a, n) = WritePage(sb, rng, source, date, sheet);
            articles += a;
            notices += n;
            string rel = $"{date:yyyy}/{date:MM}/{date:dd}/A{sheet:00}.txt";
            string path = Path.Combine(outDir, rel.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var data = utf8.GetBytes(sb.ToString());
            File.WriteAllBytes(path, data);
            bytes += data.Length;
            files.Add(rel);
        }
        return new GeneratedArchive(pages, articles, notices, bytes, files);
    }

    private static (int Articles, int Notices) WritePage(StringBuilder sb, Random rng, Cycle source, DateOnly date, int sheet)
    {
        string section = Pick(rng, Sections);
        switch (rng.Next(4))
        {
            case 0: Line(sb, $"A{sheet} {section}"); break;
            case 1: Line(sb, section); break;
            case 2: Line(sb, $"{section} {date.Year}年{date.Month}月{date.Day}日"); break;
        }
        if (rng.Next(3) == 0) Line(sb, $"本版责任编辑：{Pick(rng, Names)}");
        int count = rng.Next(3, 7);
        for (int k = 0; k < count; k++) WriteArticle(sb, rng, source.Next(), date);
        int notices = 0;
        if (rng.Next(10) == 0)
        {
            Line(sb, $"{Pick(rng, Companies)}遗失{Pick(rng, Papers)},声明作废。");
            notices++;
        }
        if (rng.Next(5) == 0) Line(sb, $"广告\n接待热线\n0730-555{rng.Next(1000, 9999)}");
        return (count, notices);
    }

    private static void WriteArticle(StringBuilder sb, Random rng, CorpusArticle a, DateOnly date)
    {
        string title = CleanTitle(a.Title);
        int kind = rng.Next(10);
        if (kind == 0 && title.Length >= 8) Line(sb, Pick(rng, Columns)); // kicker over a headline at least twice as long
        if (kind == 1 && title.Length is >= 8 and <= 24)
        {
            int half = title.Length / 2;
            sb.Append(title, 0, half).Append('\n').Append(title, half, title.Length - half).Append("\n\n");
        }
        else Line(sb, title);
        if (kind == 2) Line(sb, "——" + CleanTitle(a.Body.Length > 20 ? a.Body[..14] : a.Body));

        var paragraphs = Paragraphs(a.Body);
        var reporter = Pick(rng, Names);
        var helper = Pick(rng, Names);
        var day = date.AddDays(-rng.Next(0, 3));
        string dateline = rng.Next(6) == 0 ? "近日," : $"{day.Month}月{day.Day}日,";
        switch (rng.Next(5))
        {
            case 0: Line(sb, $"云溪日报讯(记者/{reporter}) {dateline}{paragraphs[0]}"); break;
            case 1: Line(sb, $"本报讯(记者 {reporter} 通讯员 {helper}) {dateline}{paragraphs[0]}"); break;
            case 2:
                Line(sb, $"云溪日报全媒体记者/{reporter}");
                Line(sb, dateline + paragraphs[0]);
                break;
            default: Line(sb, $"云溪日报讯(全媒体记者/{reporter} 通讯员/{helper}) {dateline}{paragraphs[0]}"); break;
        }
        for (int i = 1; i < paragraphs.Count; i++)
        {
            var para = paragraphs[i];
            if (i == paragraphs.Count - 1 && para.Length >= 120 && rng.Next(4) == 0)
            {
                // A column break: the paragraph goes on after a blank line (and sometimes a caption), mid-sentence.
                int cut = para.Length - rng.Next(15, 60);
                while (cut > 60 && IsFinal(para[cut - 1])) cut--;
                Line(sb, para[..cut]);
                if (rng.Next(2) == 0) Line(sb, $"{Shorten(paragraphs[0], 16)}。记者/{reporter} 摄");
                Line(sb, para[cut..]);
            }
            else Line(sb, para);
            if (i == 1 && rng.Next(5) == 0) Line(sb, $"{Shorten(para, 18)}。记者/{reporter} 摄");
        }
        switch (rng.Next(8))
        {
            case 0:
                Line(sb, "今日提醒");
                for (int r = 0, n = rng.Next(2, 4); r < n; r++) sb.Append(r + 1).Append('.').Append(Reminders[rng.Next(Reminders.Length)]).Append('\n');
                sb.Append('\n');
                break;
            case 1:
                Line(sb, "服务信息");
                for (int r = 0, n = rng.Next(2, 4); r < n; r++) sb.Append(ServiceLines[(r + rng.Next(2)) % ServiceLines.Length]).Append('\n');
                sb.Append('\n');
                break;
            case 2:
                Line(sb, "今日天气");
                Line(sb, $"多云转晴\n{rng.Next(10, 20)}~{rng.Next(21, 33)}℃\n风力 2~3级");
                break;
        }
    }

    /// <summary>Body sentences grouped into paragraphs of at least 120 characters, each ending with 。.</summary>
    private static List<string> Paragraphs(string body)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= body.Length; i++)
        {
            if (i < body.Length && !IsFinal(body[i])) continue;
            int end = Math.Min(i + 1, body.Length);
            var sentence = body[start..end].Replace("\n", "").Trim();
            start = end;
            if (sentence.Length == 0) continue;
            current.Append(sentence);
            if (current.Length >= 120) { result.Add(Close(current.ToString())); current.Clear(); }
        }
        if (current.Length > 0)
        {
            if (result.Count > 0 && current.Length < 120) result[^1] = Close(result[^1][..^1] + "," + current);
            else result.Add(Close(current.ToString()));
        }
        if (result.Count == 0) result.Add("全文从略。");
        return result;
    }

    private static bool IsFinal(char c) => c is '。' or '！' or '？' or '!' or '?' or '；' or ';' or '…';

    private static string Close(string p)
    {
        p = p.TrimEnd('！', '？', '!', '?', '；', ';', '…', '，', ',', '、', '：', ':');
        return p.EndsWith('。') ? p : p + "。";
    }

    /// <summary>A headline line: no sentence punctuation, quotes or brackets, 6–28 characters.</summary>
    private static string CleanTitle(string t)
    {
        var sb = new StringBuilder(t.Length);
        foreach (char c in t)
            if (!(char.IsWhiteSpace(c) || c is '。' or '“' or '”' or '"' or '\'' or '《' or '》' or '「' or '」' or '(' or ')' or '（' or '）' or '：' or ':' or '—'))
                sb.Append(c);
        var s = sb.ToString().Trim('，', ',', '、', '！', '？', '!', '?', '；', ';', '…');
        if (s.Length > 28) s = s[..28].TrimEnd('，', ',', '、', '；', ';');
        return s.Length >= 6 ? s : s + "新闻简讯";
    }

    private static string Shorten(string s, int max)
    {
        var t = s.Length > max ? s[..max] : s;
        return t.TrimEnd('。', '，', ',', '、', '！', '？', '；', '…');
    }

    private static void Line(StringBuilder sb, string line) => sb.Append(line).Append("\n\n");

    private static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];

    /// <summary>The corpus in order, again from the start when it runs out.</summary>
    private sealed class Cycle(IEnumerable<CorpusArticle> corpus) : IDisposable
    {
        private IEnumerator<CorpusArticle> _e = corpus.GetEnumerator();

        public CorpusArticle Next()
        {
            if (_e.MoveNext()) return _e.Current;
            _e.Dispose();
            _e = corpus.GetEnumerator();
            return _e.MoveNext() ? _e.Current : throw new ArgumentException("The corpus holds no article with a title and a body.");
        }

        public void Dispose() => _e.Dispose();
    }
}
