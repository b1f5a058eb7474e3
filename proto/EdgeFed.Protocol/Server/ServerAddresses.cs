using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeFed.Protocol.Server;

public static class ServerAddresses
{
    /// <summary>The addresses a started app listens on (with the real port when it was asked for port 0).</summary>
    public static IReadOnlyList<string> ListeningAddresses(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
