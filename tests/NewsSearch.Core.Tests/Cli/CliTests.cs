using System.Diagnostics;
using NUnit.Framework;

namespace NewsSearch.Core.Tests.Cli;

/// <summary>
/// The built `newssearch`: bad input gives one clear line on stderr and exit code 1, never a stack trace; and
/// ingest and search work while a server holds the index.
/// </summary>
public class CliTests
{
    private string _data = "";

    [SetUp]
    public void SetUp() => _data = Index.IndexTestKit.NewTempFolder();

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private ProcessStartInfo Cli(params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "newssearch.dll"), "--data", _data }.Concat(args))
            psi.ArgumentList.Add(a);
        return psi;
    }

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var p = Process.Start(Cli(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(TimeSpan.FromSeconds(120)), Is.True, "the CLI finished");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void AssertUserError((int ExitCode, string Stdout, string Stderr) r, string expected)
    {
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stderr);
        Assert.That(r.Stderr, Does.Contain(expected));
        Assert.That(r.Stderr, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "));
    }

    [Test]
    public void TestMissingDictionarySaysHowToInstallIt() =>
        AssertUserError(Run("--dict", "/nonexistent/dict.txt", "search", "株洲"), "apt-get install python3-jieba");

    [Test]
    public void TestServeWithoutDictionaryStopsWithOneLine() =>
        AssertUserError(Run("--dict", "/nonexistent/dict.txt", "serve", "--urls", "http://127.0.0.1:0"), "apt-get install python3-jieba");

    [Test]
    public void TestMissingIngestPathIsNamed() =>
        AssertUserError(Run("ingest", "/nonexistent/pages"), "/nonexistent/pages");

    [Test]
    public void TestBadQuerySyntaxShowsThePosition() =>
        AssertUserError(Run("search", "\"unclosed"), "position 0");

    [Test]
    public void TestEmptyStoreSearchFindsNothing()
    {
        var r = Run("search", "株洲");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("0 hits"));
    }

    [Test]
    public void TestDeleteTakesArticlesOutOfStoreAndIndex()
    {
        string file = Path.Combine(_data, "two.jsonl");
        File.WriteAllText(file, "{\"id\":\"d1\",\"title\":\"湿地公园开园\",\"body\":\"湿地公园今天开园。\"}\n"
            + "{\"id\":\"d2\",\"title\":\"湿地公园增设步道\",\"body\":\"新步道全长五公里。\"}\n");
        Assert.That(Run("ingest", file).ExitCode, Is.EqualTo(0));
        var deleted = Run("delete", "d1");
        Assert.That(deleted.ExitCode, Is.EqualTo(0), deleted.Stderr);
        Assert.That(deleted.Stdout, Does.Contain("deleted d1"));
        Assert.That(Run("count").Stdout.Trim(), Is.EqualTo("1"));
        Assert.That(Run("search", "湿地公园").Stdout, Does.Contain("1 hits"));
        AssertUserError(Run("delete", "d2", "nope"), "no article with id nope (the other 1 were deleted)");
        Assert.That(Run("count").Stdout.Trim(), Is.EqualTo("0"));
    }

    [Test]
    public void TestServeWithUnreadableKeyFileStopsWithOneLine() =>
        AssertUserError(Run("serve", "--urls", "http://127.0.0.1:0", "--api-key-file", "/nonexistent/key"), "/nonexistent/key");

    [Test]
    public void TestIngestAndSearchWorkWhileAServerHoldsTheIndex()
    {
        string samples = Path.Combine(Ingest.TestPaths.RepoRoot, "index-data", "samples");
        using var server = Process.Start(Cli("serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var started = Task.Run(() =>
            {
                for (string? line; (line = server.StandardOutput.ReadLine()) is not null;)
                    if (line.StartsWith("NewsSearch serving")) return true;
                return false;
            });
            Assert.That(started.Wait(TimeSpan.FromSeconds(60)) && started.Result, Is.True, "the server started");

            var ingest = Run("ingest", samples);
            Assert.That(ingest.ExitCode, Is.EqualTo(0), ingest.Stderr);
            Assert.That(ingest.Stdout, Does.Contain("a running server holds the index"));

            // The server follows the store's change feed (refresh within a second); the CLI reads its commits.
            string last = "";
            for (int i = 0; i < 40 && !last.Contains("1 hits"); i++)
            {
                Thread.Sleep(250);
                var search = Run("search", "公共自行车");
                Assert.That(search.ExitCode, Is.EqualTo(0), search.Stderr);
                last = search.Stdout;
            }
            Assert.That(last, Does.Contain("1 hits"));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }
}
