using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Server;

namespace EdgeFed.Protocol.V1;

/// <summary>The edgefed.v1.Aggregator service: descriptors, a service base and a typed client.</summary>
public static class Aggregator
{
    public const string ServiceName = "edgefed.v1.Aggregator";

    public static readonly Method<EnrollRequest, EnrollResponse> EnrollMethod = new(MethodType.Unary, ServiceName, "Enroll");

    public static readonly Method<AggregateReport, ReportAck> ReportMethod = new(MethodType.DuplexStreaming, ServiceName, "Report");

    public static readonly Method<ConcentrationRequest, ConcentrationResponse> GetConcentrationMethod =
        new(MethodType.Unary, ServiceName, "GetConcentration");

    public static readonly Method<ListAgentsRequest, ListAgentsResponse> ListAgentsMethod = new(MethodType.Unary, ServiceName, "ListAgents");

    public static readonly Method<ListAlertsRequest, ListAlertsResponse> ListAlertsMethod = new(MethodType.Unary, ServiceName, "ListAlerts");

    public abstract class AggregatorBase
    {
        public abstract Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context);

        public abstract Task Report(IAsyncStreamReader<AggregateReport> requestStream, IServerStreamWriter<ReportAck> responseStream, ServerCallContext context);

        public abstract Task<ConcentrationResponse> GetConcentration(ConcentrationRequest request, ServerCallContext context);

        public abstract Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context);

        public abstract Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context);
    }

    public static void BindService(IServiceBinder<AggregatorBase> binder)
    {
        binder.AddUnaryMethod(EnrollMethod, (service, request, context) => service.Enroll(request, context));
        binder.AddDuplexStreamingMethod(ReportMethod, (service, requests, responses, context) => service.Report(requests, responses, context));
        binder.AddUnaryMethod(GetConcentrationMethod, (service, request, context) => service.GetConcentration(request, context));
        binder.AddUnaryMethod(ListAgentsMethod, (service, request, context) => service.ListAgents(request, context));
        binder.AddUnaryMethod(ListAlertsMethod, (service, request, context) => service.ListAlerts(request, context));
    }

    public sealed class AggregatorClient(GrpcChannel channel)
    {
        public AsyncUnaryCall<EnrollResponse> EnrollAsync(EnrollRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncUnaryCall(EnrollMethod, options, request);

        public AsyncDuplexStreamingCall<AggregateReport, ReportAck> Report(CallOptions options = default) =>
            channel.CallInvoker.AsyncDuplexStreamingCall(ReportMethod, options);

        public AsyncUnaryCall<ConcentrationResponse> GetConcentrationAsync(ConcentrationRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncUnaryCall(GetConcentrationMethod, options, request);

        public AsyncUnaryCall<ListAgentsResponse> ListAgentsAsync(ListAgentsRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncUnaryCall(ListAgentsMethod, options, request);

        public AsyncUnaryCall<ListAlertsResponse> ListAlertsAsync(ListAlertsRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncUnaryCall(ListAlertsMethod, options, request);
    }
}
