using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Internal;
using System.Text.Json.Nodes;

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

    public static JsonElement Parse(ReadOnlySpan<byte> raw)
    {
        // Most replies are clean JSON apart from the NUL cgminer appends: parse those without copying.
        var trimmed = raw.TrimEnd((byte)0).TrimEnd(" \r\n\t"u8);
        // Invalid UTF-8 inside a string would only fail later, on read: such replies take the decoding path.
        if (trimmed.Length > 0 && System.Text.Unicode.Utf8.IsValid(trimmed))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed.ToArray(), Options);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not clean: fall through to the lenient path.
            }
        }

        var values = SplitTopLevel(Encoding.UTF8.GetString(raw));
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

    private static JsonElement ParseOne(string json)
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

    /// <summary>Cleans the text outside strings and splits it into top-level values.</summary>
    private static List<string> SplitTopLevel(string text)
    {
        var values = new List<string>();
        var current = new StringBuilder(text.Length);
        var depth = 0;
        var inString = false;
        var escaped = false;
        // Inside a container, a value that ends right before another begins lost its comma: put it back.
        var valueEnded = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                continue;
            }

            if (inString)
            {
                current.Append(c);
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

            if (depth == 0 && c is not ('{' or '['))
            {
                if (!char.IsWhiteSpace(c) && c != ',')
                {
                    throw new PollException(PollErrorKind.MalformedReply, $"Unexpected '{c}' outside any JSON object at offset {i}.");
                }

                continue;
            }

            if (valueEnded && depth > 0 && (c is '"' or '{' or '[' or '-' || char.IsAsciiDigit(c)))
            {
                current.Append(',');
            }

            if (!char.IsWhiteSpace(c))
            {
                valueEnded = false;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    current.Append(c);
                    break;
                case '{' or '[':
                    depth++;
                    current.Append(c);
                    break;
                case '}' or ']':
                    depth--;
                    current.Append(c);
                    valueEnded = depth > 0;
                    if (depth == 0)
                    {
                        values.Add(current.ToString());
                        current.Clear();
                    }

                    break;
                default:
                    if (c is 'e' or 'E' && current.Length > 0 && (char.IsAsciiDigit(current[^1]) || current[^1] == '.'))
                    {
                        current.Append(c); // a number's exponent
                    }
                    else if (char.IsAsciiLetter(c))
                    {
                        var end = i;
                        while (end < text.Length && char.IsAsciiLetter(text[end]))
                        {
                            end++;
                        }

                        var word = text[i..end];
                        if (word.Equals("inf", StringComparison.OrdinalIgnoreCase) || word.Equals("infinity", StringComparison.OrdinalIgnoreCase) ||
                            word.Equals("nan", StringComparison.OrdinalIgnoreCase))
                        {
                            // Not a number anyone can use: the value is absent. Drop a sign written before it.
                            if (current.Length > 0 && current[^1] is '-' or '+')
                            {
                                current.Length--;
                            }

                            current.Append("null");
                        }
                        else
                        {
                            current.Append(word);
                        }

                        valueEnded = true;
                        i = end - 1;
                    }
                    else
                    {
                        current.Append(c);
                        if (!char.IsWhiteSpace(c))
                        {
                            // A number ends where the next character cannot continue it.
                            valueEnded = (char.IsAsciiDigit(c) || c == '.') && (i + 1 >= text.Length || !(char.IsAsciiDigit(text[i + 1]) || text[i + 1] is '.' or 'e' or 'E' or '+' or '-'));
                        }
                    }

                    break;
            }
        }

        if (depth > 0 || inString)
        {
            throw new PollException(PollErrorKind.TruncatedReply, $"Reply ends inside a JSON value after {text.Length} characters.");
        }

        return values.Count > 0 ? values : throw new PollException(PollErrorKind.EmptyReply, "Reply is empty.");
    }
}
