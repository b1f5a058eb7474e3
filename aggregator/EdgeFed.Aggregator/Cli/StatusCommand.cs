using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Grpc.Core;
using Grpc.Health.V1;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Cli;

/// <summary>
/// <c>edgefed-aggregator status [--aggregator URL] [--dimension D] [--basis B] [--format json|text]</c>: a one-shot snapshot:
/// JSON (health, the chosen concentration, agents, alerts) or text (one frame of the console).
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Print the aggregator's health and current concentration as JSON.");
        var address = new Option<string>("--aggregator") { Description = "Aggregator URL", DefaultValueFactory = _ => ServeCommand.DefaultUrl };
        var dimension = new Option<Dimension>("--dimension") { Description = "pool, templateprovider, vendor, model, region, health", DefaultValueFactory = _ => Dimension.Pool };
        var basis = new Option<Basis>("--basis") { Description = "hashrate or blocks", DefaultValueFactory = _ => Basis.Hashrate };
        command.Options.Add(address);
        command.Options.Add(dimension);
        command.Options.Add(basis);
        var format = new Option<string>("--format") { DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "text");
        command.Options.Add(format);
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(address)!, result.GetValue(dimension), result.GetValue(basis), result.GetValue(format) == "text", cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string address, Dimension dimension, Basis basis, bool text, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"edgefed-aggregator status: --aggregator '{address}' is not an http:// or https:// URL.");
            return 2;
        }

        using var channel = GrpcChannel.ForAddress(url);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        try
        {
            if (text)
            {
                ConsoleView.Terminal().Write(new ConsoleView().Render(await Snapshot.ReadAsync(channel, null, cancellationToken)));
                return 0;
            }

            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), options);
            var concentration = await new Protocol.V1.Aggregator.AggregatorClient(channel).GetConcentrationAsync(
                new ConcentrationRequest { Dimension = dimension, Basis = basis }, options);
            var json = new JsonObject
            {
                ["aggregator"] = address,
                ["health"] = health.Status.ToString(),
                ["concentration"] = JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(concentration)),
                ["agents"] = JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(
                    await new Protocol.V1.Aggregator.AggregatorClient(channel).ListAgentsAsync(new ListAgentsRequest(), options)))?["agents"]?.DeepClone() ?? new JsonArray(),
                ["alerts"] = JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(
                    await new Protocol.V1.Aggregator.AggregatorClient(channel).ListAlertsAsync(new ListAlertsRequest { Limit = 20 }, options)))?["alerts"]?.DeepClone() ?? new JsonArray(),
            };
            Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        catch (RpcException ex)
        {
            await Console.Error.WriteLineAsync($"edgefed-aggregator status: {address}: {ex.StatusCode}: {ex.Status.Detail}");
            return 1;
        }
    }
}
