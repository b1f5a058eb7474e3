using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Grpc.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Protocol.Server.Internal;

/// <summary>Runs one call of one method: checks the request, enforces the deadline, and maps the outcome to a status.</summary>
internal sealed class ServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, RequestStreamReader<TRequest>, ResponseStreamWriter<TResponse>, ServerCallContext, Task> invoke)
    where TService : class
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<GrpcServerOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<GrpcServerOptions>>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

        if (!await RequestGate.AcceptAsync(http))
        {
            return;
        }

        // A gRPC stream may carry any number of messages and idle between them: per-message limits apply instead
        // of Kestrel's whole-body size limit (30 MB) and minimum data rate.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } dataRate)
        {
            dataRate.MinDataRate = null;
        }

        var requestEncoding = http.Request.Headers[GrpcProtocol.EncodingHeader].ToString() is { Length: > 0 } e ? e : null;
        var compress = options.ResponseCompression == GrpcProtocol.GzipEncoding &&
                       http.Request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString().Contains(GrpcProtocol.GzipEncoding, StringComparison.Ordinal);
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        if (compress)
        {
            http.Response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.GzipEncoding;
        }

        var hasTimeout = GrpcTimeout.TryParse(http.Request.Headers[GrpcProtocol.TimeoutHeader], out var timeout);
        using var deadlineCts = hasTimeout && timeout < TimeSpan.FromDays(30) ? new CancellationTokenSource(timeout, time) : new CancellationTokenSource();
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, deadlineCts.Token);
        var deadline = hasTimeout && timeout < TimeSpan.FromDays(30) ? time.GetUtcNow().UtcDateTime + timeout : DateTime.MaxValue;

        var context = new ServerCallContext(http, method.FullName, deadline, ReadMetadata(http.Request.Headers), callCts.Token);
        var reader = new RequestStreamReader<TRequest>(http, method.RequestParser, options.MaxReceiveMessageSize, requestEncoding, callCts.Token);
        var writer = new ResponseStreamWriter<TResponse>(http, options, compress, callCts.Token);

        if (requestEncoding is not (null or GrpcProtocol.IdentityEncoding or GrpcProtocol.GzipEncoding))
        {
            await writer.CompleteAsync(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{requestEncoding}'."), context.ResponseTrailers);
            return;
        }

        var run = RunAsync(http, reader, writer, context, deadlineCts.Token, options, logger);
        var deadlinePassed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (deadlineCts.Token.Register(() => deadlinePassed.TrySetResult()))
        {
            if (await Task.WhenAny(run, deadlinePassed.Task) != run)
            {
                // The deadline ends the call now, whatever the handler is doing; its token is already cancelled.
                Log.DeadlineExceeded(logger, method.FullName);
                await writer.CompleteAsync(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), context.ResponseTrailers);
            }

            var status = await run;
            await writer.CompleteAsync(status, context.ResponseTrailers);
        }
    }

    private async Task<Status> RunAsync(
        HttpContext http, RequestStreamReader<TRequest> reader, ResponseStreamWriter<TResponse> writer, ServerCallContext context,
        CancellationToken deadline, GrpcServerOptions options, ILogger logger)
    {
        try
        {
            var service = ActivatorUtilities.GetServiceOrCreateInstance<TService>(http.RequestServices);
            await invoke(service, reader, writer, context);
            return context.Status;
        }
        catch (RpcException ex)
        {
            foreach (var entry in ex.Trailers)
            {
                context.ResponseTrailers.Add(entry);
            }

            return ex.Status;
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && ex is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        catch (Exception ex) when (http.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            Log.CallCancelledByClient(logger, method.FullName);
            return new Status(StatusCode.Cancelled, "Call cancelled by the client.");
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(logger, method.FullName, ex);
            return new Status(StatusCode.Unknown, options.EnableDetailedErrors
                ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                : "Exception was thrown by handler.");
        }
    }

    private static Metadata ReadMetadata(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.Add(Metadata.Entry.FromHeader(key, value ?? string.Empty));
            }
        }

        return metadata;
    }
}
