using System.Text.Json;
using EdgeFed.Agent.Collectors.Braiins.V1;
using Google.Protobuf;

namespace EdgeFed.Agent.Collectors.Braiins;

/// <summary>
/// Saved Braiins OS API replies (JSON renderings of the <c>braiins.bos.v1</c> messages, as in braiins/v25_07..) read into
/// our messages: fields this .proto does not declare are ignored; a pool-groups capture may be the bare list.
/// </summary>
public static class BraiinsJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static T Parse<T>(string json) where T : IMessage<T>, new()
    {
        try
        {
            return Parser.Parse<T>(typeof(T) == typeof(GetPoolGroupsResponse) && json.TrimStart().StartsWith('[') ? $"{{\"pool_groups\": {json}}}" : json);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new PollException(PollErrorKind.UnexpectedReply, $"Not a {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    public static T Parse<T>(JsonElement reply) where T : IMessage<T>, new() => Parse<T>(reply.GetRawText());
}
