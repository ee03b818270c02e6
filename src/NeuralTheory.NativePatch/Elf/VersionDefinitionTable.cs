namespace NeuralTheory.NativePatch.Elf;

/// <summary>
/// Reads the <c>.gnu.version_d</c> section (<c>SHT_GNU_verdef</c>): the symbol versions an object defines
/// (for libstdc++: <c>GLIBCXX_3.4</c> … <c>GLIBCXX_3.4.30</c> on Debian 12). Layout: a chain of 20-byte
/// <c>Elf64_Verdef</c> records, each followed by <c>Elf64_Verdaux</c> name records (the first names the version).
/// </summary>
public static class VersionDefinitionTable
{
    private const int VerdefSize = 20;
    private const ushort BaseFlag = 0x1;

    /// <summary>The names of the versions the image defines, excluding the base (soname) entry.</summary>
    /// <exception cref="ElfFormatException">The table or its chain is malformed.</exception>
    public static IReadOnlyList<string> Read(ElfImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var section = image.FindSection(ElfSectionType.GnuVersionDefinitions);
        if (section is null) return [];
        var s = section.Value;
        var strings = image.SectionAt(s.Link, ".gnu.version_d's sh_link");
        var names = new List<string>();
        ulong end = s.Offset + s.Size;
        ulong entry = s.Offset;
        for (uint n = 0; n < s.Info; n++)
        {
            if (entry + VerdefSize > end)
                throw new ElfFormatException($"Verdef entry {n} at offset {entry} runs past the end of .gnu.version_d.");
            ushort flags = image.ReadUInt16(entry + 2);
            ushort count = image.ReadUInt16(entry + 6);
            uint auxOffset = image.ReadUInt32(entry + 12);
            uint next = image.ReadUInt32(entry + 16);
            if (count > 0 && (flags & BaseFlag) == 0)
            {
                ulong aux = entry + auxOffset;
                if (aux < s.Offset || aux + 8 > end)
                    throw new ElfFormatException($"Verdaux of entry {n} at offset {aux} lies outside .gnu.version_d.");
                names.Add(image.ReadString(strings, image.ReadUInt32(aux)));
            }
            if (next == 0) break;
            entry += next;
        }
        return names;
    }
}
