using System.Runtime.InteropServices;
using System.Text;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// UTF-8 copies of one statement's text parameters, in a pinned buffer the statement points into (SQLITE_STATIC)
/// until it is bound again. Bound as UTF-16 and copied by SQLite (SQLITE_TRANSIENT), each text cost SQLite a malloc
/// for the copy, another for the conversion to the file's UTF-8 and two frees (the writer's profile, issue 17: ~6 % of
/// the aggregator's samples flat out). <see cref="Reset"/> before each statement is bound: the statement stepped
/// before it still points into the buffer, but every statement has all its parameters bound again before its next step.
/// </summary>
internal sealed class SqliteTextArena
{
    private readonly byte[] _buffer;
    private readonly IntPtr _start;
    private int _used;

    public SqliteTextArena(int bytes)
    {
        _buffer = GC.AllocateArray<byte>(bytes, pinned: true); // on the pinned heap: its address never moves
        _start = Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
    }

    /// <summary>Starts the next statement's texts at the buffer's beginning.</summary>
    public void Reset() => _used = 0;

    /// <summary>The UTF-8 bytes of <paramref name="value"/> in the buffer; false when they might not fit (the caller binds it another way).</summary>
    public bool TryAdd(string value, out IntPtr text, out int bytes)
    {
        if (Encoding.UTF8.GetMaxByteCount(value.Length) > _buffer.Length - _used)
        {
            (text, bytes) = (IntPtr.Zero, 0);
            return false;
        }

        bytes = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_used));
        text = _start + _used;
        _used += bytes;
        return true;
    }
}
