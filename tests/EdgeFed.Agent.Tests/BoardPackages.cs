using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeFed.Agent.Tests;

/// <summary>
/// The board packages eng/package-agent.sh makes (a self-contained tar.gz and a .deb per architecture). CI builds them
/// once before the tests and names the folder in EDGEFED_PACKAGES; otherwise the first caller builds them here.
/// </summary>
internal static class BoardPackages
{
    private static readonly Lazy<Task<string>> s_folder = new(BuildOrLocateAsync);

    public static string Version { get; } = typeof(BoardPackages).Assembly.GetName().Version!.ToString(3);

    public static Task<string> FolderAsync() => s_folder.Value;

    public static async Task<string> TarballAsync(string rid) => Path.Combine(await FolderAsync(), $"edgefed-agent-{Version}-{rid}.tar.gz");

    public static async Task<string> DebAsync(string arch) => Path.Combine(await FolderAsync(), $"edgefed-agent_{Version}_{arch}.deb");

    /// <summary>Unpacks a bundle into a new temp folder and returns the bundle's own folder (…/edgefed-agent).</summary>
    public static async Task<string> ExtractAsync(string rid)
    {
        var target = Directory.CreateTempSubdirectory($"edgefed-bundle-{rid}-").FullName;
        await using (var gzip = new GZipStream(File.OpenRead(await TarballAsync(rid)), CompressionMode.Decompress))
        {
            await TarFile.ExtractToDirectoryAsync(gzip, target, overwriteFiles: false);
        }

        return Path.Combine(target, "edgefed-agent");
    }

    private static async Task<string> BuildOrLocateAsync()
    {
        if (Environment.GetEnvironmentVariable("EDGEFED_PACKAGES") is { Length: > 0 } given)
        {
            return Directory.Exists(given) ? given : throw new DirectoryNotFoundException($"EDGEFED_PACKAGES={given} does not exist.");
        }

        var folder = Directory.CreateTempSubdirectory("edgefed-packages-").FullName;
        var (exit, output) = await ProcessRunner.RunAsync(Path.Combine(RepoPaths.Root, "eng", "package-agent.sh"), ["--out", folder], TimeSpan.FromMinutes(10));
        return exit == 0 ? folder : throw new InvalidOperationException($"eng/package-agent.sh failed ({exit}):\n{output}");
    }
}
