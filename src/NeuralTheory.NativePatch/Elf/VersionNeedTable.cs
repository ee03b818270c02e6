namespace NeuralTheory.NativePatch.Elf;

/// <summary>One version that an object needs from a dependency (<c>Elf64_Vernaux</c>).</summary>
/// <param name="Library">The dependency's soname (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name (<c>vna_name</c>), e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The <c>vna_flags</c> field; bit <see cref="VersionNeedTable.WeakFlag"/> marks a weak need.</param>
/// <param name="Index">The version index (<c>vna_other</c>) that <c>.gnu.version</c> entries use to bind symbols to it.</param>
/// <param name="FlagsOffset">File offset of the two-byte <c>vna_flags</c> field: the only bytes a patch changes.</param>
public readonly record struct VersionNeed(string Library, string Name, ushort Flags, ushort Index, ulong FlagsOffset)
{
    /// <summary>Whether the need is weak: the dynamic loader accepts a dependency that lacks this version.</summary>
    public bool IsWeak => (Flags & VersionNeedTable.WeakFlag) != 0;
}

/// <summary>
/// Reads the <c>.gnu.version_r</c> section (<c>SHT_GNU_verneed</c>): for each dependency, the symbol versions the
/// object needs from it. Layout per the Linux Standard Base / glibc <c>elf.h</c>: a chain of 16-byte
/// <c>Elf64_Verneed</c> records, each heading a chain of 16-byte <c>Elf64_Vernaux</c> records.
/// </summary>
public static class VersionNeedTable
{
    /// <summary><c>VER_FLG_WEAK</c>: the need is weak (a missing version is not an error at load time).</summary>
    public const ushort WeakFlag = 0x2;

    private const int VerneedSize = 16;
    private const int VernauxSize = 16;

    /// <summary>Every version need of the image; empty when the image has no <c>.gnu.version_r</c>.</summary>
    /// <exception cref="ElfFormatException">The table or its chain is malformed.</exception>
    public static IReadOnlyList<VersionNeed> Read(ElfImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var section = image.FindSection(ElfSectionType.GnuVersionNeeds);
        if (section is null) return [];
        var s = section.Value;
        var strings = image.SectionAt(s.Link, ".gnu.version_r's sh_link");
        var result = new List<VersionNeed>();
        ulong end = s.Offset + s.Size;
        ulong entry = s.Offset;
        // sh_info holds the number of Verneed entries; bound every chain by it and by the section size.
        for (uint n = 0; n < s.Info; n++)
        {
            if (entry + VerneedSize > end)
                throw new ElfFormatException($"Verneed entry {n} at offset {entry} runs past the end of .gnu.version_r.");
            ushort version = image.ReadUInt16(entry);
            if (version != 1)
                throw new ElfFormatException($"Verneed entry {n} has vn_version {version}; only version 1 is defined.");
            ushort count = image.ReadUInt16(entry + 2);
            string library = image.ReadString(strings, image.ReadUInt32(entry + 4));
            uint auxOffset = image.ReadUInt32(entry + 8);
            uint next = image.ReadUInt32(entry + 12);

            ulong aux = entry + auxOffset;
            for (int k = 0; k < count; k++)
            {
                if (aux < s.Offset || aux + VernauxSize > end)
                    throw new ElfFormatException($"Vernaux entry {k} of {library} at offset {aux} lies outside .gnu.version_r.");
                ushort flags = image.ReadUInt16(aux + 4);
                ushort index = image.ReadUInt16(aux + 6);
                string name = image.ReadString(strings, image.ReadUInt32(aux + 8));
                result.Add(new VersionNeed(library, name, flags, index, aux + 4));
                uint auxNext = image.ReadUInt32(aux + 12);
                if (auxNext == 0) break;
                aux += auxNext;
            }
            if (next == 0) break;
            entry += next;
        }
        return result;
    }
}
