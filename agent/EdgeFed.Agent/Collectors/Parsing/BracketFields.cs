using System.Globalization;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Avalon's packed <c>Key[value] Other Key[v1 v2]</c> text: each key (trimmed) to where its value (trimmed) lies in the
/// text, first occurrence winning. A key starts with a letter or '_' and goes on with letters, digits, '_', ' ' or '%'
/// up to its '['; the value is what lies before the next ']' with no '[' in it. This is what the regex
/// <c>([A-Za-z_][A-Za-z0-9_ %]*?)\[([^\[\]]*)\]</c> matches, read in one pass: with a Match, its groups and two
/// substrings per pair, the regex was ~2/3 of the bytes an Avalon poll allocated (~59 KB a poll; issue 17).
/// </summary>
public sealed class BracketFields
{
    private readonly string _text;
    private readonly Dictionary<string, (int Start, int Length)> _values = new(StringComparer.Ordinal);

    public BracketFields(string text)
    {
        _text = text;
        var s = text.AsSpan();
        for (var i = 0; i < s.Length; i++)
        {
            if (!IsKeyStart(s[i]))
            {
                continue;
            }

            var open = i + 1;
            while (open < s.Length && IsKeyChar(s[open]))
            {
                open++;
            }

            var close = open + 1;
            while (close < s.Length && s[close] is not ('[' or ']'))
            {
                close++;
            }

            if (open < s.Length && s[open] == '[' && close < s.Length && s[close] == ']')
            {
                var key = s[i..open].Trim();
                var value = Trimmed(open + 1, close - open - 1);
                _values.TryAdd(key.ToString(), value);
                i = close;
            }
            else
            {
                // Every start up to 'open' runs into the same character (not a key's, or a '[' whose value does not
                // close), so the next start to try is after it.
                i = open;
            }
        }
    }

    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>; empty when there is none.</summary>
    public ReadOnlySpan<char> Span(string key) => _values.TryGetValue(key, out var v) ? _text.AsSpan(v.Start, v.Length) : default;

    public string? String(string key) => _values.TryGetValue(key, out var v) ? _text.Substring(v.Start, v.Length) : null;

    /// <summary>The value's space-separated numbers (a trailing '%' dropped) up to the first that is not one.</summary>
    public List<double> Numbers(string key)
    {
        var numbers = new List<double>();
        var value = Span(key).TrimEnd('%');
        foreach (var range in value.Split(' '))
        {
            if (value[range] is { IsEmpty: false } part)
            {
                if (Parse(part) is not { } d)
                {
                    break;
                }

                numbers.Add(d);
            }
        }

        return numbers;
    }

    /// <summary>The value's first number, as <see cref="Numbers"/> would give it.</summary>
    public double? Number(string key)
    {
        var value = Span(key).TrimEnd('%');
        foreach (var range in value.Split(' '))
        {
            if (value[range] is { IsEmpty: false } part)
            {
                return Parse(part);
            }
        }

        return null;
    }

    private static double? Parse(ReadOnlySpan<char> part) =>
        double.TryParse(part.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    private (int Start, int Length) Trimmed(int start, int length)
    {
        var value = _text.AsSpan(start, length);
        var leading = value.Length - value.TrimStart().Length;
        return (start + leading, value.Trim().Length);
    }

    private static bool IsKeyStart(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

    private static bool IsKeyChar(char c) => IsKeyStart(c) || c is (>= '0' and <= '9') or ' ' or '%';
}
