using System.Globalization;

namespace NeuralTheory.NativePatch;

/// <summary>
/// A GNU symbol-version name split into its family and number, e.g. <c>GLIBCXX_3.4.32</c> → (<c>GLIBCXX</c>, 3.4.32),
/// so that versions of one family compare numerically (3.4.9 &lt; 3.4.30).
/// </summary>
/// <param name="Family">The part before the last underscore (<c>GLIBCXX</c>, <c>GLIBC</c>, <c>CXXABI</c>).</param>
/// <param name="Number">The dotted number.</param>
public readonly record struct SymbolVersion(string Family, Version Number) : IComparable<SymbolVersion>
{
    /// <summary>Parses <c>FAMILY_a.b[.c[.d]]</c>; returns <c>false</c> for anything else (e.g. <c>GLIBC_PRIVATE</c>).</summary>
    public static bool TryParse(string? name, out SymbolVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(name)) return false;
        int cut = name.LastIndexOf('_');
        if (cut <= 0 || cut == name.Length - 1) return false;
        string number = name[(cut + 1)..];
        if (!number.Contains('.')) return false;
        foreach (var part in number.Split('.'))
            if (part.Length == 0 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        if (!Version.TryParse(number, out var parsed)) return false;
        version = new SymbolVersion(name[..cut], parsed);
        return true;
    }

    /// <summary>Parses a version name or throws <see cref="FormatException"/>.</summary>
    public static SymbolVersion Parse(string name) =>
        TryParse(name, out var v) ? v : throw new FormatException($"'{name}' is not a symbol version of the form FAMILY_a.b.c.");

    /// <inheritdoc />
    public int CompareTo(SymbolVersion other)
    {
        int f = string.CompareOrdinal(Family, other.Family);
        return f != 0 ? f : Number.CompareTo(other.Number);
    }

    /// <summary>The version name as it stands in ELF tables.</summary>
    public override string ToString() => $"{Family}_{Number}";
}
