using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NewsSearch.Core.Store;

namespace NewsSearch.Core.Ingest;

/// <summary>A record that could not be taken, with where and why.</summary>
public sealed record IngestReject(string File, int Line, string Field, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Reason}";
}

/// <summary>Articles read from one JSON/JSONL file, and the records rejected.</summary>
public sealed record JsonReadResult(IReadOnlyList<Article> Articles, IReadOnlyList<IngestReject> Rejects);

/// <summary>
/// Reads articles from JSON (an array of objects, or one object) and JSONL (one object per line).
/// Fields: id, title, subtitle, authors (array or "a、b" string), publishedAt (or date), section, body.
/// A bad record is rejected with its line and field; the rest of the file is still read.
/// </summary>
public static class ArticleJsonReader
{
    public static JsonReadResult Read(string text, string fileName, bool jsonLines)
    {
        var articles = new List<Article>();
        var rejects = new List<IngestReject>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int firstChar = 0;
        while (firstChar < text.Length && (char.IsWhiteSpace(text[firstChar]) || text[firstChar] == '\uFEFF')) firstChar++;
        if (firstChar == text.Length) return new JsonReadResult(articles, rejects);

        if (!jsonLines && text[firstChar] == '[') ReadArray(text, fileName, articles, rejects, seen);
        else if (!jsonLines && TryReadSingle(text, fileName, articles, rejects, seen)) { }
        else ReadLines(text, fileName, articles, rejects, seen);
        return new JsonReadResult(articles, rejects);
    }

    private static void ReadLines(string text, string file, List<Article> articles, List<IngestReject> rejects, Dictionary<string, int> seen)
    {
        int line = 0, pos = 0;
        while (pos < text.Length)
        {
            int nl = text.IndexOf('\n', pos);
            int end = nl < 0 ? text.Length : nl;
            line++;
            var raw = text.AsSpan(pos, end - pos).Trim();
            pos = end + 1;
            if (raw.Length == 0 || raw[0] == '\uFEFF' && raw.Length == 1) continue;
            if (raw[0] == '\uFEFF') raw = raw[1..];
            JsonDocument doc;
            try { doc = JsonDocument.Parse(raw.ToString()); }
            catch (JsonException e)
            {
                rejects.Add(new IngestReject(file, line, "(json)", $"not valid JSON at column {(e.BytePositionInLine ?? 0) + 1}"));
                continue;
            }
            using (doc) Take(doc.RootElement, file, line, line, articles, rejects, seen);
        }
    }

    /// <summary>
    /// Streams a UTF-8 JSON-lines file in batches of about <paramref name="batchSize"/> articles, so a corpus of any
    /// size is read in bounded memory. Lines with invalid UTF-8 are still read (bad bytes become U+FFFD) and each bad
    /// byte is added to <paramref name="issues"/> with its file offset. <paramref name="position"/> gets the number of
    /// bytes consumed after each batch.
    /// </summary>
    public static IEnumerable<JsonReadResult> ReadLines(Stream stream, string file, List<DecodeIssue> issues, int batchSize = 2000,
        Action<long>? position = null)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var articles = new List<Article>();
        var rejects = new List<IngestReject>();
        byte[] buf = new byte[1 << 20];
        int len = 0, lineNo = 0;
        long bufferOffset = 0;
        bool eof = false;
        while (true)
        {
            if (!eof)
            {
                if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
                int n = stream.Read(buf, len, buf.Length - len);
                if (n == 0) eof = true; else len += n;
            }
            int start = 0;
            while (start < len)
            {
                int nl = buf.AsSpan(start, len - start).IndexOf((byte)'\n');
                if (nl < 0)
                {
                    if (!eof) break;
                    nl = len - start;
                }
                lineNo++;
                TakeLine(buf.AsMemory(start, nl), bufferOffset + start, file, lineNo, articles, rejects, seen, issues);
                start += nl + 1;
                if (articles.Count >= batchSize)
                {
                    position?.Invoke(bufferOffset + Math.Min(start, len));
                    yield return new JsonReadResult(articles, rejects);
                    articles = [];
                    rejects = [];
                }
            }
            start = Math.Min(start, len);
            if (eof && start >= len) break;
            Buffer.BlockCopy(buf, start, buf, 0, len - start);
            bufferOffset += start;
            len -= start;
        }
        position?.Invoke(bufferOffset + len);
        yield return new JsonReadResult(articles, rejects);
    }

    private static void TakeLine(ReadOnlyMemory<byte> line, long offset, string file, int lineNo, List<Article> articles,
        List<IngestReject> rejects, Dictionary<string, int> seen, List<DecodeIssue> issues)
    {
        var span = line.Span;
        if (lineNo == 1 && span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) { line = line[3..]; offset += 3; span = line.Span; }
        int s = 0, e = span.Length;
        while (s < e && span[s] is (byte)' ' or (byte)'\t' or (byte)'\r') s++;
        while (e > s && span[e - 1] is (byte)' ' or (byte)'\t' or (byte)'\r') e--;
        if (s == e) return;
        line = line[s..e];
        JsonDocument doc;
        try
        {
            if (System.Text.Unicode.Utf8.IsValid(line.Span)) doc = JsonDocument.Parse(line);
            else
            {
                var decoded = PageDecoder.Decode(line.Span, file, "utf-8");
                foreach (var d in decoded.Issues) issues.Add(d with { ByteOffset = d.ByteOffset + offset + s });
                doc = JsonDocument.Parse(decoded.Text);
            }
        }
        catch (JsonException ex)
        {
            rejects.Add(new IngestReject(file, lineNo, "(json)", $"not valid JSON at column {(ex.BytePositionInLine ?? 0) + 1}"));
            return;
        }
        using (doc) Take(doc.RootElement, file, lineNo, lineNo, articles, rejects, seen);
    }

    private static bool TryReadSingle(string text, string file, List<Article> articles, List<IngestReject> rejects, Dictionary<string, int> seen)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException) { return false; } // perhaps JSON lines saved as .json
        using (doc)
        {
            Take(doc.RootElement, file, 1, CountLines(text), articles, rejects, seen);
        }
        return true;
    }

    private static void ReadArray(string text, string file, List<Article> articles, List<IngestReject> rejects, Dictionary<string, int> seen)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (int i = 0; i < bytes.Length; i++) if (bytes[i] == '\n') lineStarts.Add(i + 1);
        int LineOf(long offset)
        {
            int k = lineStarts.BinarySearch((int)offset);
            return (k >= 0 ? k : ~k - 1) + 1;
        }
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            reader.Read(); // [
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndArray) break;
                int startLine = LineOf(reader.TokenStartIndex);
                using var doc = JsonDocument.ParseValue(ref reader);
                Take(doc.RootElement, file, startLine, LineOf(reader.TokenStartIndex), articles, rejects, seen);
            }
        }
        catch (JsonException e)
        {
            // A syntax error ends what can be read of the file; everything before it is kept.
            rejects.Add(new IngestReject(file, (int)(e.LineNumber ?? 0) + 1, "(json)", $"not valid JSON at column {(e.BytePositionInLine ?? 0) + 1}; rest of file skipped"));
        }
    }

    private static int CountLines(string text)
    {
        int n = 1;
        foreach (char c in text) if (c == '\n') n++;
        return n;
    }

    private static void Take(JsonElement e, string file, int line, int endLine, List<Article> articles, List<IngestReject> rejects, Dictionary<string, int> seen)
    {
        if (e.ValueKind != JsonValueKind.Object) { rejects.Add(new(file, line, "(record)", $"expected an object, found {e.ValueKind}")); return; }
        string? Reject(string field, string reason) { rejects.Add(new IngestReject(file, line, field, reason)); return null; }

        string? id = null;
        if (e.TryGetProperty("id", out var idEl))
        {
            if (idEl.ValueKind == JsonValueKind.String) id = idEl.GetString()!.Trim();
            else if (idEl.ValueKind == JsonValueKind.Number) id = idEl.GetRawText();
            else if (idEl.ValueKind != JsonValueKind.Null) { Reject("id", $"must be a string or number, not {idEl.ValueKind}"); return; }
            if (id is { Length: > 200 }) { Reject("id", "longer than 200 characters"); return; }
        }
        if (!TryString(e, "title", out var title, out var why) || string.IsNullOrWhiteSpace(title)) { Reject("title", why ?? "missing or empty"); return; }
        if (!TryString(e, "body", out var body, out why) || string.IsNullOrWhiteSpace(body)) { Reject("body", why ?? "missing or empty"); return; }
        if (!TryString(e, "subtitle", out var subtitle, out why)) { Reject("subtitle", why!); return; }
        if (!TryString(e, "section", out var section, out why)) { Reject("section", why!); return; }

        var authors = new List<string>();
        if (e.TryGetProperty("authors", out var au))
        {
            if (au.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in au.EnumerateArray())
                {
                    if (a.ValueKind != JsonValueKind.String) { Reject("authors", "array items must be strings"); return; }
                    var s = a.GetString()!.Trim();
                    if (s.Length > 0) authors.Add(s);
                }
            }
            else if (au.ValueKind == JsonValueKind.String)
                authors.AddRange(au.GetString()!.Split([',', '，', '、', ';', '；', '/', ' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            else if (au.ValueKind != JsonValueKind.Null) { Reject("authors", $"must be an array of strings or a string, not {au.ValueKind}"); return; }
        }

        DateOnly? date = null;
        string dateField = e.TryGetProperty("publishedAt", out var dEl) ? "publishedAt" : e.TryGetProperty("date", out dEl) ? "date" : "";
        if (dateField.Length > 0 && dEl.ValueKind != JsonValueKind.Null)
        {
            if (dEl.ValueKind != JsonValueKind.String) { Reject(dateField, $"must be a date string, not {dEl.ValueKind}"); return; }
            var s = dEl.GetString()!.Trim();
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) date = d;
            else if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto)) date = DateOnly.FromDateTime(dto.Date);
            else { Reject(dateField, $"'{PageParser.Shorten(s, 30)}' is not a date (yyyy-MM-dd or ISO 8601)"); return; }
        }

        title = PageParser.CollapseSpaces(title!);
        id = string.IsNullOrEmpty(id) ? MakeId(file, title, date) : id;
        if (seen.TryGetValue(id, out int firstLine)) { Reject("id", $"duplicate id '{id}' (first at line {firstLine})"); return; }
        seen[id] = line;
        articles.Add(new Article
        {
            Id = id,
            Title = title,
            Subtitle = string.IsNullOrWhiteSpace(subtitle) ? null : subtitle.Trim(),
            Reporters = authors,
            PublishedAt = date,
            DateSource = date is null ? null : "json:" + dateField,
            Section = string.IsNullOrWhiteSpace(section) ? null : section.Trim(),
            SourceFile = file,
            SourceStartLine = line,
            SourceEndLine = endLine,
            Body = NormalizeBody(body!),
        });
    }

    private static bool TryString(JsonElement e, string name, out string? value, out string? why)
    {
        value = null; why = null;
        if (!e.TryGetProperty(name, out var el) || el.ValueKind == JsonValueKind.Null) return true;
        if (el.ValueKind == JsonValueKind.String) { value = el.GetString(); return true; }
        why = $"must be a string, not {el.ValueKind}";
        return false;
    }

    /// <summary>Paragraphs one per line, trimmed, no empty ones.</summary>
    private static string NormalizeBody(string body)
    {
        var parts = body.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join('\n', parts.Where(p => p.Length > 0));
    }

    private static string MakeId(string file, string title, DateOnly? date)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{file}\n{title}\n{date:yyyy-MM-dd}"));
        return "j" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
