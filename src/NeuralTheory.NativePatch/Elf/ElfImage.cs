using System.Buffers.Binary;
using System.Text;

namespace NeuralTheory.NativePatch.Elf;

/// <summary>
/// A read-only view of a 64-bit little-endian ELF file (x86-64 and AArch64 shared objects): the header and the
/// section header table, with bounds-checked reads. Every offset taken from the file is checked against its length,
/// so a truncated or corrupt file raises <see cref="ElfFormatException"/> instead of reading past the end.
/// </summary>
public sealed class ElfImage
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private readonly byte[] _bytes;

    private ElfImage(byte[] bytes, IReadOnlyList<ElfSection> sections)
    {
        _bytes = bytes;
        Sections = sections;
    }

    /// <summary>The section headers, in file order.</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>The length of the file in bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Reads and parses a file.</summary>
    /// <exception cref="ElfFormatException">The file is not a well-formed ELF64 little-endian object.</exception>
    public static ElfImage Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path));
    }

    /// <summary>Parses an in-memory copy of a file. The array is not copied; do not change it afterwards.</summary>
    /// <exception cref="ElfFormatException">The bytes are not a well-formed ELF64 little-endian object.</exception>
    public static ElfImage Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length >= 4 && (bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F'))
            throw new ElfFormatException("Missing ELF magic number (0x7f 'E' 'L' 'F'): not an ELF file.");
        if (bytes.Length < HeaderSize)
            throw new ElfFormatException($"File is {bytes.Length} bytes long, shorter than an ELF64 header ({HeaderSize} bytes).");
        if (bytes[4] != 2)
            throw new ElfFormatException($"EI_CLASS is {bytes[4]}; only 64-bit ELF (2) is supported.");
        if (bytes[5] != 1)
            throw new ElfFormatException($"EI_DATA is {bytes[5]}; only little-endian ELF (1) is supported.");

        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x28));
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3A));
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3C));
        ushort shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x3E));
        if (shnum == 0)
            throw new ElfFormatException("The file has no section header table (e_shnum = 0).");
        if (shentsize != SectionHeaderSize)
            throw new ElfFormatException($"e_shentsize is {shentsize}; ELF64 section headers are {SectionHeaderSize} bytes.");
        CheckRange(bytes.Length, shoff, (ulong)shnum * SectionHeaderSize, "section header table");
        if (shstrndx >= shnum)
            throw new ElfFormatException($"e_shstrndx ({shstrndx}) is not a section index (e_shnum = {shnum}).");

        var raw = new (uint Name, uint Type, ulong Offset, ulong Size, uint Link, uint Info, ulong EntSize)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var h = bytes.AsSpan(checked((int)shoff + i * SectionHeaderSize), SectionHeaderSize);
            raw[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h),
                      BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                      BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                      BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                      BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                      BinaryPrimitives.ReadUInt32LittleEndian(h[44..]),
                      BinaryPrimitives.ReadUInt64LittleEndian(h[56..]));
            if (raw[i].Type != ElfSectionType.NoBits && raw[i].Type != 0)
                CheckRange(bytes.Length, raw[i].Offset, raw[i].Size, $"section {i}");
        }

        var names = raw[shstrndx];
        var sections = new ElfSection[shnum];
        for (int i = 0; i < shnum; i++)
        {
            string name = ReadString(bytes, names.Offset, names.Size, raw[i].Name, "section name table");
            sections[i] = new ElfSection(i, name, raw[i].Type, raw[i].Offset, raw[i].Size, raw[i].Link, raw[i].Info, raw[i].EntSize);
        }
        return new ElfImage(bytes, sections);
    }

    /// <summary>The first section of the given type, or <c>null</c> if there is none.</summary>
    public ElfSection? FindSection(uint type)
    {
        foreach (var s in Sections)
            if (s.Type == type) return s;
        return null;
    }

    /// <summary>The section at <paramref name="index"/>, checked.</summary>
    public ElfSection SectionAt(uint index, string purpose) =>
        index < Sections.Count ? Sections[(int)index]
            : throw new ElfFormatException($"{purpose} names section {index}, but the file has {Sections.Count} sections.");

    /// <summary>Reads a NUL-terminated string at <paramref name="offset"/> within the string table <paramref name="table"/>.</summary>
    public string ReadString(ElfSection table, uint offset)
    {
        string name = table.Name.Length > 0 ? table.Name : $"section {table.Index}";
        if (table.Type == ElfSectionType.NoBits)
            throw new ElfFormatException($"The string table {name} occupies no file space (SHT_NOBITS).");
        CheckRange(_bytes.Length, table.Offset, table.Size, name);
        return ReadString(_bytes, table.Offset, table.Size, offset, name);
    }

    /// <summary>Reads a little-endian 16-bit value at a file offset.</summary>
    public ushort ReadUInt16(ulong offset) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(offset, 2));

    /// <summary>Reads a little-endian 32-bit value at a file offset.</summary>
    public uint ReadUInt32(ulong offset) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(offset, 4));

    /// <summary>Reads one byte at a file offset.</summary>
    public byte ReadByte(ulong offset) => Slice(offset, 1)[0];

    private ReadOnlySpan<byte> Slice(ulong offset, int count)
    {
        CheckRange(_bytes.Length, offset, (ulong)count, "read");
        return _bytes.AsSpan((int)offset, count);
    }

    private static void CheckRange(int length, ulong offset, ulong size, string what)
    {
        if (offset > (ulong)length || size > (ulong)length - offset)
            throw new ElfFormatException(
                $"The {what} (offset {offset}, {size} bytes) lies outside the file ({length} bytes): the file is truncated or corrupt.");
    }

    private static string ReadString(byte[] bytes, ulong tableOffset, ulong tableSize, uint offset, string table)
    {
        if (offset >= tableSize)
            throw new ElfFormatException($"String offset {offset} lies outside the {table} ({tableSize} bytes).");
        var span = bytes.AsSpan((int)(tableOffset + offset), (int)(tableSize - offset));
        int end = span.IndexOf((byte)0);
        if (end < 0)
            throw new ElfFormatException($"String at offset {offset} of the {table} is not NUL-terminated.");
        return Encoding.ASCII.GetString(span[..end]);
    }
}
