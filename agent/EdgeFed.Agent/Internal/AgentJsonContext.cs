using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeFed.Agent.Cli;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Node;
using EdgeFed.Agent.Collectors.Stratum;
using EdgeFed.Agent.Inference;

namespace EdgeFed.Agent.Internal;

/// <summary>
/// Every type the agent reads or writes with <see cref="JsonSerializer"/>, with serialisers generated at compile time:
/// the board bundle is compiled ahead of time, where reflection-based serialisation is off.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(StratumRequest))]
[JsonSerializable(typeof(BitcoinRpcRequest))]
[JsonSerializable(typeof(GraphqlRequest))]
[JsonSerializable(typeof(MinerSample))]
[JsonSerializable(typeof(CoinbaseJson))]
[JsonSerializable(typeof(NotifyJson))]
[JsonSerializable(typeof(IdentifyJson))]
[JsonSerializable(typeof(ClassifyJson))]
[JsonSerializable(typeof(PollJson))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
