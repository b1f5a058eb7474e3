using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Attribution.Bitcoin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Emulator;

/// <summary>
/// A Bitcoin Core JSON-RPC endpoint on 127.0.0.1:0 (HTTP basic auth) serving <c>getbestblockhash</c>,
/// <c>getblockcount</c>, <c>getblockhash</c> and <c>getblock hash 2</c> for a chain whose coinbases are the real ones
/// it is fed. Tests mine blocks and reorganise the tip.
/// </summary>
public sealed class BitcoinRpcEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Block> _chain = [];
    private readonly Lock _lock = new();
    private readonly string _credentials;
    private int _nonce;

    private sealed record Block(long Height, string Hash, string? Previous, long Time, byte[] Coinbase, double Difficulty, int TxCount);

    private BitcoinRpcEmulator(WebApplication app, string credentials, long startHeight)
    {
        _app = app;
        _credentials = credentials;
        NextHeight = startHeight;
    }

    public Uri Url { get; private set; } = null!;

    public long NextHeight { get; private set; }

    public static async Task<BitcoinRpcEmulator> StartAsync(string user, string password, long startHeight)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        var app = builder.Build();
        var emulator = new BitcoinRpcEmulator(app, $"{user}:{password}", startHeight);
        app.MapPost("/", emulator.HandleAsync);
        await app.StartAsync();
        emulator.Url = new Uri(app.Urls.Single() + "/");
        return emulator;
    }

    /// <summary>Writes a cookie file as bitcoind does (<c>__cookie__:password</c>) for these credentials' password.</summary>
    public static string CookieLine(string password) => $"__cookie__:{password}";

    /// <summary>
    /// Appends a block whose coinbase has this scriptSig and these outputs (block time: given, or 600 s per height), with
    /// this difficulty and transaction count as getblock reports them; returns its hash.
    /// </summary>
    public string Mine(byte[] scriptSig, IReadOnlyList<TxOutput> outputs, DateTimeOffset? time = null, double difficulty = 0, int txCount = 1)
    {
        lock (_lock)
        {
            var previous = _chain.Count > 0 ? _chain[^1].Hash : null;
            var coinbase = CoinbaseBuilder.Serialize(scriptSig, outputs);
            var hash = Convert.ToHexStringLower(SHA256.HashData(SHA256.HashData([.. coinbase, .. Encoding.ASCII.GetBytes($"{previous}:{++_nonce}")])).Reverse().ToArray());
            _chain.Add(new Block(NextHeight, hash, previous, time?.ToUnixTimeSeconds() ?? 1_700_000_000 + NextHeight * 600, coinbase, difficulty, txCount));
            NextHeight++;
            return hash;
        }
    }

    /// <summary>Drops the top <paramref name="depth"/> blocks (the caller then mines the new branch).</summary>
    public void Rewind(int depth)
    {
        lock (_lock)
        {
            _chain.RemoveRange(_chain.Count - depth, depth);
            NextHeight -= depth;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Basic ", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])) : null;
        if (given != _credentials)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var request = await JsonDocument.ParseAsync(http.Request.Body);
        var id = request.RootElement.GetProperty("id").Clone();
        var method = request.RootElement.GetProperty("method").GetString();
        var parameters = request.RootElement.TryGetProperty("params", out var p) ? p.Clone() : default;
        object? result;
        object? error = null;
        lock (_lock)
        {
            Block? ByHash(string hash) => _chain.FirstOrDefault(b => b.Hash == hash);
            switch (method)
            {
                case "getbestblockhash":
                    result = _chain[^1].Hash;
                    break;
                case "getblockcount":
                    result = _chain[^1].Height;
                    break;
                case "getblockhash":
                    result = _chain.FirstOrDefault(b => b.Height == parameters[0].GetInt64())?.Hash;
                    error = result is null ? new { code = -8, message = "Block height out of range" } : null;
                    break;
                case "getblock" when ByHash(parameters[0].GetString()!) is { } block:
                    result = new
                    {
                        hash = block.Hash,
                        height = block.Height,
                        time = block.Time,
                        difficulty = block.Difficulty,
                        nTx = block.TxCount,
                        previousblockhash = block.Previous,
                        tx = new[] { new { txid = Convert.ToHexStringLower(SHA256.HashData(SHA256.HashData(block.Coinbase)).Reverse().ToArray()), hex = Convert.ToHexStringLower(block.Coinbase) } },
                    };
                    break;
                case "getblock":
                    result = null;
                    error = new { code = -5, message = "Block not found" };
                    break;
                default:
                    result = null;
                    error = new { code = -32601, message = "Method not found" };
                    break;
            }
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { result, error, id }));
    }

    /// <summary>
    /// An emulator embedded in a command does not own the process: no console lifetime, whose SIGTERM handler would wait
    /// for a host stop that only the command's own cancellation brings.
    /// </summary>
    private sealed class EmbeddedLifetime : Microsoft.Extensions.Hosting.IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
