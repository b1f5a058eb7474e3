namespace EdgeFed.Protocol.Grpc;

/// <summary>Reads a stream of messages; <see cref="MoveNext"/> returns false at the end of the stream.</summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    Task<bool> MoveNext(CancellationToken cancellationToken = default);
}

/// <summary>Writes a stream of messages; one write at a time.</summary>
public interface IAsyncStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>A server's response stream.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>;

/// <summary>A client's request stream; <see cref="CompleteAsync"/> half-closes the call.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Sends several messages framed into one write and one flush (e.g. draining a backlog).</summary>
    Task WriteAllAsync(IReadOnlyList<T> messages, CancellationToken cancellationToken = default);

    Task CompleteAsync();
}

public static class AsyncStreamReaderExtensions
{
    /// <summary>Enumerates the remaining messages of a stream.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> reader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
