namespace NeuralTheory.NativePatch.Elf;

/// <summary>One ELF64 section header (<c>Elf64_Shdr</c>): the fields the version tables need.</summary>
/// <param name="Index">Position in the section header table.</param>
/// <param name="Name">Section name from the section-name string table (e.g. <c>.gnu.version_r</c>).</param>
/// <param name="Type">The <c>sh_type</c> value (see <see cref="ElfSectionType"/>).</param>
/// <param name="Offset">File offset of the section's bytes.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Link">The <c>sh_link</c> field: for symbol and version tables, the index of their string table.</param>
/// <param name="Info">The <c>sh_info</c> field: for version tables, the number of entries.</param>
/// <param name="EntrySize">The <c>sh_entsize</c> field.</param>
public readonly record struct ElfSection(
    int Index, string Name, uint Type, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize);

/// <summary>The section types this reader understands.</summary>
public static class ElfSectionType
{
    /// <summary><c>SHT_STRTAB</c>: a string table.</summary>
    public const uint StringTable = 3;
    /// <summary><c>SHT_NOBITS</c>: occupies no file space.</summary>
    public const uint NoBits = 8;
    /// <summary><c>SHT_DYNSYM</c>: the dynamic symbol table.</summary>
    public const uint DynamicSymbols = 11;
    /// <summary><c>SHT_GNU_verdef</c>: versions this object defines.</summary>
    public const uint GnuVersionDefinitions = 0x6ffffffd;
    /// <summary><c>SHT_GNU_verneed</c>: versions this object needs from its dependencies.</summary>
    public const uint GnuVersionNeeds = 0x6ffffffe;
    /// <summary><c>SHT_GNU_versym</c>: the version index of each dynamic symbol.</summary>
    public const uint GnuVersionSymbols = 0x6fffffff;
}
