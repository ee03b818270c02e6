namespace NeuralTheory.Lab.Diagnostics;

/// <summary>The shared objects mapped into this process, read from <c>/proc/self/maps</c> (Linux only).</summary>
public static class LoadedLibraries
{
    /// <summary>Whether <c>/proc/self/maps</c> can be read here.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && File.Exists("/proc/self/maps");

    /// <summary>The distinct paths of mapped files, in map order; empty where <see cref="Supported"/> is false.</summary>
    public static IReadOnlyList<string> Paths()
    {
        if (!Supported) return [];
        var paths = new List<string>();
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            // address perms offset dev inode pathname — the path is the sixth field and may contain spaces.
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) continue;
            string path = line[slash..].Trim();
            if (path.EndsWith(" (deleted)", StringComparison.Ordinal)) continue;
            if (!paths.Contains(path, StringComparer.Ordinal)) paths.Add(path);
        }
        return paths;
    }

    /// <summary>The first mapped file whose name is <paramref name="fileName"/> or starts with <c>fileName.</c> (a versioned soname), or null.</summary>
    public static string? Find(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return Paths().FirstOrDefault(p =>
        {
            string name = Path.GetFileName(p);
            return name == fileName || name.StartsWith(fileName + ".", StringComparison.Ordinal);
        });
    }
}
