using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Health.V1;
using EdgeFed.Protocol.Tests.Infrastructure;
using EdgeFed.Protocol.Tests.Interop;
using Google.Protobuf;
using Xunit;
using ServingStatus = EdgeFed.Protocol.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeFed.Protocol.Tests;

/// <summary>Our client against our server on a real Kestrel over loopback h2c.</summary>
public sealed class TransportTests : IAsyncLifetime
{
    private TestGrpcServer _server = null!;
    private GrpcChannel _channel = null!;
    private InteropContract.Client _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
        _client = new InteropContract.Client(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    private static CallOptions Echo(string value) => new(Headers: new Metadata { { "x-echo", value } }, Deadline: DateTime.UtcNow.AddSeconds(30));

    [Fact]
    public async Task Unary_ReturnsResponse_AndCarriesMetadataBothWays()
    {
        using var call = _client.UnaryAsync(new EchoRequest { Text = "hi" }, Echo("abc"));

        var response = await call.ResponseAsync;

        Assert.Equal("hi", response.Text);
        Assert.Equal("abc", response.MetadataEcho);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("abc", call.GetTrailers().GetValue("x-trailer-echo"));
    }

    [Fact]
    public async Task BinaryMetadata_RoundTripsAsBase64()
    {
        var headers = new Metadata { { "x-echo", "t" }, { "x-token-bin", new byte[] { 0, 1, 254, 255 } } };
        using var call = _client.UnaryAsync(new EchoRequest(), new CallOptions(headers));

        await call.ResponseAsync;

        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_ServerReceivesEveryMessageInOrder()
    {
        using var call = _client.ClientStreamCall();
        for (var i = 0; i < 50; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;

        Assert.Equal(50, response.TotalRequests);
        Assert.Equal(string.Join(",", Enumerable.Range(0, 50).Select(i => $"m{i}")), response.Text);
    }

    [Fact]
    public async Task ClientStreaming_LongerThanKestrelsWholeBodyLimit_IsNotCutOff()
    {
        using var call = _client.ClientStreamCall();
        var megabyte = new EchoRequest { Text = "x", Payload = ByteString.CopyFrom(new byte[1024 * 1024]) };
        for (var i = 0; i < 40; i++)
        {
            await call.RequestStream.WriteAsync(megabyte);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;

        Assert.Equal(40, response.TotalRequests);
        Assert.Equal(40 * 1024 * 1024, response.PayloadBytesReceived);
    }

    [Fact]
    public async Task WriteAll_SendsABatchInOneWrite_InOrder()
    {
        using var call = _client.ClientStreamCall();

        await call.RequestStream.WriteAllAsync(Enumerable.Range(0, 100).Select(i => new EchoRequest { Text = $"m{i}" }).ToList());
        await call.RequestStream.WriteAllAsync([new EchoRequest { Text = "last" }]);
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;

        Assert.Equal(101, response.TotalRequests);
        Assert.EndsWith("m98,m99,last", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreaming_DeliversAllMessagesThenOk()
    {
        using var call = _client.ServerStreamCall(new EchoRequest { Text = "s", Repeat = 20 });

        var indexes = new List<int>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(response.Index);
        }

        Assert.Equal(Enumerable.Range(0, 20), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Duplex_AnswersEachMessageBeforeTheNextIsSent()
    {
        using var call = _client.BidiCall();

        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"b{i}" });
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal($"b{i}", call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task HandlerError_ArrivesAsStatus_WithPercentEncodedMessageDecoded()
    {
        const string message = "disk 100% full — réessayez\nlater";
        using var call = _client.UnaryAsync(new EchoRequest { FailCode = (int)StatusCode.FailedPrecondition, FailMessage = message });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task ErrorAfterMessages_IsReportedAfterTheMessages()
    {
        using var call = _client.ServerStreamCall(new EchoRequest { Repeat = 3, FailCode = (int)StatusCode.Aborted, FailMessage = "stop" });

        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
                received++;
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
    }

    [Fact]
    public async Task Deadline_Expires_ClientGetsDeadlineExceeded_AndServerHandlerIsCancelled()
    {
        using var call = _client.UnaryAsync(new EchoRequest { DelayMs = 10_000 }, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300)));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("/edgefed.testing.v1.Interop/Unary", await _server.Observer.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ServerDeadline_FromGrpcTimeoutHeader_EndsCallWithDeadlineExceeded()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = GrpcRequest("/edgefed.testing.v1.Interop/Unary", new EchoRequest { DelayMs = 10_000 });
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("4", StatusOf(response));
    }

    [Fact]
    public async Task ClientCancelsMidStream_ClientGetsCancelled_AndServerSeesIt()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.ServerStreamCall(new EchoRequest { Repeat = 1000, DelayMs = 20 }, new CallOptions(CancellationToken: cts.Token));

        Assert.True(await call.ResponseStream.MoveNext());
        cts.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("/edgefed.testing.v1.Interop/ServerStream", await _server.Observer.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ServerCancelsMidStream_ClientGetsCancelled()
    {
        using var call = _client.ServerStreamCall(new EchoRequest { Repeat = 10, CancelStream = true });

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
    public async Task UnknownMethod_IsUnimplemented()
    {
        var method = new Method<EchoRequest, EchoResponse>(MethodType.Unary, "edgefed.testing.v1.Interop", "NoSuchMethod");
        using var call = _channel.CallInvoker.AsyncUnaryCall(method, default, new EchoRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task WrongContentType_IsAnsweredWithHttp415()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new StringContent("{}", new MediaTypeHeaderValue("application/json"));

        using var response = await http.PostAsync(new Uri(_server.Address, "/edgefed.testing.v1.Interop/Unary"), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task RequestOverServerLimit_IsResourceExhausted()
    {
        using var call = _client.UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task ResponseOverClientLimit_IsResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 });
        using var call = new InteropContract.Client(channel).UnaryAsync(new EchoRequest { ResponseSize = 100_000 });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task GzipRequestsAndResponses_RoundTrip()
    {
        await using var server = await TestGrpcServer.StartAsync(o => o.ResponseCompression = "gzip");
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { SendCompression = "gzip" });
        using var call = new InteropContract.Client(channel).UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[300_000]), ResponseSize = 250_000 });

        var response = await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(300_000, response.PayloadBytesReceived);
        Assert.Equal(250_000, response.Payload.Length);
        Assert.Null(headers.GetValue("grpc-encoding")); // reserved: not surfaced as metadata
    }

    [Fact]
    public async Task Tls_WithAlpnAndPrivateCa_Works()
    {
        using var ca = TestCertificates.CreateCertificateAuthority(out var serverCertificate);
        await using var server = await TestGrpcServer.StartAsync(certificate: serverCertificate);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RootCertificates = [X509CertificateLoader.LoadCertificate(ca.RawData)] });

        var response = await new InteropContract.Client(channel).UnaryAsync(new EchoRequest { Text = "over tls" });

        Assert.StartsWith("https://", server.Address.ToString(), StringComparison.Ordinal);
        Assert.Equal("over tls", response.Text);
    }

    [Fact]
    public async Task Tls_WithUntrustedCertificate_IsUnavailable()
    {
        using var ca = TestCertificates.CreateCertificateAuthority(out var serverCertificate);
        using var otherCa = TestCertificates.CreateCertificateAuthority(out _);
        await using var server = await TestGrpcServer.StartAsync(certificate: serverCertificate);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RootCertificates = [X509CertificateLoader.LoadCertificate(otherCa.RawData)] });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropContract.Client(channel).UnaryAsync(new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task HealthCheck_ReportsServing_AndUnknownServiceIsNotFound()
    {
        _server.Health.SetStatus("", ServingStatus.Serving);
        var health = new Health.Health.HealthClient(_channel);

        var whole = await health.CheckAsync(new HealthCheckRequest());
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "nope" }));

        Assert.Equal(ServingStatus.Serving, whole.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_StreamsStatusChanges()
    {
        _server.Health.SetStatus("edgefed.v1.Aggregator", ServingStatus.Serving);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = new Health.Health.HealthClient(_channel).Watch(new HealthCheckRequest { Service = "edgefed.v1.Aggregator" }, new CallOptions(CancellationToken: cts.Token));

        Assert.True(await call.ResponseStream.MoveNext());
        var first = call.ResponseStream.Current.Status;
        _server.Health.SetStatus("edgefed.v1.Aggregator", ServingStatus.NotServing);
        Assert.True(await call.ResponseStream.MoveNext());

        Assert.Equal(ServingStatus.Serving, first);
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task ServerNotListening_IsUnavailable()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropContract.Client(channel).UnaryAsync(new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private HttpRequestMessage GrpcRequest(string path, IMessage message)
    {
        var body = message.ToByteArray();
        var framed = new byte[5 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        var content = new ByteArrayContent(framed);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, path))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.ParseAdd("trailers");
        return request;
    }

    private static string? StatusOf(HttpResponseMessage response) =>
        (response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t : response.Headers.TryGetValues("grpc-status", out var h) ? h : null)?.First();
}
