namespace EdgeFed.Protocol.Domain;

/// <summary>
/// Template providers: pools that mine on another pool's block templates are grouped under it. The default is the
/// published "AntPool &amp; friends" group; configuration may add or replace groups (group name → pool slugs).
/// A pool in no group is its own template provider.
/// </summary>
public sealed class ProxyGroups
{
    public const string AntPoolAndFriends = "AntPool & friends";

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Default { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [AntPoolAndFriends] =
        [
            "antpool", "poolin", "ultimuspool", "braiinspool", "secpool", "sigmapoolcom", "sigmapool", "binancepool", "rawpool", "luxor",
            "cloverpool", "miningsquared",
        ],
    };

    private readonly Dictionary<string, string> _providerOf;

    public ProxyGroups(IReadOnlyDictionary<string, IReadOnlyList<string>> groups)
    {
        Groups = groups;
        _providerOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (group, members) in groups)
        {
            foreach (var member in members)
            {
                _providerOf[member] = group;
            }
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; }

    /// <summary>The template provider behind a pool (by slug); the pool itself when it belongs to no group.</summary>
    public string ProviderOf(string poolSlug) => _providerOf.GetValueOrDefault(poolSlug, poolSlug);
}
