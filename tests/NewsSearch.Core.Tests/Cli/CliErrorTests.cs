using System.Diagnostics;
using NUnit.Framework;

namespace NewsSearch.Core.Tests.Cli;

/// <summary>Bad input to the `newssearch` CLI: one clear line on stderr and exit code 1, never a stack trace.</summary>
public class CliErrorTests
{
    private string _data = "";

    [SetUp]
    public void SetUp() => _data = Index.IndexTestKit.NewTempFolder();

    [TearDown]
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
}
