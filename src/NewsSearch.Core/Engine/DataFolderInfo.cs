using System.Text.Json;
using System.Text.Json.Serialization;
using NewsSearch.Core.Analysis;

namespace NewsSearch.Core.Engine;

/// <summary>A data folder opened with another engine or analysis than the one it was created with.</summary>
public sealed class DataFolderMismatchException(string message) : Exception(message);

/// <summary>
/// What a data folder was created with, recorded in {data}/datafolder.json: the index engine and the word
/// analysis. Chosen when the folder is created; later opens must ask for the same (or nothing); converting is a
/// reindex that rewrites this file.
/// </summary>
public sealed record DataFolderInfo(
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("analysis")] string Analysis)
{
    public const string FileName = "datafolder.json";

    public static readonly DataFolderInfo Default = new(EngineNames.Native, WordAnalysisNames.Jieba);

    public static string PathOf(string dataFolder) => System.IO.Path.Combine(dataFolder, FileName);

    /// <summary>The recorded choice, or null when the folder has none yet.</summary>
    public static DataFolderInfo? Read(string dataFolder)
    {
        string path = PathOf(dataFolder);
        if (!File.Exists(path)) return null;
        try
        {
            var info = JsonSerializer.Deserialize<DataFolderInfo>(File.ReadAllText(path));
            if (info is null || string.IsNullOrWhiteSpace(info.Engine) || string.IsNullOrWhiteSpace(info.Analysis))
                throw new InvalidDataException($"{path} needs \"engine\" and \"analysis\".");
            return info;
        }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e); }
    }

    /// <summary>Writes atomically (temp file, fsync, rename).</summary>
    public void Write(string dataFolder)
    {
        string path = PathOf(dataFolder), tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(fs, this, new JsonSerializerOptions { WriteIndented = true });
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// The folder's choice given what the caller asked for (null = whatever is recorded, or the default for a new
    /// folder). A folder without the file but with an index predates the choice: native and jieba.
    /// Throws <see cref="DataFolderMismatchException"/> when the request differs from the record.
    /// </summary>
    public static DataFolderInfo Resolve(string dataFolder, string? engine, string? analysis)
    {
        var recorded = Read(dataFolder);
        if (recorded is null && !File.Exists(System.IO.Path.Combine(dataFolder, "index", IndexManager.CurrentFileName)))
            return new DataFolderInfo(engine ?? Default.Engine, analysis ?? Default.Analysis);
        recorded ??= Default;
        if (engine is not null && engine != recorded.Engine)
            throw new DataFolderMismatchException(
                $"data folder {dataFolder} uses engine '{recorded.Engine}', not '{engine}'; convert it with `newssearch reindex --engine {engine}`.");
        if (analysis is not null && analysis != recorded.Analysis)
            throw new DataFolderMismatchException(
                $"data folder {dataFolder} uses analysis '{recorded.Analysis}', not '{analysis}'; convert it with `newssearch reindex --analysis {analysis}`.");
        return recorded;
    }
}
