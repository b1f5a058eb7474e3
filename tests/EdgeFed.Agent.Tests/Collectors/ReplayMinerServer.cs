using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>How the replay server spoils its replies.</summary>
public enum Spoil
{
    None,
    TrailingNul,
    Truncated,
    Empty,
    ConcatenatedObjects,
    InfAndNan,
    TrailingCommas,
    NumbersAsStrings,
    Silent,
    Slow,
}

/// <summary>
/// A CGMiner-style RPC server on 127.0.0.1:0 that answers each command with a real reply file, spoiled the way
/// real firmware spoils replies. Unknown commands get a STATUS=E reply, as cgminer does.
/// </summary>
public sealed class ReplayMinerServer : IAsyncDisposable
{
    private readonly Dictionary<string, byte[]> _replies;
    private readonly TcpAcceptor _acceptor;

    /// <param name="rewrite">Edits every reply's text before it is served (a firmware that differs from the capture).</param>
    public ReplayMinerServer(IReadOnlyDictionary<string, string> commandToFile, Spoil spoil = Spoil.None, TimeSpan? slowBy = null, Func<string, string>? rewrite = null)
    {
        _replies = commandToFile.ToDictionary(kv => kv.Key,
            kv => rewrite is null ? RealReplies.Bytes(kv.Value) : Encoding.UTF8.GetBytes(rewrite(Encoding.UTF8.GetString(RealReplies.Bytes(kv.Value)))));
        Spoiling = spoil;
        SlowBy = slowBy ?? TimeSpan.FromSeconds(3);
        _acceptor = new TcpAcceptor(new IPEndPoint(IPAddress.Loopback, 0), ServeAsync);
    }

    public Spoil Spoiling { get; set; }

    public TimeSpan SlowBy { get; }

    public int Port => _acceptor.Endpoint.Port;

    public int Requests;

    /// <summary>Answers joined commands (<c>stats+summary+pools</c>) as cgminer does: the real replies, keyed by command.</summary>
    public bool Joins { get; init; }

    /// <summary>Every command asked, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Commands { get; } = new();

    public ValueTask DisposeAsync() => _acceptor.DisposeAsync();

    public static byte[] Apply(Spoil spoil, byte[] reply)
    {
        var text = Encoding.UTF8.GetString(reply).TrimEnd();
        return spoil switch
        {
            Spoil.TrailingNul => [.. reply, 0],
            Spoil.Truncated => reply[..(reply.Length / 2)],
            Spoil.Empty => [],
            Spoil.ConcatenatedObjects => Encoding.UTF8.GetBytes(text + "{\"id\":2}\0"),
            Spoil.InfAndNan => Encoding.UTF8.GetBytes(text.Insert(1, "\"Chip Temp\": inf, \"Ratio\": -nan, ")),
            Spoil.TrailingCommas => Encoding.UTF8.GetBytes(text.Replace("}", ",}", StringComparison.Ordinal).Replace("]", ",]", StringComparison.Ordinal).Replace("{,}", "{}", StringComparison.Ordinal).Replace("[,]", "[]", StringComparison.Ordinal)),
            Spoil.NumbersAsStrings => Encoding.UTF8.GetBytes(NumbersToStrings(text)),
            _ => reply,
        };
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        using (socket)
        {
            try
            {
                Interlocked.Increment(ref Requests);
                var buffer = new byte[4096];
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
                using var request = JsonDocument.Parse(buffer.AsMemory(0, read));
                var command = (request.RootElement.TryGetProperty("command", out var c) ? c : request.RootElement.GetProperty("cmd")).GetString()!;
                Commands.Enqueue(command);
                var reply = (Joins ? Joined(command) : null) ?? (_replies.TryGetValue(command, out var bytes)
                    ? bytes
                    : Encoding.UTF8.GetBytes("{\"STATUS\":[{\"STATUS\":\"E\",\"Msg\":\"Invalid command\",\"Code\":14}],\"id\":1}"));
                switch (Spoiling)
                {
                    case Spoil.Silent:
                        await Task.Delay(Timeout.InfiniteTimeSpan, stop);
                        return;
                    case Spoil.Slow:
                        await Task.Delay(SlowBy, stop);
                        break;
                }

                await socket.SendAsync(Apply(Spoiling, reply), SocketFlags.None, stop);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>A joined reply, each part the real reply's text as the firmware sent it (defects included); null for a single command.</summary>
    private byte[]? Joined(string command)
    {
        var parts = command.Split('+');
        if (parts.Length < 2 || !parts.All(_replies.ContainsKey))
        {
            return null;
        }

        var body = string.Join(",", parts.Select(p => $"\"{p}\":[{Encoding.UTF8.GetString(_replies[p]).TrimEnd('\0', ' ', '\n', '\r')}]"));
        return Encoding.UTF8.GetBytes("{" + body + ",\"id\":1}\0");
    }

    /// <summary>Every bare number becomes a string ("Elapsed": "50474"), as some firmware writes them.</summary>
    private static string NumbersToStrings(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Visit(node);
        return node.ToJsonString();

        static void Visit(System.Text.Json.Nodes.JsonNode? n)
        {
            switch (n)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var key in o.Select(p => p.Key).ToList())
                    {
                        if (o[key] is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == JsonValueKind.Number)
                        {
                            o[key] = v.ToJsonString();
                        }
                        else
                        {
                            Visit(o[key]);
                        }
                    }

                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var item in a)
                    {
                        Visit(item);
                    }

                    break;
            }
        }
    }
}
