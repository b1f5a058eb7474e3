using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Transport;
using EdgeFed.Emulator.Replies;

namespace EdgeFed.Emulator;

/// <summary>
/// One emulated miner on its own loopback address and port: the CGMiner-style RPC (one JSON request per
/// connection, reply, close) or, for a Bitaxe, HTTP/1.1 <c>GET /api/system/info</c>. Offline miners accept and
/// stay silent; flapping ones reset half their connections.
/// </summary>
public sealed class MinerServer : IAsyncDisposable
{
    private static readonly TimeSpan RequestReadLimit = TimeSpan.FromSeconds(5);
    private const int MaxRequestBytes = 8192;
    private readonly EmulatedMiner _miner;
    private readonly TimeProvider _time;
    private readonly TcpAcceptor _acceptor;

    public MinerServer(EmulatedMiner miner, IPEndPoint bind, TimeProvider time)
    {
        _miner = miner;
        _time = time;
        _acceptor = new TcpAcceptor(bind, ServeAsync);
    }

    public IPEndPoint Endpoint => _acceptor.Endpoint;

    public ValueTask DisposeAsync() => _acceptor.DisposeAsync();

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        using (socket)
        {
            try
            {
                var request = _miner.Family == MinerFamily.WhatsminerV3 ? await ReadFramedRequestAsync(socket, stop) : await ReadRequestAsync(socket, stop);
                var now = _time.GetUtcNow();
                var random = _miner.RequestRandom(now, request.Split('\n')[0]); // the request line: HTTP headers carry the ephemeral port
                var truth = _miner.TruthAt(now, random);
                if (!truth.Answers)
                {
                    await HoldSilentlyAsync(socket, stop);
                    return;
                }

                if (_miner.Has(BehaviourKind.FlappingNetwork, now) && random.NextDouble() < 0.5)
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST: a dropped link, not a reply
                    return;
                }

                var malformed = _miner.Has(BehaviourKind.MalformedReplies, now);
                var reply = _miner.Family switch
                {
                    MinerFamily.Bitaxe or MinerFamily.Epic or MinerFamily.Proto or MinerFamily.BraiinsOsGraphql => Http(request, truth, random, malformed),
                    MinerFamily.WhatsminerV3 => Framed(request, truth, random, malformed),
                    _ => Cgminer(request, truth, random, malformed),
                };
                await socket.SendAsync(reply, SocketFlags.None, stop);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // The client went away or the farm is stopping.
            }
        }
    }

    private byte[] Cgminer(string request, MinerTruth truth, Random random, bool malformed)
    {
        string command;
        try
        {
            using var json = JsonDocument.Parse(request);
            command = (json.RootElement.TryGetProperty("command", out var c) ? c : json.RootElement.GetProperty("cmd")).GetString() ?? string.Empty;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return CgminerJson.Bytes(CgminerJson.Error("cgminer", "Invalid JSON request"));
        }

        return ReplyRenderer.CgminerReply(command, _miner, truth, random, malformed);
    }

    private byte[] Http(string request, MinerTruth truth, Random random, bool malformed)
    {
        static byte[] Response(string status, byte[] body) =>
            [.. Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];

        if (request.StartsWith("POST /graphql ", StringComparison.Ordinal) && _miner.Family == MinerFamily.BraiinsOsGraphql)
        {
            return ReplyRenderer.Graphql(request[(request.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..], _miner, truth, random, malformed) is { } data
                ? Response("200 OK", data)
                : Response("400 Bad Request", "{\"errors\":[{\"message\":\"unknown query\"}]}"u8.ToArray());
        }

        if (!request.StartsWith("GET ", StringComparison.Ordinal))
        {
            return Response("400 Bad Request", "{\"error\":\"bad request\"}"u8.ToArray());
        }

        var path = request.Split(' ', 3)[1];
        return ReplyRenderer.Http(path, _miner, truth, random, malformed) is { } body
            ? Response("200 OK", body)
            : Response("404 Not Found", "{\"error\":\"not found\"}"u8.ToArray());
    }

    /// <summary>Whatsminer API v3: the reply framed like the request, a 4-byte little-endian length first.</summary>
    private byte[] Framed(string request, MinerTruth truth, Random random, bool malformed)
    {
        string cmd;
        string? param;
        try
        {
            using var json = JsonDocument.Parse(request);
            cmd = json.RootElement.GetProperty("cmd").GetString() ?? string.Empty;
            param = json.RootElement.TryGetProperty("param", out var p) ? p.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            cmd = string.Empty;
            param = null;
        }

        var body = ReplyRenderer.V3(cmd, param, _miner, truth, random, malformed);
        var frame = new byte[4 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static async Task<string> ReadFramedRequestAsync(Socket socket, CancellationToken stop)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(RequestReadLimit);
        var header = new byte[4];
        await ReceiveExactlyAsync(socket, header, cts.Token);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 2 or > 8192)
        {
            return string.Empty;
        }

        var body = new byte[length];
        await ReceiveExactlyAsync(socket, body, cts.Token);
        return Encoding.UTF8.GetString(body);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, token);
            if (n == 0)
            {
                throw new IOException("The client closed the connection inside a frame.");
            }

            read += n;
        }
    }

    /// <summary>Reads one request: a JSON object (balanced braces) or an HTTP head, within a size and time limit.</summary>
    private static async Task<string> ReadRequestAsync(Socket socket, CancellationToken stop)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(RequestReadLimit);
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cts.Token);
            if (read == 0)
            {
                break;
            }

            length += read;
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            if (text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var head and >= 0)
            {
                // An HTTP request: complete once its body (Content-Length) is in.
                var declared = text[..head].Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.TryParse(h[1].Trim(), out var n) ? n : 0).FirstOrDefault();
                if (Encoding.UTF8.GetByteCount(text[(head + 4)..]) >= declared)
                {
                    break;
                }
            }
            else if (text.TrimStart().StartsWith('{') && text.Count(c => c == '{') == text.Count(c => c == '}'))
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>An offline device: the connection stays open and nothing comes back, until the client gives up.</summary>
    private static async Task HoldSilentlyAsync(Socket socket, CancellationToken stop)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(TimeSpan.FromMinutes(2));
        var sink = new byte[256];
        while (await socket.ReceiveAsync(sink, SocketFlags.None, cts.Token) > 0)
        {
        }
    }
}
