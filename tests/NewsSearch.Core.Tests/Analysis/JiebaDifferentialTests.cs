using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NewsSearch.Core.Analysis;
using NUnit.Framework;

namespace NewsSearch.Core.Tests.Analysis;

/// <summary>
/// Our segmenter against Debian's python3 jieba (<c>jieba.cut(text, HMM=True)</c>) on the seed pages and on
/// 10,000 sentences of a generated bench corpus. A token counts as identical when python's token covers exactly
/// the same span of the text as one of ours.
/// </summary>
[TestFixture]
[NonParallelizable]
public class JiebaDifferentialTests
{
    private const string Python = "/usr/bin/python3";

    private const string JiebaScript = """
        import sys, json, logging
        import jieba
        jieba.setLogLevel(logging.WARNING)
        if len(sys.argv) > 2:
            jieba.load_userdict(sys.argv[2])
        out = sys.stdout
        for line in open(sys.argv[1], encoding='utf-8'):
            out.write(json.dumps(list(jieba.cut(json.loads(line), HMM=True)), ensure_ascii=False) + '\n')
        """;

    private string _tmp = "";

    [OneTimeSetUp]
    public void SetUp()
    {
        _tmp = Path.Combine(Path.GetTempPath(), "newssearch-jieba-diff-" + Environment.ProcessId);
        Directory.CreateDirectory(_tmp);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        try { Directory.Delete(_tmp, true); } catch (IOException) { }
    }

    [Test]
    public void TestAgreesWithPythonJiebaOnSeedPages()
    {
        var seeds = Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt");
        Assert.That(seeds, Is.Not.Empty, "seed pages expected under ../shared/seeds");
        var lines = seeds.SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToList();
        var (agreement, ours, theirs) = Compare(lines);
        Report("seed pages", lines.Count, agreement, ours, theirs);
        Assert.That(agreement, Is.GreaterThanOrEqualTo(0.995));
    }

    [Test]
    public void TestUserDictionaryAgreesWithPythonJieba()
    {
        // Words without a frequency get suggest_freq in both; one with an explicit frequency.
        string user = Path.Combine(_tmp, "userdict.txt");
        File.WriteAllText(user, "中车株机\n株洲所\n健宁 1000\n田心片区\n全媒体记者\n产业社区\n");
        var analysis = NewsAnalysis.Load(new AnalysisOptions { UserDictionaryPath = user });
        var lines = Directory.GetFiles(TestAnalysis.SharedFolder("seeds"), "*.txt").SelectMany(File.ReadAllLines)
            .Where(l => l.Length > 0).Append("中车株机株洲所健宁在田心片区").ToList();
        var (agreement, ours, theirs) = Compare(lines, analysis, user);
        Report("seed pages + user dictionary", lines.Count, agreement, ours, theirs);
        Assert.That(agreement, Is.GreaterThanOrEqualTo(0.995));
        Assert.That(analysis.CreateSegmenter().Cut("中车株机株洲所健宁在田心片区"),
            Is.EqualTo(new[] { "中车株机", "株洲所", "健宁", "在", "田心片区" }));
    }

    [Test]
    public void TestAgreesWithPythonJiebaOnBenchCorpusSentences()
    {
        string corpus = Path.Combine(_tmp, "corpus.jsonl");
        Run(Python, [TestAnalysis.SharedFolder("bench", "gen_corpus.py"), "600", corpus], null);
        var sentences = new List<string>();
        foreach (var line in File.ReadLines(corpus))
        {
            using var doc = JsonDocument.Parse(line);
            foreach (var field in new[] { "title", "body" })
                sentences.AddRange(SplitSentences(doc.RootElement.GetProperty(field).GetString() ?? ""));
            if (sentences.Count >= 10_000) break;
        }
        Assert.That(sentences.Count, Is.GreaterThanOrEqualTo(10_000), "the generated corpus has enough sentences");
        sentences = sentences.Take(10_000).ToList();
        var (agreement, ours, theirs) = Compare(sentences);
        Report("bench corpus", sentences.Count, agreement, ours, theirs);
        Assert.That(agreement, Is.GreaterThanOrEqualTo(0.995));
    }

    [Test]
    public void TestAgreesWithPythonJiebaOnRandomMixedText()
    {
        // Out-of-vocabulary runs (the HMM), Latin/digit runs with jieba's symbols, punctuation, spaces, CRLF,
        // supplementary chars: the corners where a re-implementation drifts.
        var rnd = new Random(20240530);
        string[] pieces = ["轨道交通", "李逸峰", "株洲", "的", "了", "健宁", "中车株机", "VR", "iPhone", "12345", "2.0", "3.5%", "COVID-19",
            "AT&T", "c++", "C#", "a.b", "--", "_x_", " ", "  ", "\r\n", "\n", "\t", "，", "。", "、", "“", "”", "(", ")", "/", "𠀋", "é",
            "ｶ", "Ａ", "〇", "㐀"];
        var sentences = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            var sb = new StringBuilder();
            int n = rnd.Next(1, 12);
            for (int k = 0; k < n; k++)
            {
                if (rnd.Next(3) == 0)
                    for (int c = rnd.Next(1, 6); c > 0; c--) sb.Append((char)rnd.Next(0x4E00, 0x9FD6)); // random Han: mostly OOV
                else
                    sb.Append(pieces[rnd.Next(pieces.Length)]);
            }
            sentences.Add(sb.ToString());
        }
        var (agreement, ours, theirs) = Compare(sentences);
        Report("random mixed text", sentences.Count, agreement, ours, theirs);
        Assert.That(agreement, Is.GreaterThanOrEqualTo(0.995));
    }

    private static IEnumerable<string> SplitSentences(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] is '。' or '！' or '？' or '\n')
            {
                if (i + 1 > start) yield return text[start..(i + 1)];
                start = i + 1;
            }
        if (start < text.Length) yield return text[start..];
    }

    private static void Report(string what, int lines, double agreement, int ours, int theirs)
    {
        string msg = $"jieba differential ({what}): {lines} texts, python {theirs} tokens, ours {ours} tokens, " +
                     $"identical {agreement:P3}";
        TestContext.Out.WriteLine(msg);
        TestContext.Progress.WriteLine(msg);
    }

    /// <summary>Fraction of python's tokens (and of ours: the smaller of the two) whose exact span we produce too.</summary>
    private (double Agreement, int Ours, int Theirs) Compare(IReadOnlyList<string> texts, NewsAnalysis? analysis = null, string? userDict = null)
    {
        string input = Path.Combine(_tmp, "input.jsonl");
        File.WriteAllLines(input, texts.Select(t => JsonSerializer.Serialize(t)), new UTF8Encoding(false));
        string output = Run(Python, userDict == null ? ["-c", JiebaScript, input] : ["-c", JiebaScript, input, userDict], null);
        var pyLines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(pyLines.Length, Is.EqualTo(texts.Count), "python answered every line");

        var seg = (analysis ?? TestAnalysis.Instance).CreateSegmenter();
        int ours = 0, theirs = 0, same = 0, shown = 0;
        var spans = new HashSet<(int, int)>();
        for (int i = 0; i < texts.Count; i++)
        {
            var pyTokens = JsonSerializer.Deserialize<string[]>(pyLines[i])!;
            spans.Clear();
            seg.Segment(texts[i]);
            foreach (var w in seg.Words) spans.Add((w.Start, w.Length));
            ours += seg.Words.Length;
            int at = 0, matched = 0;
            foreach (var t in pyTokens)
            {
                if (spans.Contains((at, t.Length))) matched++;
                at += t.Length;
            }
            Assert.That(at, Is.EqualTo(texts[i].Length), "python's tokens cover the text");
            theirs += pyTokens.Length;
            same += matched;
            if (matched != pyTokens.Length && shown++ < 5)
                TestContext.Out.WriteLine($"differs: py [{string.Join("/", pyTokens)}] ours [{string.Join("/", seg.Cut(texts[i]))}]");
        }
        double agreement = Math.Min((double)same / theirs, (double)same / Math.Max(ours, 1));
        return (agreement, ours, theirs);
    }

    private static string Run(string exe, string[] args, string? stdin)
    {
        if (!File.Exists(exe)) Assert.Fail($"{exe} not found: install python3 and python3-jieba (apt-get install python3-jieba)");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(true); Assert.Fail($"{exe} timed out"); }
        if (p.ExitCode != 0) Assert.Fail($"{exe} {string.Join(' ', args.Take(1))} failed ({p.ExitCode}): {err.Result}");
        return stdout;
    }
}
