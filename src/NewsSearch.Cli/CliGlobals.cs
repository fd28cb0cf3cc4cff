using System.CommandLine;

namespace NewsSearch.Cli;

/// <summary>Options every command shares. `--data` names the one folder holding the store and the index.</summary>
public sealed class CliGlobals
{
    public const string DefaultDataFolder = "index-data";

    public Option<string> Data { get; } = new("--data")
    {
        Description = "Data folder holding the article store and the index",
        DefaultValueFactory = _ => DefaultDataFolder,
        Recursive = true,
    };

    public Option<string?> Dictionary { get; } = new("--dict")
    {
        Description = "jieba dict.txt (default: Debian's python3-jieba path)",
        Recursive = true,
    };

    public Option<string?> UserDictionary { get; } = new("--user-dict")
    {
        Description = "Newsroom words, one per line (default: {data}/userdict.txt when present)",
        Recursive = true,
    };

    public string DataFolder(ParseResult r) => Path.GetFullPath(r.GetValue(Data) ?? DefaultDataFolder);
}

/// <summary>A user error: printed as a message, exit code 1 (never a stack trace).</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
