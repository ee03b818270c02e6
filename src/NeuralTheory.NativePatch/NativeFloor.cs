using NeuralTheory.NativePatch.Elf;

namespace NeuralTheory.NativePatch;

/// <summary>
/// The native floor of a shared object: the newest version of each family (GLIBCXX, GLIBC, CXXABI) it needs, which of
/// those needs are weak, and — for comparison — the newest GLIBCXX version a given libstdc++ defines. TorchSharp's own
/// load errors (<c>TypeInitializationException</c>, <c>DllNotFoundException</c>) do not say any of this.
/// </summary>
/// <param name="Library">Path of the inspected object.</param>
/// <param name="NewestNeeds">Per family, the newest version needed, with whether that need is weak.</param>
/// <param name="LibStdCxx">Path of the libstdc++ compared against, if any.</param>
/// <param name="LibStdCxxNewest">The newest GLIBCXX version that libstdc++ defines, if known.</param>
public sealed record NativeFloor(
    string Library,
    IReadOnlyList<(SymbolVersion Version, bool Weak)> NewestNeeds,
    string? LibStdCxx,
    SymbolVersion? LibStdCxxNewest)
{
    /// <summary>Reads the floor of <paramref name="library"/> and the versions <paramref name="libStdCxx"/> defines.</summary>
    /// <exception cref="ElfFormatException">A file is malformed.</exception>
    public static NativeFloor Inspect(string library, string? libStdCxx)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        var needs = VersionNeedTable.Read(ElfImage.Load(library));
        var newest = needs
            .Select(n => (Ok: SymbolVersion.TryParse(n.Name, out var v), V: v, n.IsWeak))
            .Where(x => x.Ok)
            .GroupBy(x => x.V.Family)
            .Select(g => g.OrderByDescending(x => x.V.Number).First())
            .OrderBy(x => x.V.Family, StringComparer.Ordinal)
            .Select(x => (x.V, x.IsWeak))
            .ToList();

        SymbolVersion? defined = null;
        if (libStdCxx is not null && File.Exists(libStdCxx))
        {
            defined = VersionDefinitionTable.Read(ElfImage.Load(libStdCxx))
                .Select(n => SymbolVersion.TryParse(n, out var v) ? v : (SymbolVersion?)null)
                .Where(v => v is { Family: "GLIBCXX" })
                .Max();
        }
        return new NativeFloor(library, newest, libStdCxx, defined);
    }

    /// <summary>Whether a GLIBCXX need newer than the libstdc++ is present and weak (the patch is in effect).</summary>
    public bool WeakNeedPatchApplied =>
        NewestNeeds.Any(n => n.Version.Family == "GLIBCXX" && n.Weak);

    /// <summary>One line: needs, libstdc++'s newest version, and whether the weak-need patch is applied.</summary>
    public override string ToString()
    {
        string needs = string.Join(", ", NewestNeeds.Select(n => n.Version + (n.Weak ? " (weak)" : "")));
        string has = LibStdCxxNewest is { } h ? $"{h} ({LibStdCxx})" : "unknown";
        return $"{Path.GetFileName(Library)} needs {needs}; system libstdc++ has up to {has}; weak-need patch {(WeakNeedPatchApplied ? "applied" : "not applied")}";
    }
}
