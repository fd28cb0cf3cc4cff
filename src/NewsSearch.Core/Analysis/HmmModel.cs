using System.Globalization;
using System.Text;

namespace NewsSearch.Core.Analysis;

/// <summary>
/// jieba's finalseg character-tagging HMM: states B(egin), E(nd), M(iddle), S(ingle), indexed in that
/// (alphabetical) order so that "larger state letter wins a tie", as Python's tuple max does, is "larger index".
/// Tables are log probabilities; a missing emission is jieba's MIN_FLOAT.
/// </summary>
internal sealed class HmmModel
{
    public const int B = 0, E = 1, M = 2, S = 3;
    public const double MinFloat = -3.14e100;

    /// <summary>start[state]</summary>
    public readonly double[] Start;
    /// <summary>trans[from * 4 + to]</summary>
    public readonly double[] Trans;
    /// <summary>emit[state * 65536 + char]</summary>
    public readonly double[] Emit;

    internal HmmModel(double[] start, double[] trans, double[] emit)
    {
        if (start.Length != 4 || trans.Length != 16 || emit.Length != 4 * 65536)
            throw new InvalidDataException("HMM tables have the wrong shape");
        Start = start; Trans = trans; Emit = emit;
    }

    private static int StateIndex(string s) => s switch
    {
        "B" => B, "E" => E, "M" => M, "S" => S,
        _ => throw new InvalidDataException($"unknown HMM state '{s}'"),
    };

    /// <summary>Reads finalseg's prob_start.py, prob_trans.py and prob_emit.py (Python dict literals).</summary>
    public static HmmModel LoadFromPython(string finalsegFolder)
    {
        var start = new double[4];
        Array.Fill(start, MinFloat);
        foreach (var (k, v) in ReadDict(Path.Combine(finalsegFolder, "prob_start.py")))
            start[StateIndex(k)] = (double)v;

        var trans = new double[16];
        Array.Fill(trans, MinFloat);
        foreach (var (from, row) in ReadDict(Path.Combine(finalsegFolder, "prob_trans.py")))
            foreach (var (to, v) in (Dictionary<string, object>)row)
                trans[StateIndex(from) * 4 + StateIndex(to)] = (double)v;

        var emit = new double[4 * 65536];
        Array.Fill(emit, MinFloat);
        foreach (var (state, row) in ReadDict(Path.Combine(finalsegFolder, "prob_emit.py")))
        {
            int si = StateIndex(state);
            foreach (var (ch, v) in (Dictionary<string, object>)row)
            {
                if (ch.Length != 1) continue; // outside the BMP: never reaches the HMM (it only sees U+4E00..U+9FD5)
                emit[si * 65536 + ch[0]] = (double)v;
            }
        }
        return new HmmModel(start, trans, emit);
    }

    private static Dictionary<string, object> ReadDict(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"HMM table not found: {path}", path);
        var text = File.ReadAllText(path, Encoding.UTF8);
        int eq = text.IndexOf("P=", StringComparison.Ordinal);
        if (eq < 0) eq = text.IndexOf("P =", StringComparison.Ordinal);
        if (eq < 0) throw new InvalidDataException($"{path}: no 'P=' assignment");
        var p = new PyLiteralParser(text, text.IndexOf('=', eq) + 1, path);
        return p.ParseDict();
    }

    /// <summary>Just enough of Python's literal syntax for the finalseg tables: dicts, strings, floats.</summary>
    private struct PyLiteralParser(string text, int pos, string path)
    {
        private int _pos = pos;

        public Dictionary<string, object> ParseDict()
        {
            SkipWs();
            Expect('{');
            var d = new Dictionary<string, object>(StringComparer.Ordinal);
            while (true)
            {
                SkipWs();
                if (Peek() == '}') { _pos++; return d; }
                string key = ParseString();
                SkipWs(); Expect(':'); SkipWs();
                object value = Peek() == '{' ? ParseDict() : ParseNumber();
                d[key] = value;
                SkipWs();
                if (Peek() == ',') { _pos++; continue; }
                SkipWs(); Expect('}');
                return d;
            }
        }

        private string ParseString()
        {
            char q = Peek();
            if (q != '\'' && q != '"') throw Error("string expected");
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length) throw Error("unterminated string");
                char c = text[_pos++];
                if (c == q) return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                char e = text[_pos++];
                switch (e)
                {
                    case 'u': sb.Append((char)int.Parse(text.AsSpan(_pos, 4), NumberStyles.HexNumber)); _pos += 4; break;
                    case 'U': sb.Append(char.ConvertFromUtf32(int.Parse(text.AsSpan(_pos, 8), NumberStyles.HexNumber))); _pos += 8; break;
                    case 'x': sb.Append((char)int.Parse(text.AsSpan(_pos, 2), NumberStyles.HexNumber)); _pos += 2; break;
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    default: sb.Append(e); break;
                }
            }
        }

        private double ParseNumber()
        {
            int s = _pos;
            while (_pos < text.Length && "+-.0123456789eE".Contains(text[_pos])) _pos++;
            if (!double.TryParse(text.AsSpan(s, _pos - s), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw Error("number expected");
            return v;
        }

        private readonly char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipWs()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private void Expect(char c)
        {
            if (Peek() != c) throw Error($"'{c}' expected");
            _pos++;
        }

        private readonly InvalidDataException Error(string what) =>
            new($"{path}: {what} at character {_pos}");
    }
}
