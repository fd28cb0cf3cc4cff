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

    public Option<string?> Engine { get; } = new("--engine")
    {
        Description = "Index engine of a new data folder: native (default) or lucene; an existing folder keeps the one it was created with (convert with `reindex --engine`)",
        Recursive = true,
    };

    public Option<string?> Analysis { get; } = new("--analysis")
    {
        Description = "Word analysis of a new data folder: jieba (default) or smartcn; an existing folder keeps its own (convert with `reindex --analysis`)",
        Recursive = true,
    };

    public string DataFolder(ParseResult r) => Path.GetFullPath(r.GetValue(Data) ?? DefaultDataFolder);

    /// <summary>The data folder's engine and analysis: as recorded, or as asked for a new folder; a request that
    /// differs from the record is a one-line error.</summary>
    public DataFolderInfo FolderInfo(ParseResult r)
    {
        try { return DataFolderInfo.Resolve(DataFolder(r), r.GetValue(Engine), r.GetValue(Analysis)); }
        catch (Exception e) when (e is DataFolderMismatchException or InvalidDataException) { throw new CliException(e.Message); }
    }

    /// <summary>The registered engine of that name, or a one-line error.</summary>
    public static IIndexEngine EngineNamed(string name)
    {
        try { return EngineCatalog.Get(name); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
    }
}

/// <summary>A user error: printed as a message, exit code 1 (never a stack trace).</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
