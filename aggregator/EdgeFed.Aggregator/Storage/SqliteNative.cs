using System.Runtime.InteropServices;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The few SQLite C functions the group commit calls per row, declared on raw pointers into the same
/// <c>e_sqlite3</c> library SQLitePCLRaw loads. SQLitePCLRaw's own declarations take its SafeHandles, and the
/// marshaller adds and releases a reference on every call: 7.8 % of the writer thread's samples (fifth session's
/// profile), ~70 calls per report. The caller holds a reference on each handle for as long as it uses the pointer.
/// <para>
/// The binds, <c>reset</c>, <c>changes</c> and <c>last_insert_rowid</c> only touch the statement's or connection's memory (a TRANSIENT text
/// bind copies it with malloc), so they skip the GC transition; <c>step</c> may write pages and keeps it.
/// </para>
/// </summary>
internal static class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies the text before the call returns, so the string need not outlive it.</summary>
    private static readonly IntPtr Transient = new(-1);

    public static int BindText(IntPtr statement, int index, string value) => BindText16(statement, index, value, value.Length * sizeof(char), Transient);

    /// <summary>UTF-8 text SQLite reads in place (SQLITE_STATIC): the memory must stay as it is until the statement is bound again or finalized.</summary>
    public static int BindStaticUtf8(IntPtr statement, int index, IntPtr text, int bytes) => BindText8(statement, index, text, bytes, IntPtr.Zero);

    [DllImport(Library, EntryPoint = "sqlite3_bind_text", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int BindText8(IntPtr statement, int index, IntPtr text, int bytes, IntPtr destructor);

    [DllImport(Library, EntryPoint = "sqlite3_bind_text16", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int BindText16(IntPtr statement, int index, [MarshalAs(UnmanagedType.LPWStr)] string value, int bytes, IntPtr destructor);

    [DllImport(Library, EntryPoint = "sqlite3_bind_int64", ExactSpelling = true)]
    [SuppressGCTransition]
    public static extern int BindInt64(IntPtr statement, int index, long value);

    [DllImport(Library, EntryPoint = "sqlite3_bind_double", ExactSpelling = true)]
    [SuppressGCTransition]
    public static extern int BindDouble(IntPtr statement, int index, double value);

    [DllImport(Library, EntryPoint = "sqlite3_step", ExactSpelling = true)]
    public static extern int Step(IntPtr statement);

    [DllImport(Library, EntryPoint = "sqlite3_reset", ExactSpelling = true)]
    [SuppressGCTransition]
    public static extern int Reset(IntPtr statement);

    [DllImport(Library, EntryPoint = "sqlite3_changes", ExactSpelling = true)]
    [SuppressGCTransition]
    public static extern int Changes(IntPtr database);

    [DllImport(Library, EntryPoint = "sqlite3_last_insert_rowid", ExactSpelling = true)]
    [SuppressGCTransition]
    public static extern long LastInsertRowid(IntPtr database);
}
