namespace NeuralTheory.NativePatch.Elf;

/// <summary>The bytes are not a well-formed 64-bit little-endian ELF file (or a table in it points outside the file).</summary>
public sealed class ElfFormatException : Exception
{
    /// <summary>Creates the exception with a message that says what is malformed.</summary>
    public ElfFormatException(string message) : base(message) { }
}
