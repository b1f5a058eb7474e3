using System.Collections;
using System.Text;

namespace EdgeFed.Protocol.Grpc;

/// <summary>
/// Custom call metadata: ordered key/value pairs with lower-case keys. A key ending in <c>-bin</c> carries bytes
/// (base64 on the wire); any other key carries printable ASCII.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    public const string BinarySuffix = "-bin";
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public void Add(string key, string value) => _entries.Add(Entry.Text(key, value));

    public void Add(string key, byte[] value) => _entries.Add(Entry.Binary(key, value));

    public void Add(Entry entry) => _entries.Add(entry);

    public Entry? Get(string key)
    {
        var normalized = key.ToLowerInvariant();
        return _entries.LastOrDefault(e => e.Key == normalized);
    }

    public string? GetValue(string key) => Get(key)?.Value;

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    public sealed class Entry
    {
        private Entry(string key, string? value, byte[]? bytes)
        {
            Key = ValidateKey(key);
            Value = value;
            ValueBytes = bytes;
        }

        public string Key { get; }

        /// <summary>The text value; for a binary entry, null.</summary>
        public string? Value { get; }

        /// <summary>The bytes of a binary (<c>-bin</c>) entry; for a text entry, its ASCII bytes.</summary>
        public byte[] ValueBytes { get => field ?? Encoding.ASCII.GetBytes(Value!); }

        public bool IsBinary => IsBinaryKey(Key);

        public static Entry Text(string key, string value)
        {
            if (IsBinaryKey(key))
            {
                throw new ArgumentException($"Key '{key}' ends in -bin: give its value as bytes.", nameof(key));
            }

            if (value.Any(c => c < 0x20 || c > 0x7E))
            {
                throw new ArgumentException($"Value of '{key}' must be printable ASCII.", nameof(value));
            }

            return new Entry(key, value, null);
        }

        public static Entry Binary(string key, byte[] value) => IsBinaryKey(key)
            ? new Entry(key, null, value)
            : throw new ArgumentException($"Binary key '{key}' must end in -bin.", nameof(key));

        /// <summary>The value as sent in an HTTP/2 header.</summary>
        public string ToHeaderValue() => IsBinary ? Convert.ToBase64String(ValueBytes) : Value!;

        /// <summary>Rebuilds an entry from an HTTP/2 header (binary values may come with or without padding).</summary>
        public static Entry FromHeader(string key, string value)
        {
            if (!IsBinaryKey(key))
            {
                return new Entry(key, value, null);
            }

            var padded = value.Length % 4 == 0 ? value : value + new string('=', 4 - value.Length % 4);
            return new Entry(key, null, Convert.FromBase64String(padded));
        }

        public override string ToString() => IsBinary ? $"{Key}: <{ValueBytes.Length} bytes>" : $"{Key}: {Value}";

        private static string ValidateKey(string key)
        {
            var lower = key.ToLowerInvariant();
            if (lower.Length == 0 || lower.Any(c => !(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.')))
            {
                throw new ArgumentException($"Metadata key '{key}' may hold only a-z, 0-9, '-', '_' and '.'.", nameof(key));
            }

            return lower;
        }
    }
}
