using System.Buffers.Binary;
using System.Text;

namespace NeuralTheory.Tests.NativeLoading;

/// <summary>
/// Writes a minimal ELF64 little-endian shared object that has only what the version tables need: .shstrtab,
/// .dynstr, .dynsym, .gnu.version and .gnu.version_r, with one dependency (libstdc++.so.6) and the given version needs,
/// each binding the given undefined symbols. Built from the ELF specification's layouts, independently of the reader.
/// </summary>
internal static class SyntheticElf
{
    public sealed record Need(string Version, ushort Flags, params string[] Symbols);

    public static byte[] Build(params Need[] needs)
    {
        var dynstr = new StringTable();
        uint lib = dynstr.Add("libstdc++.so.6");
        var symbols = new List<(uint Name, ushort Version)>();
        var aux = new List<(uint Hash, ushort Flags, ushort Index, uint Name)>();
        for (int i = 0; i < needs.Length; i++)
        {
            ushort index = (ushort)(2 + i);
            aux.Add((0x0aa00000u + (uint)i, needs[i].Flags, index, dynstr.Add(needs[i].Version)));
            foreach (var s in needs[i].Symbols) symbols.Add((dynstr.Add(s), index));
        }
        var shstr = new StringTable();
        uint nShstr = shstr.Add(".shstrtab"), nDynstr = shstr.Add(".dynstr"), nDynsym = shstr.Add(".dynsym"),
             nVersym = shstr.Add(".gnu.version"), nVerneed = shstr.Add(".gnu.version_r");

        var body = new MemoryStream();
        body.Write(new byte[64]);
        long oShstr = Append(body, shstr.Bytes);
        long oDynstr = Append(body, dynstr.Bytes);
        var dynsym = new byte[24 * (symbols.Count + 1)];
        for (int i = 0; i < symbols.Count; i++)
        {
            var e = dynsym.AsSpan(24 * (i + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(e, symbols[i].Name);
            e[4] = 0x12; // STB_GLOBAL, STT_FUNC
            BinaryPrimitives.WriteUInt16LittleEndian(e[6..], 0); // SHN_UNDEF
        }
        long oDynsym = Append(body, dynsym);
        var versym = new byte[2 * (symbols.Count + 1)];
        for (int i = 0; i < symbols.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(versym.AsSpan(2 * (i + 1)), symbols[i].Version);
        long oVersym = Append(body, versym);
        var verneed = new byte[16 + 16 * aux.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(verneed, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(verneed.AsSpan(2), (ushort)aux.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(verneed.AsSpan(4), lib);
        BinaryPrimitives.WriteUInt32LittleEndian(verneed.AsSpan(8), 16);
        for (int i = 0; i < aux.Count; i++)
        {
            var a = verneed.AsSpan(16 + 16 * i);
            BinaryPrimitives.WriteUInt32LittleEndian(a, aux[i].Hash);
            BinaryPrimitives.WriteUInt16LittleEndian(a[4..], aux[i].Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(a[6..], aux[i].Index);
            BinaryPrimitives.WriteUInt32LittleEndian(a[8..], aux[i].Name);
            BinaryPrimitives.WriteUInt32LittleEndian(a[12..], i + 1 < aux.Count ? 16u : 0u);
        }
        long oVerneed = Append(body, verneed);

        long shoff = Align(body);
        var headers = new (uint Name, uint Type, long Off, long Size, uint Link, uint Info, ulong EntSize)[]
        {
            (0, 0, 0, 0, 0, 0, 0),
            (nShstr, 3, oShstr, shstr.Bytes.Length, 0, 0, 0),
            (nDynstr, 3, oDynstr, dynstr.Bytes.Length, 0, 0, 0),
            (nDynsym, 11, oDynsym, dynsym.Length, 2, 1, 24),
            (nVersym, 0x6fffffff, oVersym, versym.Length, 3, 0, 2),
            (nVerneed, 0x6ffffffe, oVerneed, verneed.Length, 2, 1, 0),
        };
        foreach (var h in headers)
        {
            var sh = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(sh, h.Name);
            BinaryPrimitives.WriteUInt32LittleEndian(sh.AsSpan(4), h.Type);
            BinaryPrimitives.WriteUInt64LittleEndian(sh.AsSpan(24), (ulong)h.Off);
            BinaryPrimitives.WriteUInt64LittleEndian(sh.AsSpan(32), (ulong)h.Size);
            BinaryPrimitives.WriteUInt32LittleEndian(sh.AsSpan(40), h.Link);
            BinaryPrimitives.WriteUInt32LittleEndian(sh.AsSpan(44), h.Info);
            BinaryPrimitives.WriteUInt64LittleEndian(sh.AsSpan(56), h.EntSize);
            body.Write(sh);
        }
        var bytes = body.ToArray();
        bytes[0] = 0x7f; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F';
        bytes[4] = 2; bytes[5] = 1; bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 3);   // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 62);  // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x28), (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x34), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3A), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3C), (ushort)headers.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3E), 1);
        return bytes;
    }

    private static long Append(MemoryStream s, byte[] data)
    {
        long at = Align(s);
        s.Write(data);
        return at;
    }

    private static long Align(MemoryStream s)
    {
        while (s.Length % 8 != 0) s.WriteByte(0);
        return s.Length;
    }

    private sealed class StringTable
    {
        private readonly MemoryStream _s = new();
        public StringTable() => _s.WriteByte(0);
        public uint Add(string text)
        {
            uint at = (uint)_s.Position;
            _s.Write(Encoding.ASCII.GetBytes(text));
            _s.WriteByte(0);
            return at;
        }
        public byte[] Bytes => _s.ToArray();
    }
}
