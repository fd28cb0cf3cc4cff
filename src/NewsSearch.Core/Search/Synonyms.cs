using System.Globalization;

namespace NewsSearch.Core.Search;

/// <summary>A synonyms file the parser could not read: the line number and what is wrong with it (an
/// IOException, so hosts report it like other unreadable data files).</summary>
public sealed class SynonymFileException(string message, int line) : IOException(message)
{
    /// <summary>1-based line of the problem (0 when not about one line).</summary>
    public int Line { get; } = line;
}

/// <summary>
/// Newsroom synonyms, applied at query time: per normalized word, the words a query for it also searches.
/// File format (UTF-8, one rule a line): <c>医保, 医疗保险</c> makes every word of the group search all the others;
/// <c>株机 => 中车株机</c> makes the left words also search the right ones (not the other way); <c>#</c> starts a
/// comment; blank lines are ignored. Words are normalized as the index normalizes text (NFKC, lowercase).
/// Immutable; thread-safe.
/// </summary>
public sealed class SynonymMap
{
    public static readonly SynonymMap Empty = new(new Dictionary<string, string[]>(StringComparer.Ordinal), 0);

    private readonly Dictionary<string, string[]> _map;

    private SynonymMap(Dictionary<string, string[]> map, int rules)
    {
        _map = map;
        RuleCount = rules;
    }

    /// <summary>Rules (non-comment lines) read.</summary>
    public int RuleCount { get; }

    /// <summary>The words a query for <paramref name="normalizedWord"/> also searches (never itself), or null.</summary>
    public IReadOnlyList<string>? Lookup(string normalizedWord) =>
        _map.TryGetValue(normalizedWord, out var alternatives) ? alternatives : null;

    public static SynonymMap Parse(string text, string source = "synonyms")
    {
        var sets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int rules = 0, lineNo = 0;
        using var reader = new StringReader(text);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNo++;
            int hash = line.IndexOf('#');
            string rule = (hash >= 0 ? line[..hash] : line).Trim().TrimStart('\uFEFF');
            if (rule.Length == 0) continue;
            rules++;
            int arrow = rule.IndexOf("=>", StringComparison.Ordinal);
            if (arrow >= 0)
            {
                if (rule.IndexOf("=>", arrow + 2, StringComparison.Ordinal) >= 0)
                    throw Bad(source, lineNo, "has more than one '=>'");
                var from = Words(rule[..arrow], source, lineNo, "left of '=>'");
                var to = Words(rule[(arrow + 2)..], source, lineNo, "right of '=>'");
                foreach (var f in from) Add(sets, f, to);
            }
            else
            {
                var group = Words(rule, source, lineNo, "in the group");
                if (group.Count < 2) throw Bad(source, lineNo, "needs at least two words separated by commas (or 'a => b')");
                foreach (var w in group) Add(sets, w, group);
            }
        }
        var map = new Dictionary<string, string[]>(sets.Count, StringComparer.Ordinal);
        foreach (var (word, alternatives) in sets) map[word] = [.. alternatives];
        return new SynonymMap(map, rules);
    }

    private static void Add(Dictionary<string, List<string>> sets, string word, List<string> alternatives)
    {
        if (!sets.TryGetValue(word, out var list)) sets[word] = list = [];
        foreach (var a in alternatives)
            if (a != word && !list.Contains(a)) list.Add(a);
    }

    private static List<string> Words(string part, string source, int line, string where)
    {
        var words = new List<string>();
        foreach (var raw in part.Split([',', '，', '、']))
        {
            string w = raw.Trim();
            if (w.Length == 0) throw Bad(source, line, $"has an empty word {where}");
            if (w.AsSpan().IndexOfAny(" \t\"()") >= 0) throw Bad(source, line, $"has '{w}' {where}: a synonym is one word (no spaces, quotes or parentheses)");
            string n = QueryParser.NormalizeWord(w);
            if (n.Length == 0) throw Bad(source, line, $"has '{w}' {where}, which is not a word");
            if (!words.Contains(n)) words.Add(n);
        }
        return words;
    }

    private static SynonymFileException Bad(string source, int line, string what) =>
        new($"{source}, line {line.ToString(CultureInfo.InvariantCulture)}: the rule {what}.", line);
}

/// <summary>
/// Where the parser gets its synonyms: a fixed map, or a file that is read when opened and re-read when its
/// modification time changes (checked at most once a second, on the next query). A bad file at open throws
/// <see cref="SynonymFileException"/>; a bad edit later keeps the last good rules and sets <see cref="LastError"/>,
/// so a typo never breaks searching. A missing file means no synonyms. Thread-safe.
/// </summary>
public sealed class SynonymSource
{
    public const string FileName = "synonyms.txt";

    private readonly string? _path;
    private readonly TimeProvider _time;
    private SynonymMap _current;
    private DateTime _stamp;
    private long _nextCheck;
    private readonly Lock _gate = new();

    private SynonymSource(SynonymMap map, string? path, DateTime stamp, TimeProvider time)
    {
        _current = map;
        _path = path;
        _stamp = stamp;
        _time = time;
        _nextCheck = time.GetTimestamp() + time.TimestampFrequency;
    }

    public static SynonymSource Fixed(SynonymMap map) => new(map, null, default, TimeProvider.System);

    /// <summary>Reads <paramref name="path"/> (no file: no synonyms). Throws <see cref="SynonymFileException"/>
    /// for a bad rule.</summary>
    public static SynonymSource OpenFile(string path, TimeProvider? time = null)
    {
        var (map, stamp) = Read(path);
        return new SynonymSource(map, path, stamp, time ?? TimeProvider.System);
    }

    /// <summary>The file this source follows, or null for a fixed map.</summary>
    public string? Path => _path;

    /// <summary>Why the last re-read failed (the previous rules stay in use), or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>The rules in use, re-read first when the file changed (checked at most once a second).</summary>
    public SynonymMap Current
    {
        get
        {
            if (_path is null) return _current;
            long now = _time.GetTimestamp();
            if (now < Volatile.Read(ref _nextCheck)) return _current;
            lock (_gate)
            {
                if (now < _nextCheck) return _current;
                _nextCheck = now + _time.TimestampFrequency;
                Refresh();
                return _current;
            }
        }
    }

    /// <summary>Re-reads the file now when it changed since the last read.</summary>
    public void Refresh()
    {
        if (_path is null) return;
        lock (_gate)
        {
            var stamp = Stamp(_path);
            if (stamp == _stamp) return;
            try
            {
                (_current, _stamp) = Read(_path);
                LastError = null;
            }
            catch (Exception e) when (e is SynonymFileException or IOException or UnauthorizedAccessException)
            {
                _stamp = stamp; // do not retry a bad file every second; the next edit is read again
                LastError = e.Message;
            }
        }
    }

    private static DateTime Stamp(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;

    private static (SynonymMap, DateTime) Read(string path)
    {
        var stamp = Stamp(path);
        if (stamp == default) return (SynonymMap.Empty, stamp);
        return (SynonymMap.Parse(File.ReadAllText(path), path), stamp);
    }
}
