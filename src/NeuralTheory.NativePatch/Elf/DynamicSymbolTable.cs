namespace NeuralTheory.NativePatch.Elf;

/// <summary>A dynamic symbol with its version binding.</summary>
/// <param name="Name">The (mangled) symbol name.</param>
/// <param name="IsUndefined">Whether the object imports the symbol (<c>st_shndx == SHN_UNDEF</c>).</param>
/// <param name="VersionIndex">The <c>.gnu.version</c> index (hidden bit cleared): 0 local, 1 global, ≥ 2 a named version.</param>
public readonly record struct DynamicSymbol(string Name, bool IsUndefined, ushort VersionIndex);

/// <summary>
/// Reads <c>.dynsym</c> (24-byte <c>Elf64_Sym</c> records) together with the parallel <c>.gnu.version</c> array
/// (one 16-bit index per symbol) that binds each symbol to a version of <see cref="VersionNeedTable"/> or of the
/// object's own <see cref="VersionDefinitionTable"/>.
/// </summary>
public static class DynamicSymbolTable
{
    private const int SymbolSize = 24;
    private const ushort HiddenBit = 0x8000;

    /// <summary>The image's dynamic symbols; empty when it has no <c>.dynsym</c>.</summary>
    /// <exception cref="ElfFormatException">The tables are malformed or disagree in length.</exception>
    public static IReadOnlyList<DynamicSymbol> Read(ElfImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var dynsym = image.FindSection(ElfSectionType.DynamicSymbols);
        if (dynsym is null) return [];
        var sym = dynsym.Value;
        if (sym.EntrySize != SymbolSize)
            throw new ElfFormatException($".dynsym entry size is {sym.EntrySize}; ELF64 symbols are {SymbolSize} bytes.");
        if (sym.Size % SymbolSize != 0)
            throw new ElfFormatException($".dynsym size {sym.Size} is not a multiple of {SymbolSize}.");
        ulong count = sym.Size / SymbolSize;
        var strings = image.SectionAt(sym.Link, ".dynsym's sh_link");

        var versym = image.FindSection(ElfSectionType.GnuVersionSymbols);
        if (versym is not null && versym.Value.Size != count * 2)
            throw new ElfFormatException(
                $".gnu.version has {versym.Value.Size / 2} entries but .dynsym has {count} symbols.");

        var result = new DynamicSymbol[count];
        for (ulong i = 0; i < count; i++)
        {
            ulong at = sym.Offset + i * SymbolSize;
            string name = image.ReadString(strings, image.ReadUInt32(at));
            ushort shndx = image.ReadUInt16(at + 6);
            ushort version = versym is null ? (ushort)1 : (ushort)(image.ReadUInt16(versym.Value.Offset + i * 2) & ~HiddenBit);
            result[i] = new DynamicSymbol(name, shndx == 0, version);
        }
        return result;
    }
}
