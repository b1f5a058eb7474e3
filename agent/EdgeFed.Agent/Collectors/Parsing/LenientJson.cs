using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Parses what real miner firmware sends: a trailing NUL byte, bare <c>inf</c>/<c>nan</c>, trailing commas,
/// missing commas between values inside an array or object (stock bmminer's <c>STATS</c> is sent as
/// <c>[{...}{...}]</c>), several objects back to back at the top level (<c>}{</c>, merged into one, first value of a
/// key wins), invalid UTF-8 (replaced, U+FFFD). A reply cut short is a
/// <see cref="PollErrorKind.TruncatedReply"/>, anything else unparseable a <see cref="PollErrorKind.MalformedReply"/>.
/// </summary>
public static class LenientJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };

    public static JsonElement Parse(ReadOnlyMemory<byte> raw) => Parse(raw, owners: null);

    /// <summary>
    /// As <see cref="Parse(ReadOnlyMemory{byte})"/>; with <paramref name="owners"/>, a clean reply's element is read over
    /// <paramref name="raw"/> itself (not copied) and its document is added to <paramref name="owners"/>, which the
    /// caller disposes when it has read what it needs (a poll: ~40 % of the bytes a CGMiner poll allocated were the
    /// copy). <paramref name="raw"/> must then not change while the document lives.
    /// </summary>
    public static JsonElement Parse(ReadOnlyMemory<byte> raw, List<JsonDocument>? owners)
    {
        // Most replies are clean JSON apart from the NUL cgminer appends: parse those in place, without a copy.
        var trimmed = Trim(raw);
        // Invalid UTF-8 inside a string would only fail later, on read: such replies take the repairing path.
        var valid = System.Text.Unicode.Utf8.IsValid(trimmed.Span);
        if (trimmed.Length > 0 && valid)
        {
            try
            {
                if (owners is not null)
                {
                    var owned = JsonDocument.Parse(trimmed, Options);
                    owners.Add(owned);
                    return owned.RootElement;
                }

                using var document = JsonDocument.Parse(trimmed, Options);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not clean: fall through to the lenient path.
            }
        }

        // Repairs work on the bytes (everything they touch is ASCII); invalid UTF-8 is replaced (U+FFFD) first.
        var bytes = valid ? raw.Span : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(raw.Span));
        var values = SplitTopLevel(bytes);
        if (values.Count == 1)
        {
            return ParseOne(values[0]);
        }

        var merged = new JsonObject();
        foreach (var value in values)
        {
            if (ParseOne(value) is { ValueKind: JsonValueKind.Object } element)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (!merged.ContainsKey(property.Name))
                    {
                        merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
                    }
                }
            }
        }

        return JsonSerializer.SerializeToElement(merged, AgentJsonContext.Default.JsonObject);
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> raw)
    {
        var span = raw.Span;
        var end = span.Length;
        while (end > 0 && span[end - 1] is 0 or (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')
        {
            end--;
        }

        return raw[..end];
    }

    private static JsonElement ParseOne(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PollException(PollErrorKind.MalformedReply, $"Reply is not valid JSON: {ex.Message}", ex);
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsLetter(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z';

    /// <summary>Cleans the bytes outside strings and splits them into top-level values, each repaired UTF-8 JSON.</summary>
    private static List<ReadOnlyMemory<byte>> SplitTopLevel(ReadOnlySpan<byte> text)
    {
        var values = new List<ReadOnlyMemory<byte>>();
        var current = new List<byte>(text.Length + 16);
        var depth = 0;
        var inString = false;
        var escaped = false;
        // Inside a container, a value that ends right before another begins lost its comma: put it back.
        var valueEnded = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == 0)
            {
                continue;
            }

            if (inString)
            {
                current.Add(c);
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                    valueEnded = true;
                }

                continue;
            }

            if (depth == 0 && c is not ((byte)'{' or (byte)'['))
            {
                if (!IsSpace(c) && c != ',')
                {
                    throw new PollException(PollErrorKind.MalformedReply, $"Unexpected '{(char)c}' outside any JSON object at offset {i}.");
                }

                continue;
            }

            if (valueEnded && depth > 0 && (c is (byte)'"' or (byte)'{' or (byte)'[' or (byte)'-' || IsDigit(c)))
            {
                current.Add((byte)',');
            }

            if (!IsSpace(c))
            {
                valueEnded = false;
            }

            switch (c)
            {
                case (byte)'"':
                    inString = true;
                    current.Add(c);
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    current.Add(c);
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    current.Add(c);
                    valueEnded = depth > 0;
                    if (depth == 0)
                    {
                        values.Add(current.ToArray());
                        current.Clear();
                    }

                    break;
                default:
                    if (c is (byte)'e' or (byte)'E' && current.Count > 0 && (IsDigit(current[^1]) || current[^1] == '.'))
                    {
                        current.Add(c); // a number's exponent
                    }
                    else if (IsLetter(c))
                    {
                        var end = i;
                        while (end < text.Length && IsLetter(text[end]))
                        {
                            end++;
                        }

                        var word = text[i..end];
                        if (Ascii.EqualsIgnoreCase(word, "inf"u8) || Ascii.EqualsIgnoreCase(word, "infinity"u8) || Ascii.EqualsIgnoreCase(word, "nan"u8))
                        {
                            // Not a number anyone can use: the value is absent. Drop a sign written before it.
                            if (current.Count > 0 && current[^1] is (byte)'-' or (byte)'+')
                            {
                                current.RemoveAt(current.Count - 1);
                            }

                            current.AddRange("null"u8);
                        }
                        else
                        {
                            current.AddRange(word);
                        }

                        valueEnded = true;
                        i = end - 1;
                    }
                    else
                    {
                        current.Add(c);
                        if (!IsSpace(c))
                        {
                            // A number ends where the next byte cannot continue it.
                            valueEnded = (IsDigit(c) || c == '.') && (i + 1 >= text.Length ||
                                !(IsDigit(text[i + 1]) || text[i + 1] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-'));
                        }
                    }

                    break;
            }
        }

        if (depth > 0 || inString)
        {
            throw new PollException(PollErrorKind.TruncatedReply, $"Reply ends inside a JSON value after {text.Length} bytes.");
        }

        return values.Count > 0 ? values : throw new PollException(PollErrorKind.EmptyReply, "Reply is empty.");
    }
}
