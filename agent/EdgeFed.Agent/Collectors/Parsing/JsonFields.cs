using System.Globalization;
using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Field access that takes firmware as it is: numbers given as strings ("37603.30"), empty strings, nulls and
/// missing keys. Anything that is not a usable value reads as null, never as 0.
/// </summary>
public static class JsonFields
{
    public static double? Double(this JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? AsDouble(value) : null;

    public static long? Long(this JsonElement obj, string name) => obj.Double(name) is { } d && d >= long.MinValue && d <= long.MaxValue ? (long)d : null;

    public static int? Int(this JsonElement obj, string name) => obj.Double(name) is { } d && d >= int.MinValue && d <= int.MaxValue ? (int)d : null;

    public static string? String(this JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    public static bool? Bool(this JsonElement obj, string name) => obj.String(name)?.Trim('\'').ToLowerInvariant() switch
    {
        "true" or "1" or "y" or "yes" => true,
        "false" or "0" or "n" or "no" => false,
        _ => null,
    };

    /// <summary>The first object of an array property (cgminer's SUMMARY, VERSION ...), or null.</summary>
    public static JsonElement? First(this JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array &&
        array.GetArrayLength() > 0 && array[0].ValueKind == JsonValueKind.Object ? array[0] : null;

    public static IEnumerable<JsonElement> Objects(this JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    /// <summary>A nested object or value by property names (<c>obj.At("msg", "summary")</c>), or null.</summary>
    public static JsonElement? At(this JsonElement obj, params string[] path)
    {
        var current = obj;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    /// <summary>The number a value starts with, for firmware that adds its unit ("58.94W", "4052.00 RPM").</summary>
    public static double? LeadingNumber(this JsonElement obj, string name)
    {
        if (obj.Double(name) is { } plain)
        {
            return plain;
        }

        var text = obj.String(name);
        if (text is null)
        {
            return null;
        }

        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or '-'))
        {
            end++;
        }

        return double.TryParse(text.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
    }

    public static double? AsDouble(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => null,
    };

    /// <summary>A rate in the firmware's unit converted to TH/s, rounded to what the firmware's own precision supports.</summary>
    public static double? Ths(double? value, double toThs) => value is { } v ? Math.Round(v * toThs, 6) : null;

    /// <summary>"78-50-69-70" style sensor lists (Antminer temp_chip*): the numbers, zeros (absent sensors) dropped.</summary>
    public static IReadOnlyList<double> DashList(string? text) =>
        text is null ? [] : text.Split('-', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0)
            .Where(d => d > 0).ToList();
}
