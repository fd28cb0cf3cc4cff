using System.Diagnostics;
using NUnit.Framework;

namespace NewsSearch.Core.Tests.Cli;

/// <summary>The built `newssearch` on a data folder created with the fixture's engine: the choice is recorded and
/// shown, another engine is refused in one line, `check` passes and then finds a flipped byte, and search takes
/// filters, sort and facets.</summary>
[TestFixtureSource(typeof(EngineCases), nameof(EngineCases.All))]
public class CliEngineTests(string engineName)
{
    private string _data = "";

    [OneTimeSetUp]
    public void SetUp()
    {
        _data = Index.IndexTestKit.NewTempFolder();
        string corpus = Path.Combine(_data, "..", Path.GetFileName(_data) + ".jsonl");
        File.WriteAllLines(corpus,
        [
            """{"id":"c1","title":"公共自行车押金退还","body":"市民在服务中心办理公共自行车押金退还。","date":"2026-01-05","section":"城事","authors":["周明"]}""",
            """{"id":"c2","title":"自行车比赛周末举行","body":"周末的自行车比赛吸引了很多市民。","date":"2026-02-10","section":"体育","authors":["陈静"]}""",
            """{"id":"c3","title":"社区图书馆开放","body":"社区图书馆向市民免费开放。","date":"2026-02-11","section":"城事"}""",
        ]);
        var r = Run("--engine", engineName, "ingest", corpus);
        File.Delete(corpus);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "newssearch.dll"), "--data", _data }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(TimeSpan.FromSeconds(120)), Is.True, "the CLI finished");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Test]
    public void TestFolderRecordsAndShowsItsEngine()
    {
        Assert.That(File.ReadAllText(Path.Combine(_data, DataFolderInfo.FileName)), Does.Contain($"\"engine\": \"{engineName}\""));
        var stats = Run("stats");
        Assert.That(stats.ExitCode, Is.EqualTo(0), stats.Stderr);
        Assert.That(stats.Stdout, Does.Contain($"engine {engineName}, analysis jieba"));
    }

    [Test]
    public void TestAnotherEngineIsRefusedInOneLine()
    {
        string other = engineName == EngineNames.Native ? EngineNames.Lucene : EngineNames.Native;
        var r = Run("--engine", other, "search", "自行车");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stderr);
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain($"uses engine '{engineName}', not '{other}'"));
    }

    [Test]
    public void TestServeOnAFolderOfAnotherEngineStopsWithOneLine()
    {
        string other = engineName == EngineNames.Native ? EngineNames.Lucene : EngineNames.Native;
        var r = Run("--engine", other, "serve", "--urls", "http://127.0.0.1:0");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stderr);
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain($"uses engine '{engineName}', not '{other}'"));
    }

    [Test]
    public void TestSearchTakesFiltersSortAndFacets()
    {
        var r = Run("search", "自行车", "--sort", "newest", "--facets", "month,section", "--json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout.IndexOf("\"c2\"", StringComparison.Ordinal), Is.LessThan(r.Stdout.IndexOf("\"c1\"", StringComparison.Ordinal)), "newest first");
        Assert.That(r.Stdout, Does.Contain("\"2026-02\"").And.Contain("\"体育\""));
        var filtered = Run("search", "自行车", "--section", "城事", "--from", "2026-01-01", "--to", "2026-01-31", "--json");
        Assert.That(filtered.Stdout, Does.Contain("\"c1\"").And.Not.Contain("\"c2\""));
        var bad = Run("search", "自行车", "--sort", "loudest");
        Assert.That(bad.ExitCode, Is.EqualTo(1));
        Assert.That(bad.Stderr, Does.Contain("Unknown sort 'loudest'"));
    }

    [Test, Order(100)] // last: it flips a byte (and puts it back)
    public void TestCheckPassesThenFindsAFlippedByte()
    {
        var ok = Run("check");
        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.Stdout + ok.Stderr);
        Assert.That(ok.Stdout, Does.StartWith("ok: "));
        string version = IndexManager.ResolveCurrentVersionFolder(Path.Combine(_data, "index"))!;
        var file = Directory.GetFiles(version).Where(f => !f.EndsWith(IndexManager.EngineFileName) && !f.EndsWith("write.lock"))
            .OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 3] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        var bad = Run("check");
        bytes[bytes.Length / 3] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        Assert.That(bad.ExitCode, Is.EqualTo(1), bad.Stdout);
        Assert.That(bad.Stdout, Does.Contain("problem: "));
    }
}
