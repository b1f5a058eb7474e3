namespace EdgeFed.Agent.Tests;

/// <summary>Finds the repository (the folder holding EdgeFed.sln) and the shared data beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Python => Environment.GetEnvironmentVariable("EDGEFED_PYTHON") ?? "/usr/bin/python3";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeFed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeFed.sln not found above " + AppContext.BaseDirectory);
    }
}
