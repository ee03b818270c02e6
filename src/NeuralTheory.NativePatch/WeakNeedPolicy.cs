namespace NeuralTheory.NativePatch;

/// <summary>
/// When a version need may be marked weak: it belongs to <see cref="Family"/>, is newer than <see cref="Floor"/>
/// (the newest version the oldest supported distribution ships), and every undefined symbol bound to it is in
/// <see cref="AllowedSymbols"/> — symbols known not to be called at run time.
/// </summary>
/// <param name="Family">The version family, e.g. <c>GLIBCXX</c>.</param>
/// <param name="Floor">Needs of versions newer than this are candidates.</param>
/// <param name="AllowedSymbols">Mangled names that may be bound to a weakened need.</param>
public sealed record WeakNeedPolicy(string Family, Version Floor, IReadOnlySet<string> AllowedSymbols)
{
    /// <summary>
    /// The default: GLIBCXX needs newer than 3.4.30 (Debian 12's and Ubuntu 22.04's libstdc++) are weakened when they
    /// bind only <c>std::ios_base_library_init()</c> (<c>_ZSt21ios_base_library_initv</c>), the link-time anchor
    /// that GCC 13's <c>&lt;iostream&gt;</c> references so that a program links against a libstdc++ new enough to
    /// initialise the standard streams itself; the anchor's body is empty and nothing calls it.
    /// </summary>
    public static WeakNeedPolicy Default { get; } = new(
        "GLIBCXX", new Version(3, 4, 30), new HashSet<string>(StringComparer.Ordinal) { "_ZSt21ios_base_library_initv" });

    /// <summary>Whether <paramref name="versionName"/> is of this family and newer than the floor.</summary>
    public bool IsAboveFloor(string versionName) =>
        SymbolVersion.TryParse(versionName, out var v) && v.Family == Family && v.Number > Floor;
}
