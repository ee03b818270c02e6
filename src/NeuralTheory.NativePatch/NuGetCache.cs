namespace NeuralTheory.NativePatch;

/// <summary>Where NuGet keeps extracted packages, so the patcher can refuse to write there.</summary>
public static class NuGetCache
{
    /// <summary>The global packages folder: <c>NUGET_PACKAGES</c> if set, else <c>~/.nuget/packages</c>.</summary>
    public static string GlobalPackagesFolder
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            return Path.GetFullPath(!string.IsNullOrWhiteSpace(env) ? env
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"));
        }
    }

    /// <summary>Whether <paramref name="fullPath"/> lies inside the global packages folder.</summary>
    public static bool Contains(string fullPath)
    {
        string root = Path.TrimEndingDirectorySeparator(GlobalPackagesFolder) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(fullPath).StartsWith(root, StringComparison.Ordinal);
    }
}
