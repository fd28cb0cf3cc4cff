namespace NewsSearch.Core.Tests.Ingest;

/// <summary>Where the shared seed pages and this folder's resources are.</summary>
internal static class TestPaths
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NewsSearch.sln"))) return dir.FullName;
            throw new InvalidOperationException("NewsSearch.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Seed(string name) => Path.Combine(RepoRoot, "..", "shared", "seeds", name);

    public const string Page000 = "000_e21c4ea54b265bd1.txt";
    public const string Page003 = "003_ba8a08ef17e448b8.txt";

    public static string Resource(string name) => Path.Combine(AppContext.BaseDirectory, "Ingest", "Resources", name);
}
