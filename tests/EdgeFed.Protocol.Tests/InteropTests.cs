using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Tests.Infrastructure;
using EdgeFed.Protocol.Tests.Interop;
using Google.Protobuf;
using Xunit;

namespace EdgeFed.Protocol.Tests;

/// <summary>python3-grpcio's client (C core) against our server.</summary>
public sealed class PythonClientInteropTests : IAsyncLifetime
{
    private TestGrpcServer _server = null!;

    private string Target => $"127.0.0.1:{_server.Address.Port}";

    public async Task InitializeAsync() => _server = await TestGrpcServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unary_WithMetadataAndTrailers()
    {
        var result = await PythonPeer.RunClientAsync(Target, "unary");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal("hello", result.GetProperty("text").GetString());
        Assert.Equal("from-python", result.GetProperty("metadata_echo").GetString());
        Assert.Equal("from-python", result.GetProperty("trailer_echo").GetString());
    }

    [Fact]
    public async Task ClientStreaming()
    {
        var result = await PythonPeer.RunClientAsync(Target, "client_stream");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal("m0,m1,m2,m3,m4", result.GetProperty("text").GetString());
    }

    [Fact]
    public async Task ServerStreaming()
    {
        var result = await PythonPeer.RunClientAsync(Target, "server_stream");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(Enumerable.Range(0, 7), result.GetProperty("responses").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task Bidirectional()
    {
        var result = await PythonPeer.RunClientAsync(Target, "bidi");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(["b0", "b1", "b2", "b3"], result.GetProperty("responses").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ErrorStatus_WithPercentEncodedMessage()
    {
        var result = await PythonPeer.RunClientAsync(Target, "error");

        Assert.Equal("FAILED_PRECONDITION", result.GetProperty("code").GetString());
        Assert.Equal("disk 100% full — try later", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task DeadlineExpires()
    {
        var result = await PythonPeer.RunClientAsync(Target, "deadline");

        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("code").GetString());
        Assert.Equal("/edgefed.testing.v1.Interop/Unary", await _server.Observer.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ClientCancelsMidStream_ServerHandlerSeesIt()
    {
        var result = await PythonPeer.RunClientAsync(Target, "cancel");

        Assert.Equal("CANCELLED", result.GetProperty("code").GetString());
        Assert.Equal(3, result.GetProperty("seen").GetInt32());
        Assert.Equal("/edgefed.testing.v1.Interop/ServerStream", await _server.Observer.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ServerCancelsMidStream_PythonClientSeesCancelled()
    {
        var result = await PythonPeer.RunClientAsync(Target, "server_cancel");

        Assert.Equal("CANCELLED", result.GetProperty("code").GetString());
    }

    [Fact]
    public async Task RequestOverOurLimit_IsResourceExhausted()
    {
        var result = await PythonPeer.RunClientAsync(Target, "oversize_request");

        Assert.Equal("RESOURCE_EXHAUSTED", result.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ResponseOverPythonsLimit_IsResourceExhausted()
    {
        var result = await PythonPeer.RunClientAsync(Target, "oversize_response");

        Assert.Equal("RESOURCE_EXHAUSTED", result.GetProperty("code").GetString());
    }

    [Fact]
    public async Task GzipCompressedRequest_IsDecoded()
    {
        var result = await PythonPeer.RunClientAsync(Target, "gzip");

        Assert.Equal("OK", result.GetProperty("code").GetString());
        Assert.Equal(200_000, result.GetProperty("received").GetInt32());
        Assert.Equal("gzip", result.GetProperty("encoding").GetString());
    }
}

/// <summary>Our client against python3-grpcio's server (C core).</summary>
public sealed class PythonServerInteropTests : IDisposable
{
    private readonly PythonPeer.PythonServer _server;
    private readonly GrpcChannel _channel;
    private readonly InteropContract.Client _client;

    public PythonServerInteropTests()
    {
        _server = PythonPeer.StartServerAsync().GetAwaiter().GetResult();
        _channel = GrpcChannel.ForAddress(_server.Address);
        _client = new InteropContract.Client(_channel);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _server.Dispose();
    }

    private static CallOptions WithEcho(CancellationToken token = default) =>
        new(new Metadata { { "x-echo", "from-dotnet" } }, DateTime.UtcNow.AddSeconds(30), token);

    [Fact]
    public async Task Unary_WithMetadataAndTrailers()
    {
        using var call = _client.UnaryAsync(new EchoRequest { Text = "hello" }, WithEcho());

        var response = await call.ResponseAsync;

        Assert.Equal("hello", response.Text);
        Assert.Equal("from-dotnet", response.MetadataEcho);
        Assert.Equal("from-dotnet", call.GetTrailers().GetValue("x-trailer-echo"));
    }

    [Fact]
    public async Task ClientStreaming()
    {
        using var call = _client.ClientStreamCall(WithEcho());
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" });
        }

        await call.RequestStream.CompleteAsync();

        Assert.Equal("m0,m1,m2,m3,m4", (await call.ResponseAsync).Text);
    }

    [Fact]
    public async Task ServerStreaming()
    {
        using var call = _client.ServerStreamCall(new EchoRequest { Repeat = 7 }, WithEcho());

        var indexes = new List<int>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(response.Index);
        }

        Assert.Equal(Enumerable.Range(0, 7), indexes);
    }

    [Fact]
    public async Task Bidirectional_Interleaved()
    {
        using var call = _client.BidiCall(WithEcho());

        for (var i = 0; i < 4; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"b{i}" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal($"b{i}", call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
    }

    [Fact]
    public async Task ErrorStatus_WithPercentEncodedMessage()
    {
        using var call = _client.UnaryAsync(new EchoRequest { FailCode = 9, FailMessage = "disk 100% full — try later" }, WithEcho());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("disk 100% full — try later", error.Status.Detail);
    }

    [Fact]
    public async Task DeadlineExpires()
    {
        using var call = _client.UnaryAsync(new EchoRequest { DelayMs = 5000 }, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300)));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task ClientCancelsMidStream_PythonServerSeesIt()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.ServerStreamCall(new EchoRequest { Repeat = 1000, DelayMs = 20 }, WithEcho(cts.Token));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext());
        }

        cts.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled ServerStream", await _server.WaitForLineAsync("cancelled", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task PythonServerCancelsMidStream_WeSeeCancelled()
    {
        using var call = _client.ServerStreamCall(new EchoRequest { Repeat = 10, CancelStream = true }, WithEcho());

        // RST_STREAM may overtake the first message still buffered, so read until the call fails.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        });

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task RequestOverPythonsLimit_IsResourceExhausted()
    {
        using var call = _client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) }, WithEcho());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task ResponseOverOurLimit_IsResourceExhausted()
    {
        using var call = _client.UnaryAsync(new EchoRequest { ResponseSize = 5 * 1024 * 1024 }, WithEcho());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task GzipBothWays()
    {
        using var channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { SendCompression = "gzip" });
        var headers = new Metadata { { "x-compress-response", "1" } };
        using var call = new InteropContract.Client(channel).UnaryAsync(
            new EchoRequest { Text = "zip", Payload = ByteString.CopyFrom(new byte[200_000]), ResponseSize = 100_000 }, new CallOptions(headers));

        var response = await call.ResponseAsync;

        Assert.Equal(200_000, response.PayloadBytesReceived);
        Assert.Equal(100_000, response.Payload.Length);
    }
}
