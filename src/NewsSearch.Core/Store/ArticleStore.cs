using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace NewsSearch.Core.Store;

/// <summary>
/// The article store: SQLite in WAL mode at <c>{data}/store.db</c>. Every insert, update or delete takes the
/// next change sequence number, so the index can catch up with <see cref="GetChangesSince"/>.
/// Deletes leave a tombstone row so they propagate too. Thread-safe (one connection per call).
/// </summary>
public sealed class ArticleStore : IDisposable
{
    public const string FileName = "store.db";
    private readonly string _connectionString;
    private readonly Lock _writeLock = new();

    public ArticleStore(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.Combine(dataDirectory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var db = Open();
        Execute(db, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS articles (
              id TEXT PRIMARY KEY,
              seq INTEGER NOT NULL,
              deleted INTEGER NOT NULL DEFAULT 0,
              kind TEXT NOT NULL,
              title TEXT NOT NULL,
              subtitle TEXT,
              kicker TEXT,
              reporters TEXT NOT NULL,
              correspondents TEXT NOT NULL,
              published_at TEXT,
              date_source TEXT,
              section TEXT,
              editor TEXT,
              source_file TEXT,
              source_start_line INTEGER,
              source_end_line INTEGER,
              body TEXT NOT NULL,
              captions TEXT NOT NULL,
              content_hash TEXT NOT NULL,
              updated_at TEXT NOT NULL
            );
            CREATE UNIQUE INDEX IF NOT EXISTS articles_seq ON articles(seq);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """);
        // Added with archive ids: the page (date | path) a record was cut from; null for JSON and for older rows.
        using (var cols = db.CreateCommand())
        {
            cols.CommandText = "SELECT COUNT(*) FROM pragma_table_info('articles') WHERE name = 'page_key'";
            if ((long)cols.ExecuteScalar()! == 0) Execute(db, "ALTER TABLE articles ADD COLUMN page_key TEXT");
        }
        Execute(db, "CREATE INDEX IF NOT EXISTS articles_page_key ON articles(page_key) WHERE page_key IS NOT NULL");
    }

    public string DatabasePath { get; }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connectionString);
        db.Open();
        return db;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Inserts or updates an article. Same content twice changes nothing (no new sequence).</summary>
    public UpsertOutcome Upsert(Article article) => UpsertMany([article])[0];

    /// <summary>Upserts many articles in one transaction; outcomes in input order.</summary>
    public UpsertOutcome[] UpsertMany(IReadOnlyList<Article> articles)
    {
        var outcomes = new UpsertOutcome[articles.Count];
        lock (_writeLock)
        {
            using var db = Open();
            using var tx = db.BeginTransaction();
            long seq = MaxSequence(db, tx);
            using var find = db.CreateCommand();
            find.Transaction = tx;
            find.CommandText = FindSql;
            var findId = find.Parameters.Add("$id", SqliteType.Text);
            for (int i = 0; i < articles.Count; i++)
                outcomes[i] = UpsertRow(db, tx, find, findId, articles[i], pageKey: null, ref seq);
            tx.Commit();
        }
        return outcomes;
    }

    /// <summary>
    /// Writes the records of several pages in one transaction. For each page: its articles are upserted and filed
    /// under its page key; records filed under that key that the page no longer yields are deleted (tombstoned);
    /// rows stored under the first id scheme (no page key) whose id is in <see cref="PageWrite.LegacyIds"/> are
    /// deleted too, since the page now stores them under their archive ids. A crash leaves all pages of the batch
    /// or none.
    /// </summary>
    public PageWriteResult[] WritePages(IReadOnlyList<PageWrite> pages)
    {
        var results = new PageWriteResult[pages.Count];
        lock (_writeLock)
        {
            using var db = Open();
            using var tx = db.BeginTransaction();
            long seq = MaxSequence(db, tx);
            using var find = db.CreateCommand();
            find.Transaction = tx;
            find.CommandText = FindSql;
            var findId = find.Parameters.Add("$id", SqliteType.Text);
            using var filed = db.CreateCommand();
            filed.Transaction = tx;
            filed.CommandText = "SELECT id FROM articles WHERE page_key = $key AND deleted = 0";
            var filedKey = filed.Parameters.Add("$key", SqliteType.Text);
            using var tomb = db.CreateCommand();
            tomb.Transaction = tx;
            tomb.CommandText = "UPDATE articles SET deleted = 1, seq = $seq, updated_at = $u WHERE id = $id AND deleted = 0";
            var tombSeq = tomb.Parameters.Add("$seq", SqliteType.Integer);
            var tombAt = tomb.Parameters.Add("$u", SqliteType.Text);
            var tombId = tomb.Parameters.Add("$id", SqliteType.Text);
            using var legacy = db.CreateCommand();
            legacy.Transaction = tx;
            legacy.CommandText = "SELECT 1 FROM articles WHERE id = $id AND deleted = 0 AND page_key IS NULL";
            var legacyId = legacy.Parameters.Add("$id", SqliteType.Text);
            string now = DateTimeOffset.UtcNow.ToString("O");
            for (int p = 0; p < pages.Count; p++)
            {
                var page = pages[p];
                var outcomes = new UpsertOutcome[page.Articles.Count];
                var keep = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < page.Articles.Count; i++)
                {
                    keep.Add(page.Articles[i].Id);
                    outcomes[i] = UpsertRow(db, tx, find, findId, page.Articles[i], page.PageKey, ref seq);
                }
                var gone = new List<string>();
                filedKey.Value = page.PageKey;
                using (var r = filed.ExecuteReader())
                    while (r.Read())
                        if (!keep.Contains(r.GetString(0))) gone.Add(r.GetString(0));
                foreach (var id in page.LegacyIds)
                {
                    if (keep.Contains(id)) continue;
                    legacyId.Value = id;
                    if (legacy.ExecuteScalar() is not null) gone.Add(id);
                }
                foreach (var id in gone)
                {
                    tombSeq.Value = ++seq;
                    tombAt.Value = now;
                    tombId.Value = id;
                    tomb.ExecuteNonQuery();
                }
                results[p] = new PageWriteResult(outcomes, gone);
            }
            tx.Commit();
        }
        return results;
    }

    /// <summary>
    /// Deletes the rows of the first id scheme (no page key) cut from pages with these file names: the explicit
    /// upgrade step after the archive was ingested again under archive ids. Returns the ids deleted.
    /// </summary>
    public List<string> DeleteLegacyPageRows(IReadOnlyCollection<string> fileNames)
    {
        var gone = new List<string>();
        if (fileNames.Count == 0) return gone;
        var names = new HashSet<string>(fileNames, StringComparer.Ordinal);
        lock (_writeLock)
        {
            using var db = Open();
            using var tx = db.BeginTransaction();
            using (var cmd = db.CreateCommand())
            {
                cmd.Transaction = tx;
                // Page rows of the first scheme: "p" ids, no page key, a source file name without folders.
                cmd.CommandText = "SELECT id, source_file FROM articles WHERE page_key IS NULL AND deleted = 0 AND id LIKE 'p%' AND source_file IS NOT NULL";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    if (names.Contains(r.GetString(1))) gone.Add(r.GetString(0));
            }
            long seq = MaxSequence(db, tx);
            using var tomb = db.CreateCommand();
            tomb.Transaction = tx;
            tomb.CommandText = "UPDATE articles SET deleted = 1, seq = $seq, updated_at = $u WHERE id = $id";
            var tombSeq = tomb.Parameters.Add("$seq", SqliteType.Integer);
            tomb.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToString("O"));
            var tombId = tomb.Parameters.Add("$id", SqliteType.Text);
            foreach (var id in gone)
            {
                tombSeq.Value = ++seq;
                tombId.Value = id;
                tomb.ExecuteNonQuery();
            }
            tx.Commit();
        }
        return gone;
    }

    /// <summary>Live rows of the first id scheme cut from pages (no page key, "p" id): what an upgrade would replace.</summary>
    public long LegacyPageRowCount
    {
        get
        {
            using var db = Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM articles WHERE page_key IS NULL AND deleted = 0 AND id LIKE 'p%' AND source_file LIKE '%.txt'";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>Ids of all live articles (for checks after a bulk ingest).</summary>
    public List<string> ReadIds()
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT id FROM articles WHERE deleted = 0";
        using var r = cmd.ExecuteReader();
        var ids = new List<string>();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }

    private static void Validate(Article a)
    {
        if (string.IsNullOrWhiteSpace(a.Id)) throw new ArgumentException("Article id is empty.");
        if (a.Id.Length > 200) throw new ArgumentException($"Article id is longer than 200 characters: {a.Id[..40]}…");
    }

    private const string FindSql = "SELECT content_hash, deleted, page_key FROM articles WHERE id = $id";

    /// <summary>
    /// One article of a write transaction: unchanged when its content (and, for a page record, its page key) is what
    /// is stored and live; otherwise written under the next sequence. A taken-down id written again counts as new.
    /// </summary>
    private static UpsertOutcome UpsertRow(SqliteConnection db, SqliteTransaction tx, SqliteCommand find, SqliteParameter findId,
        Article a, string? pageKey, ref long seq)
    {
        Validate(a);
        string hash = ContentHash(a);
        findId.Value = a.Id;
        bool exists = false;
        using (var r = find.ExecuteReader())
        {
            if (r.Read())
            {
                bool live = r.GetInt64(1) == 0;
                exists = live;
                bool sameKey = pageKey is null || (!r.IsDBNull(2) && r.GetString(2) == pageKey);
                if (live && sameKey && r.GetString(0) == hash) return UpsertOutcome.Unchanged;
            }
        }
        WriteRow(db, tx, a, hash, ++seq, pageKey);
        return exists ? UpsertOutcome.Updated : UpsertOutcome.New;
    }

    private static void WriteRow(SqliteConnection db, SqliteTransaction tx, Article a, string hash, long seq, string? pageKey = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO articles (id, seq, deleted, kind, title, subtitle, kicker, reporters, correspondents, published_at,
              date_source, section, editor, source_file, source_start_line, source_end_line, body, captions, content_hash, updated_at,
              page_key)
            VALUES ($id, $seq, 0, $kind, $title, $subtitle, $kicker, $reporters, $correspondents, $published,
              $dateSource, $section, $editor, $file, $start, $end, $body, $captions, $hash, $updated, $pageKey)
            ON CONFLICT(id) DO UPDATE SET seq=excluded.seq, deleted=0, kind=excluded.kind, title=excluded.title,
              subtitle=excluded.subtitle, kicker=excluded.kicker, reporters=excluded.reporters,
              correspondents=excluded.correspondents, published_at=excluded.published_at, date_source=excluded.date_source,
              section=excluded.section, editor=excluded.editor, source_file=excluded.source_file,
              source_start_line=excluded.source_start_line, source_end_line=excluded.source_end_line, body=excluded.body,
              captions=excluded.captions, content_hash=excluded.content_hash, updated_at=excluded.updated_at,
              page_key=excluded.page_key
            """;
        cmd.Parameters.AddWithValue("$id", a.Id);
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.Parameters.AddWithValue("$kind", a.Kind.ToString());
        cmd.Parameters.AddWithValue("$title", a.Title);
        cmd.Parameters.AddWithValue("$subtitle", (object?)a.Subtitle ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$kicker", (object?)a.Kicker ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$reporters", JsonSerializer.Serialize(a.Reporters));
        cmd.Parameters.AddWithValue("$correspondents", JsonSerializer.Serialize(a.Correspondents));
        cmd.Parameters.AddWithValue("$published", a.PublishedAt is { } d ? d.ToString("yyyy-MM-dd") : DBNull.Value);
        cmd.Parameters.AddWithValue("$dateSource", (object?)a.DateSource ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$section", (object?)a.Section ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$editor", (object?)a.Editor ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$file", (object?)a.SourceFile ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$start", (object?)a.SourceStartLine ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$end", (object?)a.SourceEndLine ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$body", a.Body);
        cmd.Parameters.AddWithValue("$captions", JsonSerializer.Serialize(a.Captions));
        cmd.Parameters.AddWithValue("$hash", hash);
        cmd.Parameters.AddWithValue("$updated", DateTimeOffset.UtcNow.ToString("O"));
        cmd.Parameters.AddWithValue("$pageKey", (object?)pageKey ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Deletes an article (leaves a tombstone with a new sequence). False when there was none.</summary>
    public bool Delete(string id)
    {
        lock (_writeLock)
        {
            using var db = Open();
            using var tx = db.BeginTransaction();
            long seq = MaxSequence(db, tx) + 1;
            using var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            // A takedown: the tombstone keeps only id and sequence (for the index's change feed), not the text.
            cmd.CommandText = """
                UPDATE articles SET deleted = 1, seq = $seq, updated_at = $u, title = '', subtitle = NULL, kicker = NULL,
                  reporters = '[]', correspondents = '[]', editor = NULL, body = '', captions = '[]', content_hash = ''
                WHERE id = $id AND deleted = 0
                """;
            cmd.Parameters.AddWithValue("$seq", seq);
            cmd.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToString("O"));
            cmd.Parameters.AddWithValue("$id", id);
            int n = cmd.ExecuteNonQuery();
            tx.Commit();
            return n > 0;
        }
    }

    private static long MaxSequence(SqliteConnection db, SqliteTransaction? tx)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM articles";
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The highest change sequence so far (0 for an empty store).</summary>
    public long CurrentSequence
    {
        get { using var db = Open(); return MaxSequence(db, null); }
    }

    /// <summary>Number of live articles.</summary>
    public long Count
    {
        get
        {
            using var db = Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM articles WHERE deleted = 0";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    private const string SelectColumns = """
        id, seq, deleted, kind, title, subtitle, kicker, reporters, correspondents, published_at, date_source, section,
        editor, source_file, source_start_line, source_end_line, body, captions, content_hash, updated_at
        """;

    public StoredArticle? Get(string id)
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT {SelectColumns} FROM articles WHERE id = $id AND deleted = 0";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadStored(r) : null;
    }

    /// <summary>Loads several live articles by id (missing ids are skipped).</summary>
    public Dictionary<string, StoredArticle> GetMany(IReadOnlyCollection<string> ids)
    {
        var result = new Dictionary<string, StoredArticle>(ids.Count);
        if (ids.Count == 0) return result;
        using var db = Open();
        using var cmd = db.CreateCommand();
        var names = new List<string>(ids.Count);
        int i = 0;
        foreach (var id in ids)
        {
            string p = "$p" + i++;
            names.Add(p);
            cmd.Parameters.AddWithValue(p, id);
        }
        cmd.CommandText = $"SELECT {SelectColumns} FROM articles WHERE deleted = 0 AND id IN ({string.Join(',', names)})";
        using var r = cmd.ExecuteReader();
        while (r.Read()) { var s = ReadStored(r); result[s.Article.Id] = s; }
        return result;
    }

    /// <summary>
    /// The change feed: every upsert and delete with sequence &gt; <paramref name="afterSequence"/>, in sequence order,
    /// at most <paramref name="limit"/> at a time (page with the last sequence returned).
    /// </summary>
    public List<ArticleChange> GetChangesSince(long afterSequence, int limit = 1000)
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT {SelectColumns} FROM articles WHERE seq > $after ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$after", afterSequence);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<ArticleChange>();
        while (r.Read())
        {
            string id = r.GetString(0);
            long seq = r.GetInt64(1);
            list.Add(r.GetInt64(2) != 0 ? new ArticleChange(id, seq, null) : new ArticleChange(id, seq, ReadArticle(r)));
        }
        return list;
    }

    /// <summary>Streams every live article in sequence order (for a full reindex).</summary>
    public IEnumerable<StoredArticle> ReadAll()
    {
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"SELECT {SelectColumns} FROM articles WHERE deleted = 0 ORDER BY seq";
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ReadStored(r);
    }

    private static StoredArticle ReadStored(SqliteDataReader r) =>
        new(ReadArticle(r), r.GetString(18), r.GetInt64(1), DateTimeOffset.Parse(r.GetString(19)));

    private static Article ReadArticle(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Kind = Enum.Parse<ArticleKind>(r.GetString(3)),
        Title = r.GetString(4),
        Subtitle = r.IsDBNull(5) ? null : r.GetString(5),
        Kicker = r.IsDBNull(6) ? null : r.GetString(6),
        Reporters = JsonSerializer.Deserialize<string[]>(r.GetString(7)) ?? [],
        Correspondents = JsonSerializer.Deserialize<string[]>(r.GetString(8)) ?? [],
        PublishedAt = r.IsDBNull(9) ? null : DateOnly.ParseExact(r.GetString(9), "yyyy-MM-dd"),
        DateSource = r.IsDBNull(10) ? null : r.GetString(10),
        Section = r.IsDBNull(11) ? null : r.GetString(11),
        Editor = r.IsDBNull(12) ? null : r.GetString(12),
        SourceFile = r.IsDBNull(13) ? null : r.GetString(13),
        SourceStartLine = r.IsDBNull(14) ? null : r.GetInt32(14),
        SourceEndLine = r.IsDBNull(15) ? null : r.GetInt32(15),
        Body = r.GetString(16),
        Captions = JsonSerializer.Deserialize<string[]>(r.GetString(17)) ?? [],
    };

    /// <summary>SHA-256 over every content field, so re-ingesting the same text is a no-op.</summary>
    public static string ContentHash(Article a)
    {
        var sb = new StringBuilder();
        void Add(string? s) => sb.Append(s ?? "\u0001").Append('\u0000');
        Add(a.Kind.ToString()); Add(a.Title); Add(a.Subtitle); Add(a.Kicker);
        Add(string.Join('\u0002', a.Reporters)); Add(string.Join('\u0002', a.Correspondents));
        Add(a.PublishedAt?.ToString("yyyy-MM-dd")); Add(a.DateSource); Add(a.Section); Add(a.Editor);
        Add(a.SourceFile); Add(a.SourceStartLine?.ToString()); Add(a.SourceEndLine?.ToString());
        Add(a.Body); Add(string.Join('\u0002', a.Captions));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public void Dispose() => SqliteConnection.ClearAllPools();
}
