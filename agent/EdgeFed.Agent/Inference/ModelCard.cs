using System.Text.Json;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// The machine-readable part of a model card (<c>NAME.card.json</c>, written by <c>models/train.py</c>): the input and
/// output names, the feature columns in order and the classes in output order. The agent checks a model against it.
/// </summary>
public sealed record ModelCard(string Name, string Input, string Output, IReadOnlyList<string> Features, IReadOnlyList<string> Classes,
    IReadOnlyDictionary<string, string>? Vendors)
{
    public static ModelCard Load(string path)
    {
        try
        {
            var card = JsonSerializer.Deserialize(File.ReadAllText(path), AgentJsonContext.Default.ModelCard);
            return card is { Name.Length: > 0, Input.Length: > 0, Output.Length: > 0, Features.Count: > 0, Classes.Count: > 1 }
                ? card
                : throw new InvalidDataException($"Model card '{path}' lacks name, input, output, features or classes.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Model card '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Model card '{path}' does not exist.", path, ex);
        }
    }
}
