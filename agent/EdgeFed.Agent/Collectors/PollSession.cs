using System.Text.Json;
using EdgeFed.Agent.Collectors.Parsing;
using EdgeFed.Agent.Collectors.Transport;
using EdgeFed.Agent.Internal;
using Grpc.Core;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// The requests of one poll of one miner. Each failure is recorded as a typed <see cref="PollError"/>; once the
/// device has proved unreachable the remaining requests are skipped, so a dead miner costs one timeout.
/// </summary>
public sealed class PollSession(
    MinerEndpoint endpoint, TimeSpan timeout, MinerTransports transports, StaticReplyCache cache, TimeProvider time, CancellationToken cancellationToken)
{
    private readonly List<PollError> _errors = [];
    // The replies' documents, read in place over the reply bytes; disposed once the sample is built (their metadata
    // goes back to the pool). Every reply element handed out is read before then, or cloned (the static cache).
    private readonly List<JsonDocument> _documents = [];
    private bool _unreachable;

    public IReadOnlyList<PollError> Errors => _errors;

    public bool Unreachable => _unreachable;

    public MinerEndpoint Endpoint => endpoint;

    /// <summary>A JSON-socket request got an HTTP answer.</summary>
    public bool SpokeHttp { get; private set; }

    /// <summary>While detecting: the raw text of every reply read (error replies too), searched for firmware markers.</summary>
    public List<string>? Texts { get; set; }

    /// <summary>A CGMiner-style command (<c>{"command":...}</c>) or a btminer one (<c>{"cmd":...}</c>).</summary>
    public Task<JsonElement?> CommandAsync(string command, string key = "command") =>
        RunAsync(command, () => CgminerTransport.QueryAsync(endpoint.Host, endpoint.Port, $"{{\"{key}\":\"{command}\"}}", timeout, cancellationToken));

    /// <summary>
    /// Several CGMiner commands in one connection (<c>{"command":"stats+summary+pools"}</c>), as cgminer-based firmware
    /// joins them: one object keyed by command, each value a one-element array holding that command's reply. The
    /// replies come back in the order asked; each is checked like a reply of its own. A device that does not answer
    /// costs one timeout, recorded on the first command. Firmware that refuses the join (an error STATUS, or a reply
    /// without every command) is asked one command per connection, now and from then on; a garbled reply to the join is
    /// recorded as the first command's error and falls back for this poll only.
    /// </summary>
    public async Task<JsonElement?[]> CommandsAsync(params string[] commands)
    {
        var key = endpoint.ToString();
        if (!_unreachable && !transports.JoinRefused.ContainsKey(key))
        {
            var joined = string.Join('+', commands);
            try
            {
                var raw = await CgminerTransport.QueryAsync(endpoint.Host, endpoint.Port, $"{{\"command\":\"{joined}\"}}", timeout, cancellationToken);
                AgentCounters.AddRawReply(raw.Length);
                if (raw.Length > 0 && !raw.AsSpan().StartsWith("HTTP/"u8) && LenientJson.Parse(raw, _documents) is var reply && Split(reply, commands) is { } parts)
                {
                    Texts?.Add(reply.GetRawText());
                    return parts;
                }

                if (raw.Length > 0 && !raw.AsSpan().StartsWith("HTTP/"u8))
                {
                    transports.JoinRefused[key] = true;
                }
            }
            catch (PollException ex) when (ex.Kind is PollErrorKind.ConnectionRefused or PollErrorKind.Timeout or PollErrorKind.ConnectionReset)
            {
                Fail(commands[0], ex);
                return new JsonElement?[commands.Length];
            }
            catch (PollException ex)
            {
                // Garbled (cut short, malformed, empty): the device's defect is recorded, and this poll asks one command
                // at a time below so that its data still comes in.
                _errors.Add(new PollError(ex.Kind, commands[0], $"Reply to the joined {joined}: {ex.Message}"));
            }
        }

        // One at a time, the first being the primary one: without it the sample is a failure, so nothing more is asked.
        var replies = new JsonElement?[commands.Length];
        for (var i = 0; i < commands.Length && (i == 0 || replies[0] is not null); i++)
        {
            replies[i] = await CommandAsync(commands[i]);
        }

        return replies;
    }

    /// <summary>The parts of a joined reply, each checked for its STATUS; null when the reply is not a join of all of them.</summary>
    private JsonElement?[]? Split(JsonElement reply, string[] commands)
    {
        if (reply.ValueKind != JsonValueKind.Object ||
            commands.Any(c => !reply.TryGetProperty(c, out var part) || part.ValueKind != JsonValueKind.Array || part.GetArrayLength() == 0 ||
                part[0].ValueKind != JsonValueKind.Object))
        {
            return null;
        }

        var parts = new JsonElement?[commands.Length];
        for (var i = 0; i < commands.Length; i++)
        {
            var part = reply.GetProperty(commands[i])[0];
            try
            {
                CgminerReply.CheckStatus(part);
                parts[i] = part;
            }
            catch (PollException ex)
            {
                Fail(commands[i], ex);
            }
        }

        return parts;
    }

    /// <summary>A command whose reply describes the device (version, model): served from the cache while fresh.</summary>
    public async Task<JsonElement?> StaticCommandAsync(string command, string key = "command")
    {
        if (cache.TryGet(endpoint, command, out var cached))
        {
            return cached;
        }

        var reply = await CommandAsync(command, key);
        if (reply is { } fresh)
        {
            cache.Put(endpoint, command, fresh.Clone()); // it outlives this poll's documents
        }

        return reply;
    }

    /// <summary>An HTTP reply that describes the device (model, chips): served from the cache while fresh.</summary>
    public async Task<JsonElement?> StaticHttpGetAsync(string path)
    {
        if (cache.TryGet(endpoint, path, out var cached))
        {
            return cached;
        }

        var reply = await HttpGetAsync(path);
        if (reply is { } fresh)
        {
            cache.Put(endpoint, path, fresh.Clone());
        }

        return reply;
    }

    public Task<JsonElement?> SystemInfoAsync() => HttpGetAsync("/api/system/info");

    /// <summary>An HTTP JSON API (AxeOS, ePIC, Proto): <c>GET path</c> on the miner's port.</summary>
    public Task<JsonElement?> HttpGetAsync(string path) =>
        RunAsync("GET " + path, () => transports.Http.GetAsync(endpoint.Host, endpoint.Port, path, timeout, cancellationToken));

    /// <summary>A Whatsminer API v3 read (length-prefixed JSON on 4433); <c>code</c> other than 0 is an API error.</summary>
    public async Task<JsonElement?> V3Async(string cmd, string? param = null)
    {
        var reply = await RunAsync(param is null ? cmd : $"{cmd} {param}",
            () => WhatsminerV3Transport.QueryAsync(endpoint.Host, endpoint.Port, cmd, param, timeout, cancellationToken));
        if (reply is { } r && r.Int("code") is { } code && code != 0)
        {
            _errors.Add(new PollError(PollErrorKind.ApiError, cmd, $"Firmware answered code {code}: {r.String("msg") ?? r.String("desc") ?? "no message"}."));
            return null;
        }

        return reply;
    }

    /// <summary>
    /// A Braiins OS GraphQL query (<c>POST /graphql</c>, the web API of BOS before its gRPC API): its <c>data</c>. A reply
    /// with <c>errors</c> (an expired or missing session) logs in once with the <c>auth.login</c> mutation, whose
    /// <c>session_id</c> cookie then goes with every query, and asks again.
    /// </summary>
    public async Task<JsonElement?> GraphqlAsync(string name, string query)
    {
        var key = endpoint.ToString();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var body = JsonSerializer.Serialize(new GraphqlRequest(query), AgentJsonContext.Default.GraphqlRequest);
            var reply = await RunAsync(name, async () =>
            {
                var (bytes, _) = await transports.Http.PostJsonAsync(endpoint.Host, endpoint.Port, "/graphql", body,
                    transports.GraphqlSessions.TryGetValue(key, out var c) ? c : null, timeout, cancellationToken);
                return bytes;
            });
            if (reply is not { } r)
            {
                return null;
            }

            if (r.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                if (attempt == 0 && await GraphqlLoginAsync(key))
                {
                    _errors.RemoveAll(e => e.Command == name);
                    continue;
                }

                _errors.Add(new PollError(PollErrorKind.ApiError, name, $"GraphQL errors: {errors[0].String("message") ?? errors[0].GetRawText()}"));
                return null;
            }

            return r.At("data") ?? RecordUnexpected(name, "GraphQL reply has no data.");
        }

        return null;
    }

    private async Task<bool> GraphqlLoginAsync(string key)
    {
        var login = JsonSerializer.Serialize(new GraphqlRequest(
            "mutation ($username: String!, $password: String!) { auth { login(username: $username, password: $password) { ... on VoidResult { void } } } }",
            new Dictionary<string, string> { ["username"] = transports.Options.BraiinsUser, ["password"] = transports.Options.BraiinsGraphqlPassword }),
            AgentJsonContext.Default.GraphqlRequest);
        try
        {
            var (_, session) = await transports.Http.PostJsonAsync(endpoint.Host, endpoint.Port, "/graphql", login, null, timeout, cancellationToken);
            if (session is null)
            {
                return false;
            }

            transports.GraphqlSessions[key] = session;
            return true;
        }
        catch (PollException ex)
        {
            Fail("graphql login", ex);
            return false;
        }
    }

    private JsonElement? RecordUnexpected(string command, string message)
    {
        _errors.Add(new PollError(PollErrorKind.UnexpectedReply, command, message));
        return null;
    }

    /// <summary>A Braiins OS API call over gRPC (<c>braiins.bos.v1</c>).</summary>
    public async Task<T?> GrpcAsync<T>(string name, Func<CallInvoker, CallOptions, Task<T>> call) where T : class
    {
        if (_unreachable)
        {
            return null;
        }

        try
        {
            return await transports.Braiins.CallAsync(endpoint, timeout, call, cancellationToken);
        }
        catch (PollException ex)
        {
            Fail(name, ex);
            return null;
        }
    }

    /// <summary>Builds the sample from what was read; a parse failure becomes an error on an unreachable sample.</summary>
    public MinerSample Finish(MinerFamily family, Func<MinerSample> parse)
    {
        MinerSample sample;
        try
        {
            sample = parse();
        }
        catch (PollException ex)
        {
            _errors.Add(new PollError(ex.Kind, "parse", ex.Message));
            sample = new MinerSample { Endpoint = string.Empty, Family = family, State = MiningState.Unreachable };
        }

        ReleaseReplies();
        return sample with { Endpoint = endpoint.ToString(), Time = time.GetUtcNow(), Errors = _errors.ToList() };
    }

    /// <summary>A sample that is only its errors (the primary request failed).</summary>
    public MinerSample Failed(MinerFamily family)
    {
        ReleaseReplies();
        return new() { Endpoint = endpoint.ToString(), Time = time.GetUtcNow(), Family = family, State = MiningState.Unreachable, Errors = _errors.ToList() };
    }

    private void ReleaseReplies()
    {
        foreach (var document in _documents)
        {
            document.Dispose();
        }

        _documents.Clear();
    }

    public void Record(PollErrorKind kind, string command, string message) => _errors.Add(new PollError(kind, command, message));

    private async Task<JsonElement?> RunAsync(string command, Func<Task<byte[]>> request)
    {
        if (_unreachable)
        {
            return null;
        }

        try
        {
            var raw = await request();
            AgentCounters.AddRawReply(raw.Length);
            if (raw.Length == 0)
            {
                throw new PollException(PollErrorKind.EmptyReply, "The device closed the connection without a reply.");
            }

            if (raw.AsSpan().StartsWith("HTTP/"u8))
            {
                SpokeHttp = true; // ePIC serves HTTP on 4028, where CGMiner firmware has its JSON socket
                throw new PollException(PollErrorKind.UnexpectedReply, $"The device answers HTTP on port {endpoint.Port}, not a JSON socket.");
            }

            var reply = LenientJson.Parse(raw, _documents);
            Texts?.Add(reply.GetRawText());
            CgminerReply.CheckStatus(reply);
            return reply;
        }
        catch (PollException ex)
        {
            Fail(command, ex);
            return null;
        }
    }

    private void Fail(string command, PollException ex)
    {
        _errors.Add(new PollError(ex.Kind, command, ex.Message));
        _unreachable |= ex.Kind is PollErrorKind.ConnectionRefused or PollErrorKind.Timeout or PollErrorKind.ConnectionReset;
    }
}

/// <summary>A GraphQL request body: the query and, for the login mutation, its variables.</summary>
public sealed record GraphqlRequest(
    string Query,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string>? Variables = null);
