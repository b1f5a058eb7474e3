using System.Globalization;
using System.Net;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Grpc.Internal;
using Google.Protobuf;

namespace EdgeFed.Protocol.Client.Internal;

/// <summary>
/// One call on the wire: a POST whose body streams request messages and whose response streams messages then
/// trailers. The first status reached (from the server, a deadline, a cancel or a transport failure) wins, and
/// ending early resets the HTTP/2 stream (RST_STREAM).
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IGrpcCall<TResponse>, IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource _callCts;
    private readonly RequestContent _content = new();
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _compress;
    private readonly object _lock = new();
    private Task<Stream?> _responseStream = null!;
    private HttpResponseMessage? _response;
    private string? _responseEncoding;
    private Status? _status;
    private Metadata _trailers = new();
    private bool _requestCompleted;

    private GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _compress = channel.Options.SendCompression == GrpcProtocol.GzipEncoding;
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            _deadlineCts = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        _callCts = _deadlineCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadlineCts.Token);
    }

    public TResponse Current { get; private set; } = null!;

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    public static GrpcCall<TRequest, TResponse> Start(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options, TRequest? singleRequest)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options);
        var send = channel.Invoker.SendAsync(call.CreateRequest(), call._callCts.Token);
        call._responseStream = call.ReceiveHeadersAsync(send);
        if (singleRequest is not null)
        {
            _ = call.SendSingleAsync(singleRequest);
        }

        return call;
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call is still in progress.");

    public Metadata GetTrailers() => _status is null ? throw new InvalidOperationException("The call is still in progress.") : _trailers;

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default) =>
        WriteAllAsync([message], cancellationToken);

    public async Task WriteAllAsync(IReadOnlyList<TRequest> messages, CancellationToken cancellationToken = default)
    {
        if (_status is { } ended)
        {
            throw ended.StatusCode == StatusCode.OK ? new InvalidOperationException("Cannot write: the call is complete.") : new RpcException(ended, _trailers);
        }

        if (_requestCompleted)
        {
            throw new InvalidOperationException("Cannot write: the request stream is already complete.");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_callCts.Token, cancellationToken);
        try
        {
            var stream = await _content.GetStreamAsync(linked.Token).ConfigureAwait(false);
            await MessageFraming.WriteMessagesAsync(stream, messages, _channel.Options.MaxSendMessageSize, _compress, linked.Token).ConfigureAwait(false);
        }
        catch (RpcException ex) when (_status is null)
        {
            throw Fail(ex.Status);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            // A broken request stream usually means the server already ended the call: prefer its status.
            await Task.WhenAny(_responseStream, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
            throw _status is { } status ? new RpcException(status, _trailers) : Fail(MapException(ex));
        }
    }

    public Task CompleteAsync()
    {
        _requestCompleted = true;
        _content.Complete();
        return Task.CompletedTask;
    }

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        try
        {
            // The response headers may never come (a blackholed link): waiting for them honours the caller's token too.
            var stream = await _responseStream.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_status is { } ended)
            {
                return ended.StatusCode == StatusCode.OK ? false : throw new RpcException(ended, _trailers);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_callCts.Token, cancellationToken);
            var maxSize = _channel.Options.MaxReceiveMessageSize ?? int.MaxValue;
            var bytes = await MessageFraming.ReadMessageAsync(stream!, maxSize, _responseEncoding, linked.Token).ConfigureAwait(false);
            if (bytes is not null)
            {
                Current = ParseResponse(bytes);
                return true;
            }

            var status = StatusMapping.FromHeaders(_response!.TrailingHeaders) ?? new Status(StatusCode.Internal, "Response ended without a grpc-status.");
            Finish(status, StatusMapping.ToMetadata(_response.TrailingHeaders));
            return status.StatusCode == StatusCode.OK ? false : throw new RpcException(status, _trailers);
        }
        catch (RpcException ex) when (_status is null)
        {
            throw Fail(ex.Status);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw _status is { StatusCode: not StatusCode.OK } status ? new RpcException(status, _trailers) : Fail(MapException(ex));
        }
    }

    public async Task<TResponse> ReadSingleResponseAsync()
    {
        if (!await MoveNext().ConfigureAwait(false))
        {
            throw Fail(new Status(StatusCode.Internal, "Server ended the call with OK but sent no response message."), overrideOk: true);
        }

        var message = Current;
        if (await MoveNext().ConfigureAwait(false))
        {
            throw Fail(new Status(StatusCode.Internal, "Server sent more than one response message for a single-response method."));
        }

        return message;
    }

    public void Dispose()
    {
        if (_status is null)
        {
            Fail(new Status(StatusCode.Cancelled, "Call disposed before it completed."));
        }

        _response?.Dispose();
        _deadlineCts?.Dispose();
    }

    private HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = _content,
        };
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.UserAgent.Add(GrpcChannel.UserAgent);
        request.Headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_compress)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.GzipEncoding);
        }

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        }

        foreach (var entry in _options.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(entry.Key, entry.ToHeaderValue());
        }

        return request;
    }

    private async Task SendSingleAsync(TRequest request)
    {
        try
        {
            await WriteAsync(request).ConfigureAwait(false);
            await CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failure is the call's status, which the response side reports.
        }
    }

    /// <summary>Waits for response headers; handles HTTP errors and trailers-only responses. Never throws.</summary>
    private async Task<Stream?> ReceiveHeadersAsync(Task<HttpResponseMessage> send)
    {
        try
        {
            var response = _response = await send.ConfigureAwait(false);
            var headers = StatusMapping.ToMetadata(response.Headers);
            _headers.TrySetResult(headers);
            var headerStatus = StatusMapping.FromHeaders(response.Headers);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Fail(headerStatus ?? new Status(StatusMapping.FromHttpStatus(response.StatusCode),
                    $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}."));
                return null;
            }

            if (headerStatus is { } trailersOnly)
            {
                Finish(trailersOnly, headers);
                return null;
            }

            var contentType = response.Content.Headers.ContentType?.ToString();
            if (!GrpcProtocol.IsGrpcContentType(contentType))
            {
                Fail(new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type '{contentType}'."));
                return null;
            }

            _responseEncoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var encodings) ? encodings.First() : null;
            return await response.Content.ReadAsStreamAsync(_callCts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(MapException(ex));
            _headers.TrySetException(new RpcException(_status!.Value));
            return null;
        }
    }

    private TResponse ParseResponse(byte[] bytes)
    {
        try
        {
            return _method.ResponseParser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Fail(new Status(StatusCode.Internal, $"Response message could not be parsed: {ex.Message}"));
        }
    }

    private void Finish(Status status, Metadata trailers)
    {
        lock (_lock)
        {
            if (_status is not null)
            {
                return;
            }

            _status = status;
            _trailers = trailers;
        }

        _content.Abort(new RpcException(status, trailers));
        if (status.StatusCode != StatusCode.OK)
        {
            _callCts.Cancel();
        }
    }

    /// <summary>Ends the call with a status (unless one was reached first) and resets the stream.</summary>
    private RpcException Fail(Status status, bool overrideOk = false)
    {
        lock (_lock)
        {
            if (_status is null || (overrideOk && _status.Value.StatusCode == StatusCode.OK))
            {
                _status = status;
            }
        }

        _content.Abort(new RpcException(_status.Value, _trailers));
        _callCts.Cancel();
        _response?.Dispose(); // an unfinished response resets the HTTP/2 stream (RST_STREAM CANCEL)
        return new RpcException(_status.Value, _trailers);
    }

    private Status MapException(Exception ex)
    {
        if (_deadlineCts?.IsCancellationRequested == true)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (_options.CancellationToken.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Call cancelled by the client.");
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return StatusMapping.FromReset(protocol.ErrorCode);
            }
        }

        return ex switch
        {
            HttpRequestException or IOException => new Status(StatusCode.Unavailable, $"Error talking to {_channel.Address}: {ex.Message}"),
            // The handler tears down a request's body stream when its connection dies (a reset, a proxy gone): a
            // transport failure, so UNAVAILABLE, as the gRPC spec has it, not INTERNAL.
            ObjectDisposedException => new Status(StatusCode.Unavailable, $"Connection to {_channel.Address} lost: {ex.Message}"),
            // Neither the caller's token nor the deadline fired: the handler cancelled the request because its
            // connection went away underneath it. A transport failure, so UNAVAILABLE and retryable, not CANCELLED.
            OperationCanceledException => new Status(StatusCode.Unavailable, $"Call to {_channel.Address} aborted: its connection was torn down."),
            _ => new Status(StatusCode.Internal, string.Create(CultureInfo.InvariantCulture, $"{ex.GetType().Name}: {ex.Message}")),
        };
    }
}
