using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Server;

namespace EdgeFed.Protocol.Tests.Interop;

/// <summary>Descriptors, base and client for the test-only interop service (as a generator would write them).</summary>
public static class InteropContract
{
    public const string ServiceName = "edgefed.testing.v1.Interop";
    public static readonly Method<EchoRequest, EchoResponse> Unary = new(MethodType.Unary, ServiceName, "Unary");
    public static readonly Method<EchoRequest, EchoResponse> ClientStream = new(MethodType.ClientStreaming, ServiceName, "ClientStream");
    public static readonly Method<EchoRequest, EchoResponse> ServerStream = new(MethodType.ServerStreaming, ServiceName, "ServerStream");
    public static readonly Method<EchoRequest, EchoResponse> Bidi = new(MethodType.DuplexStreaming, ServiceName, "Bidi");

    public static void BindService(IServiceBinder<InteropService> binder)
    {
        binder.AddUnaryMethod(Unary, (s, r, c) => s.UnaryCall(r, c));
        binder.AddClientStreamingMethod(ClientStream, (s, r, c) => s.ClientStreamCall(r, c));
        binder.AddServerStreamingMethod(ServerStream, (s, r, w, c) => s.ServerStreamCall(r, w, c));
        binder.AddDuplexStreamingMethod(Bidi, (s, r, w, c) => s.BidiCall(r, w, c));
    }

    public sealed class Client(GrpcChannel channel)
    {
        public AsyncUnaryCall<EchoResponse> UnaryAsync(EchoRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncUnaryCall(Unary, options, request);

        public AsyncClientStreamingCall<EchoRequest, EchoResponse> ClientStreamCall(CallOptions options = default) =>
            channel.CallInvoker.AsyncClientStreamingCall(ClientStream, options);

        public AsyncServerStreamingCall<EchoResponse> ServerStreamCall(EchoRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncServerStreamingCall(ServerStream, options, request);

        public AsyncDuplexStreamingCall<EchoRequest, EchoResponse> BidiCall(CallOptions options = default) =>
            channel.CallInvoker.AsyncDuplexStreamingCall(Bidi, options);
    }
}
