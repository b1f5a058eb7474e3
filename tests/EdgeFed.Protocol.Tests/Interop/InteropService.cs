using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Server;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeFed.Protocol.Tests.Interop;

/// <summary>Our side of the interop service; interop_server.py implements the same behaviour in python3-grpcio.</summary>
public sealed class InteropService(InteropObserver observer)
{
    public async Task<EchoResponse> UnaryCall(EchoRequest request, ServerCallContext context)
    {
        await ApplyAsync(request, context);
        context.ResponseTrailers.Add("x-trailer-echo", context.RequestHeaders.GetValue("x-echo") ?? string.Empty);
        return Respond(request, context, 0);
    }

    public async Task<EchoResponse> ClientStreamCall(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        var texts = new List<string>();
        var bytes = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            await ApplyAsync(request, context);
            texts.Add(request.Text);
            bytes += request.Payload.Length;
        }

        return new EchoResponse { Text = string.Join(",", texts), TotalRequests = texts.Count, PayloadBytesReceived = bytes };
    }

    public async Task ServerStreamCall(EchoRequest request, IServerStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        try
        {
            for (var i = 0; i < request.Repeat; i++)
            {
                if (request.DelayMs > 0)
                {
                    await Task.Delay(request.DelayMs, context.CancellationToken);
                }

                await responses.WriteAsync(Respond(request, context, i), context.CancellationToken);
                if (request.CancelStream)
                {
                    // The server side of "cancellation both ways": reset the stream with CANCEL (0x8).
                    context.GetHttpContext().Features.Get<IHttpResetFeature>()!.Reset(8);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            observer.Cancelled.TrySetResult(context.Method);
            throw;
        }

        if (request.FailCode != 0)
        {
            throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
        }
    }

    public async Task BidiCall(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            await ApplyAsync(request, context);
            await responses.WriteAsync(Respond(request, context, index++), context.CancellationToken);
        }
    }

    private async Task ApplyAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0 && request.Repeat == 0)
        {
            try
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                observer.Cancelled.TrySetResult(context.Method);
                throw;
            }
        }

        if (request.FailCode != 0)
        {
            throw new RpcException((StatusCode)request.FailCode, request.FailMessage);
        }
    }

    private static EchoResponse Respond(EchoRequest request, ServerCallContext context, int index) => new()
    {
        Text = request.Text,
        Index = index,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(new byte[request.ResponseSize]) : request.Payload,
        MetadataEcho = context.RequestHeaders.GetValue("x-echo") ?? string.Empty,
        PayloadBytesReceived = request.Payload.Length,
        RequestEncoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString(),
    };
}

/// <summary>What the test server saw, for assertions about the server side of a call.</summary>
public sealed class InteropObserver
{
    public TaskCompletionSource<string> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
